package org.ocitransfer.core.content;

import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.TransferException;

/** Content whose bytes do not match its descriptor: wrong size or wrong digest. Nothing built on it is kept. */
public class ContentVerificationException extends TransferException {

    /** @param message names the digest and what differed */
    public ContentVerificationException(String message) {
        super(message, ErrorCategory.CORRUPT_CONTENT);
    }
}
