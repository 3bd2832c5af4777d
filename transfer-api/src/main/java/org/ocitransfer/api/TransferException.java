package org.ocitransfer.api;

/**
 * The root of this SDK's unchecked exceptions. Messages name what went wrong and what to do, and never carry a
 * secret (SAS tokens, passwords, tokens).
 */
public class TransferException extends RuntimeException {

    /** With a message. */
    public TransferException(String message) {
        super(message);
    }

    /** With a message and a cause. */
    public TransferException(String message, Throwable cause) {
        super(message, cause);
    }
}
