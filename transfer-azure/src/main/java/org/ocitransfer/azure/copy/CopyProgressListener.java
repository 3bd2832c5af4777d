// Receives a blob copy's progress.
package org.ocitransfer.azure.copy;

/** Receives a blob copy's progress; called often from the copying thread: keep it quick. */
@FunctionalInterface
public interface CopyProgressListener {

    /** Ignores progress. */
    CopyProgressListener NONE = (copied, total) -> { };

    /**
     * @param bytesCopied bytes copied so far
     * @param totalBytes  the blob's size
     */
    void onProgress(long bytesCopied, long totalBytes);
}
