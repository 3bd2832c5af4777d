// A BlobStore over one Azure Blob Storage container (or Azurite), reached with a SAS token or an Entra ID credential.
package org.ocitransfer.azure.internal.blob;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.ocitransfer.api.StorageAccessMode;
import org.ocitransfer.azure.copy.CopyMethod;
import org.ocitransfer.azure.copy.CopyProgressListener;
import org.ocitransfer.azure.copy.ServerSideCopy;
import org.ocitransfer.azure.internal.http.JdkAzureHttpClient;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobClaim;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.RegionUpload;
import org.ocitransfer.core.blob.RegionUploadSupport;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.secret.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blobs of one Azure Blob Storage container ({@code https://acct.blob.core.windows.net/container}, or Azurite's
 * {@code http://127.0.0.1:PORT/devstoreaccount1/container}), reached with a SAS token (SasToken mode) or an Entra ID
 * {@link TokenCredential} (ManagedIdentity mode).
 *
 * <p>Writes are staged blocks plus one commit: nothing is visible before {@link BlobUpload#commit()}, memory stays
 * bounded by {@code blockSize × (blocksInFlight + 1)}, and without overwrite the commit carries
 * {@code If-None-Match: *}. Claims are blob leases. The SAS never appears in {@link #location()}, messages or
 * causes. Build with {@link #builder(URI)}; usually opened through {@link AzureBlobStoreFactory}.
 *
 * <p>Supports {@link RegionUploadSupport}: the regions of a blob are staged as their own blocks by the threads that
 * write them and committed as one list in order (see {@link RegionBlockUpload}). Server-side copies from another
 * such store are {@link BlobServerCopy}'s, reads {@link BlobDownloads}', claims {@link LeaseClaim}s.
 */
public final class AzureBlobStore implements BlobStore, ServerSideCopy, RegionUploadSupport {

    /** The default size of a staged block: 8 MiB. */
    public static final int DEFAULT_BLOCK_SIZE = 8 << 20;
    /** The default number of blocks staged concurrently per upload. */
    public static final int DEFAULT_BLOCKS_IN_FLIGHT = 4;
    /** The largest blob copied with one synchronous Copy Blob From URL call (the service's limit: 256 MiB). */
    public static final long DEFAULT_SYNC_COPY_LIMIT = 256L << 20;
    /** The scope of an Entra ID token for Azure Storage. */
    public static final String STORAGE_SCOPE = "https://storage.azure.com/.default";

    private static final Logger LOG = LoggerFactory.getLogger(AzureBlobStore.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final AzureContainerUri where;
    private final StorageAccessMode mode;
    private final SasToken sas;
    private final TokenCredential credential;
    private final String secretSource;
    private final BlobContainerClient container;
    private final BlobContainerAsyncClient asyncContainer;
    private final StorageErrors errors;
    private final int blockSize;
    private final int blocksInFlight;
    private final ExecutorService stagers;
    private final ScheduledExecutorService leaseKeeper;
    private final Map<String, LeaseClaim> claims = new ConcurrentHashMap<>();
    private final BlobServerCopy copies;
    private final BlobDownloads downloads;

    private AzureBlobStore(Builder b) {
        this.where = AzureContainerUri.parse(b.uri);
        this.mode = b.sas != null ? StorageAccessMode.SasToken : StorageAccessMode.ManagedIdentity;
        this.secretSource = b.secretSource;
        this.sas = b.sas == null ? null : parseSas(b.sas, b.secretSource);
        this.credential = b.credential;
        this.blockSize = b.blockSize;
        this.blocksInFlight = b.blocksInFlight;
        this.errors = new StorageErrors(where.uri().toString(), mode, secretSource,
                sas == null ? Redaction.signaturesOnly() : sas.redaction());
        BlobContainerClientBuilder builder = new BlobContainerClientBuilder().endpoint(where.uri().toString());
        if (sas != null) {
            builder.sasToken(sas.token().reveal());
        } else {
            builder.credential(credential);
        }
        builder.httpClient(b.httpClient != null ? b.httpClient : JdkAzureHttpClient.shared());
        if (b.httpLogOptions != null) {
            builder.httpLogOptions(b.httpLogOptions);
        }
        this.container = builder.buildClient();
        this.asyncContainer = builder.buildAsyncClient();
        this.stagers = Executors.newCachedThreadPool(daemon("azure-blob-stage"));
        this.leaseKeeper = Executors.newSingleThreadScheduledExecutor(daemon("azure-blob-lease"));
        this.copies = new BlobServerCopy(this, b.syncCopyLimit, b.copyPollInterval);
        this.downloads = new BlobDownloads(container, asyncContainer, errors);
    }

    /** A builder for the container at {@code containerUri}. */
    public static Builder builder(URI containerUri) {
        return new Builder(containerUri);
    }

    private static SasToken parseSas(Secret value, String source) {
        try {
            return SasToken.parse(value, source);
        } catch (IllegalArgumentException e) {
            throw new BlobStoreException(e.getMessage());
        }
    }

    /** How this store reaches its container. */
    public StorageAccessMode accessMode() {
        return mode;
    }

    /** The parsed container address. */
    public AzureContainerUri container() {
        return where;
    }

    @Override
    public String location() {
        return where.uri().toString();
    }

    @Override
    public String blobUri(String name) {
        // The SDK's URL never carries the SAS (its pipeline adds it per request); scrub anyway.
        return errors.redaction().scrub(container.getBlobClient(name).getBlobUrl());
    }

    @Override
    public void preflight(Set<StorageAccess> needs) {
        if (sas != null) {
            List<String> problems = sas.problems(needs, where.loopback(), Instant.now());
            if (!problems.isEmpty()) {
                throw new BlobStoreException("Preflight failed for storage container " + location()
                        + ": the SAS token from " + secretSource + " cannot be used: " + String.join("; ", problems)
                        + ". Issue a new SAS for the container (sr=c) with sp=" + SasToken.letters(needs)
                        + (where.loopback() ? "" : ", spr=https") + " and an expiry after the transfer ends, and"
                        + " store it in " + secretSource);
            }
            sas.expiry().filter(e -> e.isBefore(Instant.now().plus(Duration.ofMinutes(15))))
                    .ifPresent(e -> LOG.warn("The SAS token for storage container {} expires soon, at {}: a long"
                            + " transfer may fail; issue one with a later expiry", location(), e));
        }
        if (needs.contains(StorageAccess.LIST)) {
            try {
                container.listBlobs(new ListBlobsOptions().setMaxResultsPerPage(1), null)
                        .iterableByPage().iterator().hasNext();
            } catch (RuntimeException e) {
                throw errors.map("listing blobs (preflight)", null, e);
            }
        }
        LOG.debug("Preflight passed for storage container {} ({} mode, needs {})", location(), mode, needs);
    }

    @Override
    public List<BlobItem> list() {
        try {
            ListBlobsOptions options = new ListBlobsOptions()
                    .setDetails(new BlobListDetails().setRetrieveMetadata(true));
            return container.listBlobs(options, null).stream()
                    .filter(item -> committed(item.getProperties().getCopyStatus()))
                    .map(item -> new BlobItem(item.getName(), item.getProperties().getContentLength(),
                            instant(item.getProperties().getLastModified()), lower(item.getMetadata()),
                            item.getProperties().getETag()))
                    .toList();
        } catch (RuntimeException e) {
            throw errors.map("listing blobs", null, e);
        }
    }

    @Override
    public Optional<BlobItem> properties(String name) {
        try {
            BlobProperties p = container.getBlobClient(name).getProperties();
            if (!committed(p.getCopyStatus())) {
                return Optional.empty();
            }
            return Optional.of(new BlobItem(name, p.getBlobSize(), instant(p.getLastModified()), lower(p.getMetadata()),
                    p.getETag()));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404 && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())) {
                return Optional.empty();
            }
            throw errors.map("reading the properties of blob '" + name + "'", name, e);
        } catch (RuntimeException e) {
            throw errors.map("reading the properties of blob '" + name + "'", name, e);
        }
    }

    @Override
    public InputStream read(String name) {
        return downloads.open(name, null);
    }

    @Override
    public InputStream read(String name, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("Invalid range of blob '" + name + "': offset " + offset + ", length "
                    + length + " (both must be >= 0)");
        }
        if (length == 0) {
            if (properties(name).isEmpty()) {
                throw new BlobNotFoundException(location(), name);
            }
            return new ByteArrayInputStream(new byte[0]);
        }
        return downloads.open(name, new BlobRange(offset, length));
    }

    @Override
    public BlobUpload upload(String name, UploadOptions options) {
        Objects.requireNonNull(options, "upload options");
        if (!options.overwrite() && properties(name).isPresent()) {
            throw new BlobAlreadyExistsException(location(), name);
        }
        return new BlockBlobUpload(this, name, options,
                BlockBlobUpload.blockSizeFor(blockSize, options.expectedSize()), blocksInFlight);
    }

    @Override
    public RegionUpload uploadRegions(String name, List<Long> regionLengths, UploadOptions options) {
        Objects.requireNonNull(options, "upload options");
        RegionUploadSupport.checkLayout(name, regionLengths, options.expectedSize(), maxRegions());
        if (!options.overwrite() && properties(name).isPresent()) {
            throw new BlobAlreadyExistsException(location(), name);
        }
        return new RegionBlockUpload(this, name, regionLengths, options, RegionBlockUpload.DEFAULT_BLOCK_SIZE);
    }

    /** Half the 50,000-block limit, so each region can take at least one block of its own. */
    @Override
    public int maxRegions() {
        return RegionBlockUpload.MAX_REGIONS;
    }

    @Override
    public boolean delete(String name) {
        try {
            boolean existed = container.getBlobClient(name).deleteIfExistsWithResponse(DeleteSnapshotsOptionType.INCLUDE,
                    leaseConditions(name), null, Context.NONE).getValue();
            LOG.debug("Deleted blob '{}' from {}: existed={}", name, location(), existed);
            return existed;
        } catch (RuntimeException e) {
            throw errors.map("deleting blob '" + name + "'", name, e);
        }
    }

    @Override
    public void setMetadata(String name, Map<String, String> metadata) {
        try {
            container.getBlobClient(name).setMetadataWithResponse(metadata, leaseConditions(name), null,
                    Context.NONE);
        } catch (RuntimeException e) {
            throw errors.map("setting the metadata of blob '" + name + "'", name, e);
        }
    }

    @Override
    public Optional<BlobClaim> tryClaim(String name, Duration ttl) {
        Optional<LeaseClaim> claim = LeaseClaim.tryAcquire(this, name, ttl);
        claim.ifPresent(c -> claims.put(name, c));
        return claim.map(BlobClaim.class::cast);
    }

    @Override
    public boolean canCopyFrom(BlobStore source) {
        return copies.canCopyFrom(source);
    }

    @Override
    public CopyMethod copyFrom(BlobStore source, BlobItem sourceItem, String targetName, boolean overwrite,
                               CopyProgressListener progress) {
        return copies.copyFrom(source, sourceItem, targetName, overwrite, progress);
    }

    @Override
    public void close() {
        for (LeaseClaim claim : List.copyOf(claims.values())) {
            claim.close();
        }
        stagers.shutdown();
        leaseKeeper.shutdownNow();
    }

    // ---- package-private helpers for uploads, claims and copies

    AzureContainerUri where() {
        return where;
    }

    /** The SAS token, or null in ManagedIdentity mode. */
    SasToken sas() {
        return sas;
    }

    /** The Entra ID credential, or null in SasToken mode. */
    TokenCredential credential() {
        return credential;
    }

    String secretSource() {
        return secretSource;
    }

    BlobContainerClient containerClient() {
        return container;
    }

    StorageErrors errors() {
        return errors;
    }

    ExecutorService stagers() {
        return stagers;
    }

    ScheduledExecutorService leaseKeeper() {
        return leaseKeeper;
    }

    void forget(String name, LeaseClaim claim) {
        claims.remove(name, claim);
    }

    /** Request conditions carrying the lease id of this store's own claim on {@code name}, if it holds one. */
    BlobRequestConditions leaseConditions(String name) {
        LeaseClaim claim = claims.get(name);
        return new BlobRequestConditions().setLeaseId(claim == null ? null : claim.leaseId());
    }

    public static int checkBlockSize(int bytes) {
        if (bytes < (1 << 20) || bytes > (100 << 20)) {
            throw new IllegalArgumentException("Block size " + bytes + " is out of range: use 1 MiB to 100 MiB");
        }
        return bytes;
    }

    public static int checkBlocksInFlight(int count) {
        if (count < 1 || count > 32) {
            throw new IllegalArgumentException("Blocks in flight " + count + " is out of range: use 1 to 32");
        }
        return count;
    }

    private static boolean committed(CopyStatusType copyStatus) {
        // A blob still being copied into (or whose copy failed) is not a committed blob.
        return copyStatus == null || CopyStatusType.SUCCESS.equals(copyStatus);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static Map<String, String> lower(Map<String, String> metadata) {
        Map<String, String> result = new LinkedHashMap<>();
        if (metadata != null) {
            metadata.forEach((k, v) -> result.put(k.toLowerCase(Locale.ROOT), v));
        }
        return result;
    }

    private static ThreadFactory daemon(String prefix) {
        return runnable -> {
            Thread t = new Thread(runnable, prefix + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Builds an {@link AzureBlobStore}: give exactly one of a SAS token or a token credential. */
    public static final class Builder {
        private final URI uri;
        private Secret sas;
        private String secretSource;
        private TokenCredential credential;
        private HttpClient httpClient;
        private HttpLogOptions httpLogOptions;
        private int blockSize = DEFAULT_BLOCK_SIZE;
        private int blocksInFlight = DEFAULT_BLOCKS_IN_FLIGHT;
        private long syncCopyLimit = DEFAULT_SYNC_COPY_LIMIT;
        private Duration copyPollInterval = Duration.ofSeconds(2);

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "container URI");
        }

        /**
         * SasToken mode: the container's SAS token.
         *
         * @param token  the SAS (with or without a leading {@code ?})
         * @param source where it was read from (its secret URI), named in messages
         */
        public Builder sasToken(Secret token, String source) {
            this.sas = Objects.requireNonNull(token, "SAS token");
            this.secretSource = source == null ? "the configured secret" : source;
            return this;
        }

        /** ManagedIdentity mode: any Entra ID credential (e.g. azure-identity's DefaultAzureCredential). */
        public Builder credential(TokenCredential credential) {
            this.credential = Objects.requireNonNull(credential, "token credential");
            return this;
        }

        /**
         * The HTTP client the SDK uses (e.g. one trusting a test certificate); {@link JdkAzureHttpClient#shared()}
         * otherwise. A client of your own must not log request URIs: they carry the SAS token.
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /** The SDK's HTTP logging (it redacts query values such as {@code sig} and authorisation headers). */
        public Builder httpLogOptions(HttpLogOptions httpLogOptions) {
            this.httpLogOptions = httpLogOptions;
            return this;
        }

        /** The size of a staged block, 1-100 MiB (default 8 MiB); raised for large blobs of known size. */
        public Builder blockSize(int bytes) {
            this.blockSize = checkBlockSize(bytes);
            return this;
        }

        /** How many blocks of one upload are staged at once, 1-32 (default 4). */
        public Builder blocksInFlight(int count) {
            this.blocksInFlight = checkBlocksInFlight(count);
            return this;
        }

        /** Blobs up to this size are copied server-side in one synchronous call; larger ones start a copy and poll. */
        public Builder syncCopyLimit(long bytes) {
            this.syncCopyLimit = Math.max(0, Math.min(bytes, DEFAULT_SYNC_COPY_LIMIT));
            return this;
        }

        /** How often a background server-side copy is polled (default 2 s). */
        public Builder copyPollInterval(Duration interval) {
            this.copyPollInterval = Objects.requireNonNull(interval, "poll interval");
            return this;
        }

        /**
         * Builds the store; no request is sent until it is used ({@link #preflight} checks access).
         *
         * @throws IllegalArgumentException for an invalid container URI or when neither or both credentials are set
         * @throws BlobStoreException when the SAS secret holds no SAS token
         */
        public AzureBlobStore build() {
            if ((sas == null) == (credential == null)) {
                throw new IllegalArgumentException("Storage container " + uri + " needs exactly one way in: a SAS"
                        + " token (SasToken mode) or a TokenCredential (ManagedIdentity mode)");
            }
            return new AzureBlobStore(this);
        }
    }
}
