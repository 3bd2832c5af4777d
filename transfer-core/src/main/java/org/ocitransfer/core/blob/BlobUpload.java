package org.ocitransfer.core.blob;

import java.io.OutputStream;

/**
 * A blob being written. Write its bytes to {@link #output()} (in order), then {@link #commit()}; until then no
 * reader sees it. {@link #close()} without a commit discards everything written.
 */
public interface BlobUpload extends AutoCloseable {

    /** Where the bytes go, in order. Do not close it: commit or close the upload. */
    OutputStream output();

    /**
     * Makes the blob visible, atomically: whole or not at all.
     *
     * @throws BlobAlreadyExistsException when overwrite is off and a blob of that name appeared meanwhile
     */
    void commit();

    /** Discards the upload if it was not committed. */
    @Override
    void close();
}
