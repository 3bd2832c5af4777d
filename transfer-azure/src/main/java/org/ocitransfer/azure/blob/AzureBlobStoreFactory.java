// Opens AzureBlobStores for pipelines' storage containers (Azure accounts and loopback Azurite).
package org.ocitransfer.azure.blob;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.HttpLogOptions;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.StorageAccessMode;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.azure.identity.PipelineCredentials;
import org.ocitransfer.azure.internal.blob.AzureBlobStore;
import org.ocitransfer.azure.internal.blob.AzureContainerUri;
import org.ocitransfer.azure.internal.identity.Identities;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.BlobStoreFactory;
import org.ocitransfer.core.secret.Secret;
import org.ocitransfer.core.secret.SecretStore;

/**
 * The {@link BlobStoreFactory} for Azure Blob Storage containers: {@code https://<account>.blob.<suffix>/<container>}
 * and loopback emulators ({@code http://127.0.0.1:PORT/<account>/<container>}). SasToken containers read their SAS
 * through the given {@link SecretStore}; ManagedIdentity containers use the factory's {@link TokenCredential}
 * (any implementation: azure-identity is only needed by callers who use its credentials).
 */
public final class AzureBlobStoreFactory implements BlobStoreFactory {

    private final Builder settings;
    private final PipelineIdentity identity;

    /** A factory for SasToken containers only. */
    public AzureBlobStoreFactory() {
        this(new Builder());
    }

    /** A factory whose ManagedIdentity containers use {@code credential} (may be null: SasToken only). */
    public AzureBlobStoreFactory(TokenCredential credential) {
        this(new Builder().credential(credential));
    }

    private AzureBlobStoreFactory(Builder settings) {
        this(settings, null);
    }

    private AzureBlobStoreFactory(Builder settings, PipelineIdentity identity) {
        this.settings = settings.copy();
        this.identity = identity;
    }

    /** A builder for a factory with an HTTP client, block sizes and the like. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * This factory opening ManagedIdentity containers as the pipeline's identity, with the credential the builder's
     * {@link Builder#identityCredentials PipelineCredentials} give for it (SasToken containers read their SAS
     * through the secret store the client passes, which acts as the same identity). Without PipelineCredentials,
     * opening a ManagedIdentity container for a pipeline with an identity fails saying so.
     *
     * @param pipelineIdentity null: this factory (its default credential)
     */
    @Override
    public BlobStoreFactory forIdentity(PipelineIdentity pipelineIdentity) {
        if (pipelineIdentity == null || pipelineIdentity.equals(identity)) {
            return this;
        }
        Builder scoped = settings.copy();
        scoped.credential = settings.identities == null ? null : settings.identities.credential(pipelineIdentity);
        return new AzureBlobStoreFactory(scoped, pipelineIdentity);
    }

    @Override
    public boolean supports(StorageContainer container) {
        return AzureContainerUri.looksLike(container.uri());
    }

    /**
     * Parses the container URI: its form, and the container name by Azure's rules (3-63 lowercase letters, digits
     * and single hyphens, starting and ending with a letter or digit). Whether the container exists is only known
     * when a run reaches the service.
     */
    @Override
    public void validate(StorageContainer container) {
        AzureContainerUri.parse(container.uri());
    }

    /**
     * @throws IllegalArgumentException for an invalid container URI
     * @throws BlobStoreException       when the container's access mode cannot be served (no secret URI, no
     *                                  credential) or its secret holds no SAS
     */
    @Override
    public BlobStore open(StorageContainer container, SecretStore secrets) {
        AzureBlobStore.Builder builder = AzureBlobStore.builder(container.uri());
        if (container.accessMode() == StorageAccessMode.ManagedIdentity) {
            if (settings.credential == null && identity != null) {
                throw new BlobStoreException(Identities.noCredentials(identity, "AzureBlobStoreFactory")
                        + " (opening storage container " + container.uri() + ")");
            }
            if (settings.credential == null) {
                throw new BlobStoreException("Storage container " + container.uri() + " uses the ManagedIdentity"
                        + " access mode, but no TokenCredential was given: construct AzureBlobStoreFactory with one"
                        + " (e.g. azure-identity's DefaultAzureCredential, or ManagedIdentityCredential with the"
                        + " client id of a user-assigned identity)");
            }
            builder.credential(settings.credential);
        } else {
            if (container.secretUri() == null) {
                throw new BlobStoreException("Storage container " + container.uri() + " uses the SasToken access"
                        + " mode but names no secret URI: give the secret that holds its SAS token (a Key Vault"
                        + " secret URI, env:NAME or file:/path), or use the ManagedIdentity access mode");
            }
            Secret sas = secrets.get(container.secretUri());
            builder.sasToken(sas, container.secretUri());
        }
        if (settings.httpClient != null) {
            builder.httpClient(settings.httpClient);
        }
        if (settings.httpLogOptions != null) {
            builder.httpLogOptions(settings.httpLogOptions);
        }
        if (settings.blockSize > 0) {
            builder.blockSize(settings.blockSize);
        }
        if (settings.blocksInFlight > 0) {
            builder.blocksInFlight(settings.blocksInFlight);
        }
        if (settings.syncCopyLimit >= 0) {
            builder.syncCopyLimit(settings.syncCopyLimit);
        }
        return builder.build();
    }

    /** Builds an {@link AzureBlobStoreFactory}. */
    public static final class Builder {
        private TokenCredential credential;
        private HttpClient httpClient;
        private HttpLogOptions httpLogOptions;
        private int blockSize;
        private int blocksInFlight;
        private long syncCopyLimit = -1;
        private PipelineCredentials identities;

        private Builder() {
        }

        /** The credential for ManagedIdentity containers (null: SasToken containers only). */
        public Builder credential(TokenCredential credential) {
            this.credential = credential;
            return this;
        }

        /**
         * The credentials of pipeline identities: a pipeline with an identity opens its ManagedIdentity container
         * with the credential these give for it ({@link AzureBlobStoreFactory#forIdentity}).
         */
        public Builder identityCredentials(PipelineCredentials credentials) {
            this.identities = credentials;
            return this;
        }

        /** The HTTP client the SDK uses (e.g. one trusting a test certificate). */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /** The SDK's HTTP logging options. */
        public Builder httpLogOptions(HttpLogOptions httpLogOptions) {
            this.httpLogOptions = httpLogOptions;
            return this;
        }

        /** The size of a staged block, 1-100 MiB (default 8 MiB); raised for large blobs of known size. */
        public Builder blockSize(int bytes) {
            this.blockSize = AzureBlobStore.checkBlockSize(bytes);
            return this;
        }

        /** How many blocks of one upload are staged at once, 1-32 (default 4). */
        public Builder blocksInFlight(int count) {
            this.blocksInFlight = AzureBlobStore.checkBlocksInFlight(count);
            return this;
        }

        /** Blobs up to this size are copied server-side in one synchronous call; larger ones start a copy and poll. */
        public Builder syncCopyLimit(long bytes) {
            this.syncCopyLimit = Math.max(0, bytes);
            return this;
        }

        /** The factory. */
        public AzureBlobStoreFactory build() {
            return new AzureBlobStoreFactory(this);
        }

        private Builder copy() {
            Builder b = new Builder();
            b.credential = credential;
            b.identities = identities;
            b.httpClient = httpClient;
            b.httpLogOptions = httpLogOptions;
            b.blockSize = blockSize;
            b.blocksInFlight = blocksInFlight;
            b.syncCopyLimit = syncCopyLimit;
            return b;
        }
    }
}
