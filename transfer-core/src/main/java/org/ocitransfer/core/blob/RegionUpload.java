// A blob being written as independent regions; committed whole or not at all.
package org.ocitransfer.core.blob;

import java.io.IOException;
import java.io.InputStream;

/**
 * A blob being written as regions (see {@link RegionUploadSupport}). Each region is written once, by
 * {@link #write}, from any thread and in any order; {@link #commit()} then makes the blob visible atomically, and
 * only when every region is complete. {@link #close()} without a commit discards everything written; it may be
 * called from another thread to abort the upload while regions are being written (their writes then fail).
 */
public interface RegionUpload extends AutoCloseable {

    /** How many regions the blob has. */
    int regionCount();

    /** Where region {@code index} starts in the blob. */
    long regionOffset(int index);

    /** Region {@code index}'s length. */
    long regionLength(int index);

    /**
     * Stores region {@code index}: reads exactly {@link #regionLength(int)} bytes from {@code content} (which must
     * then be at its end) and writes them at the region's place. Thread-safe across regions. The caller closes
     * {@code content}.
     *
     * @throws IOException              when reading {@code content} fails, or it is shorter or longer than the region
     *                                  (the region then stays incomplete, so the blob cannot be committed)
     * @throws IllegalStateException    when the region was already written, or the upload was closed or committed
     * @throws BlobStoreException       when the store fails
     * @throws IndexOutOfBoundsException for an index that is not a region
     */
    void write(int index, InputStream content) throws IOException;

    /**
     * Makes the blob visible, atomically: whole or not at all.
     *
     * @throws BlobStoreException         when a region is incomplete (the message names it); nothing becomes visible
     * @throws BlobAlreadyExistsException when overwrite is off and a blob of that name appeared meanwhile
     */
    void commit();

    /** Discards the upload if it was not committed; idempotent, and safe to call while regions are being written. */
    @Override
    void close();
}
