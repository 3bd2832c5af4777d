package org.ocitransfer.api;

import java.util.Objects;

/**
 * The root of this SDK's unchecked exceptions. Messages name what went wrong and what to do, and never carry a
 * secret (SAS tokens, passwords, tokens). Each carries an {@link ErrorCategory}: what kind of failure it is, and
 * whether trying again can help.
 */
public class TransferException extends RuntimeException {

    private final ErrorCategory category;

    /** With a message; its category is that of its cause chain (none here: {@link ErrorCategory#INTERNAL}). */
    public TransferException(String message) {
        this(message, null, null);
    }

    /** With a message and a cause; the category is the cause's ({@link ErrorCategory#of}). */
    public TransferException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** With a message and a category. */
    public TransferException(String message, ErrorCategory category) {
        this(message, null, Objects.requireNonNull(category, "category"));
    }

    /**
     * With a message, a cause (may be null) and a category (null: the cause's).
     */
    public TransferException(String message, Throwable cause, ErrorCategory category) {
        super(message, cause);
        this.category = category != null ? category : cause != null ? ErrorCategory.of(cause) : ErrorCategory.INTERNAL;
    }

    /** What kind of failure this is. */
    public ErrorCategory category() {
        return category;
    }

    /** Whether running it again unchanged can succeed ({@link ErrorCategory#retryable()}). */
    public boolean retryable() {
        return category().retryable();
    }
}
