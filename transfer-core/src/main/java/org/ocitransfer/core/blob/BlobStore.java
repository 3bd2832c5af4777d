package org.ocitransfer.core.blob;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A container of named blobs: where archives are written and read. Implementations: a local directory
 * ({@code file:///path/dir}), Azure Blob Storage (the Azure module). Readers only ever see committed blobs: a blob
 * being written is invisible until {@link BlobUpload#commit()}.
 *
 * <p>Errors are {@link BlobStoreException}s naming the container and the likely cause; they never carry a SAS.
 */
public interface BlobStore extends AutoCloseable {

    /** The container's URI, for messages and records: never carries a SAS token or key. */
    String location();

    /** The URI of a blob in this container, for records: never carries a SAS token or key. */
    default String blobUri(String name) {
        return location() + "/" + name;
    }

    /**
     * Checks, before any byte moves, that the store can be reached with the access this run needs, failing with a
     * message naming what is wrong (an expired SAS, a missing permission, ...). The default checks nothing.
     */
    default void preflight(Set<StorageAccess> needs) {
    }

    /** The committed blobs, by name. */
    List<BlobItem> list();

    /** A committed blob's properties, if it exists. */
    Optional<BlobItem> properties(String name);

    /** Opens a blob from its start. @throws BlobNotFoundException when it does not exist */
    InputStream read(String name);

    /** Opens {@code length} bytes of a blob from {@code offset}. @throws BlobNotFoundException when absent */
    InputStream read(String name, long offset, long length);

    /**
     * Starts writing a blob. Nothing is visible until {@link BlobUpload#commit()}; closing an upload that was not
     * committed discards it. Without {@link UploadOptions#overwrite()}, an existing blob is refused (at the start,
     * and again atomically at commit) and left untouched.
     *
     * @throws BlobAlreadyExistsException when the blob exists and overwrite is off
     */
    BlobUpload upload(String name, UploadOptions options);

    /** Deletes a blob. @return whether it existed */
    boolean delete(String name);

    /** Replaces a committed blob's metadata (keys are lowercase identifiers). */
    void setMetadata(String name, Map<String, String> metadata);

    /**
     * Claims a blob exclusively for {@code ttl} (Azure: a lease; a directory: an atomic claim file). Another
     * caller's claim fails until it is released or expires.
     *
     * @return the claim, or empty when someone else holds one
     */
    Optional<BlobClaim> tryClaim(String name, Duration ttl);

    /** Releases clients and connections. */
    @Override
    default void close() {
    }
}
