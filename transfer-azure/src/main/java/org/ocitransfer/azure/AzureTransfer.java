// The one-stop entry for the common Azure setup: a TransferClientBuilder wired with Azure storage, Key Vault and ACR.
package org.ocitransfer.azure;

import com.azure.core.credential.TokenCredential;
import java.util.Objects;
import org.ocitransfer.azure.identity.PipelineCredentials;
import org.ocitransfer.azure.acr.AcrCredentialProvider;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.keyvault.KeyVaultKeySigner;
import org.ocitransfer.azure.keyvault.KeyVaultSecretStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;

/**
 * The common Azure setup in one call: a {@link TransferClientBuilder} whose pipelines reach Azure Blob Storage
 * containers (SAS token from Key Vault, or the managed identity of {@code credential}), read SAS tokens from Key Vault
 * secret URIs, sign archives with Key Vault keys ({@link KeyVaultKeySigner}), and sign in to Azure Container Registry
 * ({@code *.azurecr.io} and the sovereign clouds) with an Entra ID token, other registries with the default credentials (environment, docker config, containers' auth.json).
 *
 * <pre>{@code
 * TransferClient client = AzureTransfer.clientBuilder(new DefaultAzureCredentialBuilder().build()).buildClient();
 * }</pre>
 *
 * <p>The builder keeps everything else built in (local directory containers, OCI layouts, {@code env:} and
 * {@code file:} secrets, records in a state directory) and takes more: call its methods before
 * {@link TransferClientBuilder#buildClient()}. For other settings (block size, a proxy, a tenant), build the parts
 * yourself with {@link AzureBlobStoreFactory#builder()}, {@link KeyVaultSecretStore#builder(TokenCredential)} and
 * {@link AcrCredentialProvider#builder(TokenCredential)} and give them to a {@link TransferClientBuilder}.
 */
public final class AzureTransfer {

    private AzureTransfer() {
    }

    /**
     * A client builder wired for Azure.
     *
     * @param credential the Entra ID identity that reads storage (ManagedIdentity containers), Key Vault secrets and
     *                   signs in to ACR; any {@link TokenCredential} (e.g. {@code DefaultAzureCredential})
     * @return a new builder; each call returns a new one
     */
    public static TransferClientBuilder clientBuilder(TokenCredential credential) {
        return clientBuilder(credential, null);
    }

    /**
     * A client builder wired for Azure whose pipelines with an identity ({@code ExportPipeline.identity()},
     * {@code ImportPipeline.identity()}) read their Key Vault secrets and ManagedIdentity containers as that identity.
     *
     * @param credential  the default Entra ID identity: pipelines without one, and ACR sign-in
     * @param identities  the credential of each pipeline identity, e.g. {@code new ManagedIdentityCredentials()};
     *                    null: a pipeline with an identity fails to reach Key Vault and ManagedIdentity storage
     * @return a new builder
     */
    public static TransferClientBuilder clientBuilder(TokenCredential credential, PipelineCredentials identities) {
        Objects.requireNonNull(credential, "a TokenCredential is needed for Azure (e.g. DefaultAzureCredential)");
        KeyVaultSecretStore.Builder keyVault = KeyVaultSecretStore.builder(credential).identityCredentials(identities);
        return new TransferClientBuilder()
                .blobStoreFactory(AzureBlobStoreFactory.builder().credential(credential)
                        .identityCredentials(identities).build())
                .secretStore(keyVault.build())
                .signerFactory(keyVault.buildKeySigner())
                .registryFactory(new HttpRegistryFactory(b -> b.credentials(
                        AcrCredentialProvider.builder(credential).build()
                                .orElse(HttpRegistryFactory.defaultCredentials()))));
    }
}
