// Which registries, blob stores and secret stores the command line can reach, wired into the client builder.
package org.ocitransfer.cli;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import java.util.List;
import java.util.Optional;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.azure.identity.ManagedIdentityCredentials;
import org.ocitransfer.azure.identity.PipelineCredentials;
import org.ocitransfer.azure.acr.AcrCredentialProvider;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.keyvault.KeyVaultSecretStore;
import org.ocitransfer.azure.state.AzureBlobRecordStore;
import org.ocitransfer.core.blob.BlobStoreFactory;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStoreFactory;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;
import org.ocitransfer.core.secret.SecretStore;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.core.state.RecordStore;
import reactor.core.publisher.Mono;

/**
 * The kinds of registry, container and secret the command line reaches, beyond the builder's built-ins
 * ({@code oci-layout:} registries, {@code file://} containers, {@code env:} and {@code file:} secrets):
 * <ul>
 *   <li>registries over HTTP ({@code https://host}, {@code http://host:port}), signed in with the command line's
 *       credentials, then the environment's, then the docker {@code config.json} (its credential helpers, then
 *       its {@code auths}), then podman/skopeo's {@code auth.json}, then (for {@code *.azurecr.io})
 *       an Entra ID token exchanged for an ACR refresh token;</li>
 *   <li>Azure Blob Storage containers (SasToken or ManagedIdentity), Key Vault secrets, and Key Vault keys that
 *       sign archives.</li>
 * </ul>
 * A pipeline with an identity ({@code --assign-identity}) reads its Key Vault secret and ManagedIdentity container
 * with azure-identity's ManagedIdentityCredential for that identity. Other Entra ID tokens come from azure-identity's
 * DefaultAzureCredential (environment, workload identity, managed
 * identity with {@code AZURE_CLIENT_ID} for a user-assigned one, Azure CLI sign-in, ...), created only when first
 * needed, so commands that never reach Azure never load it.
 */
final class Backends {

    private static final TokenCredential AZURE = new LazyAzureCredential();

    /** The managed identity a pipeline names ({@code --assign-identity}), one credential per identity. */
    private static final PipelineCredentials IDENTITIES = new ManagedIdentityCredentials();

    private Backends() {
    }

    /** Adds the command line's registry, storage and secret kinds to the builder. */
    static TransferClientBuilder configure(TransferClientBuilder builder, CredentialProvider credentials) {
        CredentialProvider signIn = credentials.orElse(new DefaultCredentials())
                .orElse(AcrCredentialProvider.builder(AZURE).build());
        return builder.registryFactory(new HttpRegistryFactory(b -> b.credentials(signIn)))
                .blobStoreFactory(AzureBlobStoreFactory.builder().credential(AZURE).identityCredentials(IDENTITIES)
                        .build())
                .secretStore(keyVault())
                .signerFactory(KeyVaultSecretStore.builder(AZURE).identityCredentials(IDENTITIES).buildKeySigner());
    }

    /** Records kept in an Azure container (the {@code --state-uri} option). */
    static RecordStore recordStore(StorageContainer container) {
        return AzureBlobRecordStore.open(container, secrets(), AZURE);
    }

    /** Every kind of container, for commands that open containers themselves ({@code blob copy}). */
    static List<BlobStoreFactory> blobStoreFactories() {
        return List.of(new AzureBlobStoreFactory(AZURE), new LocalDirectoryBlobStoreFactory());
    }

    /** Every kind of secret: Key Vault, {@code env:}, {@code file:}. */
    static SecretStore secrets() {
        return SecretStores.of(List.of(keyVault())).with(SecretStores.builtIn());
    }

    private static SecretStore keyVault() {
        return KeyVaultSecretStore.builder(AZURE).identityCredentials(IDENTITIES).build();
    }

    /**
     * The environment's credentials, then the docker config's, then auth.json's, read when a registry first asks: commands that reach
     * no registry never read them (and never fail on a broken config).
     */
    private static final class DefaultCredentials implements CredentialProvider {
        private CredentialProvider delegate;

        @Override
        public synchronized Optional<RegistryCredential> credentialFor(String host) {
            if (delegate == null) {
                delegate = HttpRegistryFactory.defaultCredentials();
            }
            return delegate.credentialFor(host);
        }

        @Override
        public synchronized List<String> searched(String host) {
            return delegate == null ? List.of() : delegate.searched(host);
        }
    }

    /** DefaultAzureCredential, built on first use. */
    private static final class LazyAzureCredential implements TokenCredential {
        private TokenCredential delegate;

        private synchronized TokenCredential delegate() {
            if (delegate == null) {
                delegate = new DefaultAzureCredentialBuilder().build();
            }
            return delegate;
        }

        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            return delegate().getToken(request);
        }

        @Override
        public AccessToken getTokenSync(TokenRequestContext request) {
            return delegate().getTokenSync(request);
        }
    }
}
