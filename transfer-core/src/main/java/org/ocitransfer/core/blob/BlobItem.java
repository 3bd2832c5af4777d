package org.ocitransfer.core.blob;

import java.time.Instant;
import java.util.Map;

/**
 * A committed blob.
 *
 * @param name         its name in the container
 * @param size         bytes
 * @param lastModified when it was last written
 * @param metadata     its metadata (keys lowercase)
 * @param etag         an opaque version, changing whenever the content changes (may be null)
 */
public record BlobItem(String name, long size, Instant lastModified, Map<String, String> metadata, String etag) {

    /** Copies the metadata. */
    public BlobItem {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
