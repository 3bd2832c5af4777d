// The Entra ID credential that acts as a pipeline's identity: what the Azure stores use for Key Vault and Storage.
package org.ocitransfer.azure.identity;

import com.azure.core.credential.TokenCredential;
import org.ocitransfer.api.PipelineIdentity;

/**
 * Gives the {@link TokenCredential} that acts as a pipeline's identity ({@code ExportPipeline.identity()},
 * {@code ImportPipeline.identity()}). {@link org.ocitransfer.azure.keyvault.KeyVaultSecretStore} and
 * {@link org.ocitransfer.azure.blob.AzureBlobStoreFactory} ask it when the client opens a pipeline's container
 * ({@code forIdentity}), so each pipeline reads its SAS secret and its ManagedIdentity container as its own identity;
 * a pipeline without one uses the store's default credential. {@link ManagedIdentityCredentials} is the usual
 * implementation (azure-identity's ManagedIdentityCredential per identity).
 */
@FunctionalInterface
public interface PipelineCredentials {

    /**
     * The credential acting as {@code identity}; implementations should return the same instance for the same
     * identity, so its tokens are cached.
     *
     * @param identity never null
     */
    TokenCredential credential(PipelineIdentity identity);
}
