package org.ocitransfer.core.secret;

import org.ocitransfer.api.TransferException;

/** A secret could not be read; the message names the secret URI and what to do, never a value. */
public class SecretException extends TransferException {

    /** With a message. */
    public SecretException(String message) {
        super(message);
    }

    /** With a message and cause. */
    public SecretException(String message, Throwable cause) {
        super(message, cause);
    }
}
