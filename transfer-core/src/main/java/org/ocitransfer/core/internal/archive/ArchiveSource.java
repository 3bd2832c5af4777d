package org.ocitransfer.core.internal.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ocitransfer.api.archive.ArchiveInspection;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.PartSet;

/**
 * Random access to an archive's bytes: a local file, or a blob in a {@link BlobStore} read by ranges. The reader
 * opens only the ranges it needs, so indexing an archive never reads its blobs' data.
 */
public interface ArchiveSource {

    /** The archive's size in bytes. */
    long size();

    /**
     * Opens {@code length} bytes from {@code offset}. The stream may end early when the underlying archive is
     * shorter than {@link #size()} says; the reader treats that as truncation.
     */
    InputStream open(long offset, long length) throws IOException;

    /** Names the archive in messages (a path or a blob URI, never a secret). */
    String describe();

    /** The blobs of a part set in order, with their sizes; empty when the archive is one blob or file. */
    default List<ArchiveInspection.Part> parts() {
        return List.of();
    }

    /**
     * Where a byte offset of the archive lies, for messages: for a part set {@code " (in part NAME.003 at byte N)"},
     * else empty.
     */
    default String position(long offset) {
        return "";
    }

    /** A local archive file. @throws ArchiveFormatException when it is not a readable regular file */
    static ArchiveSource of(Path file) {
        return new FileArchiveSource(file);
    }

    /** A blob in a store, read by ranges; {@code size} is the blob's size as the store lists it. */
    static ArchiveSource of(BlobStore store, String blobName, long size) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(blobName, "blobName");
        if (size < 0) {
            throw new IllegalArgumentException("Blob " + blobName + " has a negative size " + size);
        }
        return new ArchiveSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open(long offset, long length) {
                checkRange(this, offset, length);
                return length == 0 ? new ByteArrayInputStream(new byte[0]) : store.read(blobName, offset, length);
            }

            @Override
            public String describe() {
                return store.blobUri(blobName);
            }
        };
    }

    /**
     * The archive named {@code name} in a store, as import, blob copy, the source trigger and inspection read it: the
     * blob of that name, else the part set {@code NAME.001}, {@code NAME.002}, ... (found by its first part's
     * metadata, every part checked present and whole before a byte is read) read as one archive.
     *
     * @throws BlobNotFoundException when there is neither a blob nor a first part of that name
     * @throws org.ocitransfer.core.blob.BlobStoreException naming the first missing or short part
     */
    static ArchiveSource open(BlobStore store, String name) {
        Optional<BlobItem> blob = store.properties(name);
        if (blob.isPresent()) {
            return of(store, name, blob.get().size());
        }
        PartSet parts = PartSet.find(store, name).orElseThrow(() -> new BlobNotFoundException(store.location(), name));
        parts.requireWhole(store);
        return new PartSetSource(store, parts);
    }

    /** Refuses a range outside {@code [0, size]}. */
    static void checkRange(ArchiveSource source, long offset, long length) {
        if (offset < 0 || length < 0 || offset > source.size() || length > source.size() - offset) {
            throw new IllegalArgumentException("Range " + offset + "+" + length + " lies outside archive "
                    + source.describe() + " of " + source.size() + " bytes");
        }
    }
}
