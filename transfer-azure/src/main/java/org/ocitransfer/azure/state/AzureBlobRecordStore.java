// Pipeline and run records as JSON blobs in an Azure Blob Storage container, written with ETag preconditions.
package org.ocitransfer.azure.state;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobDownloadContentResponse;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ocitransfer.api.StorageAccessMode;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.azure.internal.blob.AzureContainerUri;
import org.ocitransfer.azure.internal.blob.Redaction;
import org.ocitransfer.azure.internal.blob.SasToken;
import org.ocitransfer.azure.internal.http.JdkAzureHttpClient;
import org.ocitransfer.core.secret.Secret;
import org.ocitransfer.core.secret.SecretStore;
import org.ocitransfer.core.state.RecordConflictException;
import org.ocitransfer.core.state.RecordStore;

/**
 * Pipeline and run records kept in an Azure Blob Storage container, so replicas on different machines (and the CLI
 * on a laptop) share one view: each record is the block blob {@code <collection>/<name>.json}. Writes carry the
 * record store's preconditions as ETag conditions ({@code If-None-Match: *} for {@link RecordStore#ABSENT},
 * {@code If-Match} for a version), so concurrent writers never lose an update: the loser gets a
 * {@link RecordConflictException} (from HTTP 409 or 412).
 *
 * <p>Use a container of its own (the records are blobs: an import pipeline's container would list them as
 * archives); it must exist. A SAS for it needs {@code sp=racwdl}; an identity needs "Storage Blob Data Contributor".
 * The SAS never appears in messages or causes.
 *
 * <pre>{@code
 * RecordStore records = AzureBlobRecordStore.builder(URI.create("https://acct.blob.core.windows.net/transfer-state"))
 *         .credential(new DefaultAzureCredentialBuilder().build()).build();
 * TransferClient client = new TransferClientBuilder().recordStore(records).buildClient();
 * }</pre>
 */
public final class AzureBlobRecordStore implements RecordStore {

    private final AzureContainerUri where;
    private final BlobContainerClient container;
    private final Redaction redaction;
    private final String access;

    private AzureBlobRecordStore(AzureContainerUri where, BlobContainerClient container, Redaction redaction,
                                 String access) {
        this.where = where;
        this.container = container;
        this.redaction = redaction;
        this.access = access;
    }

    /** A builder for the store in the container at {@code containerUri} (no query string: the SAS goes apart). */
    public static Builder builder(URI containerUri) {
        return new Builder(containerUri);
    }

    /**
     * Opens the store in a container named as pipelines name theirs (the CLI's {@code --state-uri} and its secret):
     * a SasToken container reads its SAS through {@code secrets}; a ManagedIdentity one uses {@code credential}.
     *
     * @throws IllegalArgumentException when the container's access cannot be served (no secret URI, no credential)
     *                                  or the secret holds no SAS
     */
    public static AzureBlobRecordStore open(StorageContainer container, SecretStore secrets,
                                            TokenCredential credential) {
        Builder builder = builder(container.uri());
        if (container.accessMode() == StorageAccessMode.ManagedIdentity) {
            if (credential == null) {
                throw new IllegalArgumentException("The record container " + container.uri() + " uses the"
                        + " ManagedIdentity access mode, but no TokenCredential was given");
            }
            builder.credential(credential);
        } else {
            if (container.secretUri() == null) {
                throw new IllegalArgumentException("The record container " + container.uri() + " names no secret"
                        + " URI holding its SAS token: give one (a Key Vault secret URI, env:NAME or file:/path), or"
                        + " use the ManagedIdentity access mode");
            }
            builder.sasToken(secrets.get(container.secretUri()), container.secretUri());
        }
        return builder.build();
    }

    private static String blobName(String collection, String name) {
        return collection + "/" + name + ".json";
    }

    private BlobClient blob(String collection, String name) {
        return container.getBlobClient(blobName(collection, name));
    }

    @Override
    public String location() {
        return where.uri().toString();
    }

    @Override
    public Optional<StoredRecord> get(String collection, String name) {
        try {
            BlobDownloadContentResponse response = blob(collection, name).downloadContentWithResponse(null, null,
                    null, Context.NONE);
            return Optional.of(new StoredRecord(name, response.getValue().toBytes(),
                    response.getDeserializedHeaders().getETag()));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404 && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())) {
                return Optional.empty();
            }
            throw failure("reading record " + collection + "/" + name, e);
        } catch (RuntimeException e) {
            throw failure("reading record " + collection + "/" + name, e);
        }
    }

    @Override
    public List<StoredRecord> list(String collection) {
        String prefix = collection + "/";
        List<String> names = new ArrayList<>();
        try {
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
                String rest = item.getName().substring(prefix.length());
                if (rest.endsWith(".json") && !rest.contains("/")) {
                    names.add(rest.substring(0, rest.length() - ".json".length()));
                }
            }
        } catch (RuntimeException e) {
            throw failure("listing records " + collection, e);
        }
        List<StoredRecord> records = new ArrayList<>();
        for (String name : names) {
            get(collection, name).ifPresent(records::add); // deleted since the listing: gone
        }
        return records;
    }

    @Override
    public String put(String collection, String name, byte[] content, String expectedEtag) {
        BlobRequestConditions conditions = new BlobRequestConditions();
        if (ABSENT.equals(expectedEtag)) {
            conditions.setIfNoneMatch("*");
        } else if (expectedEtag != null) {
            conditions.setIfMatch(expectedEtag);
        }
        try {
            return blob(collection, name).getBlockBlobClient().uploadWithResponse(
                    new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(content))
                            .setHeaders(new BlobHttpHeaders().setContentType("application/json"))
                            .setRequestConditions(conditions), null, Context.NONE).getValue().getETag();
        } catch (BlobStorageException e) {
            boolean lost = e.getStatusCode() == 412 || BlobErrorCode.BLOB_ALREADY_EXISTS.equals(e.getErrorCode())
                    || (expectedEtag != null && !ABSENT.equals(expectedEtag) && e.getStatusCode() == 404
                    && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode()));
            if (expectedEtag != null && lost) {
                throw new RecordConflictException(collection, name);
            }
            throw failure("writing record " + collection + "/" + name, e);
        } catch (RuntimeException e) {
            throw failure("writing record " + collection + "/" + name, e);
        }
    }

    @Override
    public boolean delete(String collection, String name) {
        try {
            return blob(collection, name).deleteIfExists();
        } catch (RuntimeException e) {
            throw failure("deleting record " + collection + "/" + name, e);
        }
    }

    private TransferException failure(String operation, RuntimeException error) {
        if (error instanceof BlobStorageException e) {
            int status = e.getStatusCode();
            BlobErrorCode code = e.getErrorCode();
            String cause;
            if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(code)) {
                cause = "the container does not exist: create it (the record store does not), or fix the URI";
            } else if (status == 401 || status == 403) {
                cause = access + " does not authorise it: the record store needs to read, add, create, write,"
                        + " delete and list blobs in the container (a container SAS with sp=racwdl and a later"
                        + " expiry, or the role Storage Blob Data Contributor), and the account's network rules must"
                        + " let this machine in";
            } else if (status == 404) {
                cause = "the account or container was not found: check the container URI";
            } else if (status >= 500) {
                cause = "the storage service failed; retry later";
            } else {
                cause = "see the storage error code";
            }
            return new TransferException("The record container " + location() + " refused " + operation + " (HTTP "
                    + status + (code == null ? "" : " " + code) + "): " + cause, redaction.scrubbedCopy(e));
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new TransferException("Could not reach the record container " + location() + " while " + operation
                + ": " + root.getClass().getSimpleName() + " (" + redaction.scrub(root.getMessage()) + "). Check the"
                + " container URI, the network and the storage account's firewall", redaction.scrubbedCopy(error));
    }

    /** Builds an {@link AzureBlobRecordStore}. */
    public static final class Builder {
        private final URI uri;
        private Secret sas;
        private String sasSource;
        private TokenCredential credential;
        private HttpClient httpClient;

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "record container URI");
        }

        /** SasToken mode: a container SAS ({@code sp=racwdl}) and where it came from, for messages. */
        public Builder sasToken(Secret token, String source) {
            this.sas = Objects.requireNonNull(token, "SAS token");
            this.sasSource = source;
            return this;
        }

        /** ManagedIdentity mode: any Entra ID credential. */
        public Builder credential(TokenCredential credential) {
            this.credential = Objects.requireNonNull(credential, "token credential");
            return this;
        }

        /**
         * The HTTP client the SDK uses (e.g. one trusting a test certificate); otherwise one over the JDK's
         * {@code java.net.http}, which logs no request URI. A client of your own must not log request URIs: they carry the SAS token.
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /**
         * The store (no request is made yet).
         *
         * @throws IllegalArgumentException for an invalid container URI, a value that is not a SAS, or when neither
         *                                  or both of a SAS and a credential are set
         */
        public AzureBlobRecordStore build() {
            if ((sas == null) == (credential == null)) {
                throw new IllegalArgumentException("The record container " + uri + " needs exactly one of a SAS token"
                        + " and a TokenCredential");
            }
            AzureContainerUri where = AzureContainerUri.parse(uri);
            BlobContainerClientBuilder builder = new BlobContainerClientBuilder().endpoint(where.uri().toString());
            Redaction redaction = Redaction.signaturesOnly();
            String access;
            if (sas != null) {
                SasToken token = SasToken.parse(sas, sasSource);
                builder.sasToken(token.token().reveal());
                redaction = token.redaction();
                access = "the SAS token" + (sasSource == null ? "" : " from " + sasSource);
            } else {
                builder.credential(credential);
                access = "the identity";
            }
            builder.httpClient(httpClient != null ? httpClient : JdkAzureHttpClient.shared());
            return new AzureBlobRecordStore(where, builder.buildClient(), redaction, access);
        }
    }
}
