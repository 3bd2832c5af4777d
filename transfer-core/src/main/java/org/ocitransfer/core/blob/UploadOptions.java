package org.ocitransfer.core.blob;

import java.util.Map;

/**
 * How to write a blob.
 *
 * @param overwrite    replace an existing blob (OverwriteBlobs); otherwise an existing blob is refused, untouched
 * @param metadata     metadata committed with the blob
 * @param expectedSize the blob's final size when known (-1 otherwise): stores may check or plan with it
 */
public record UploadOptions(boolean overwrite, Map<String, String> metadata, long expectedSize) {

    /** Copies the metadata. */
    public UploadOptions {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** No overwrite, no metadata, size unknown. */
    public static UploadOptions create() {
        return new UploadOptions(false, Map.of(), -1);
    }
}
