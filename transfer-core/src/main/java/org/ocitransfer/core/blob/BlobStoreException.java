package org.ocitransfer.core.blob;

import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.TransferException;

/** A storage operation failed; the message names the container, the likely cause, and what to do. */
public class BlobStoreException extends TransferException {

    /** With a message. */
    public BlobStoreException(String message) {
        super(message);
    }

    /** With a message and cause. */
    public BlobStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** With a message, a cause (may be null) and what kind of failure it is. */
    public BlobStoreException(String message, Throwable cause, ErrorCategory category) {
        super(message, cause, category);
    }
}
