package org.ocitransfer.api;

import java.io.IOException;

/**
 * What kind of failure stopped a run or an artifact, so a caller can act without reading the message: fix the
 * input, sign in, get access, or simply try again later ({@link #retryable()}).
 */
public enum ErrorCategory {
    /** The artifact, repository, pipeline, run or blob named does not exist. Fix the name. */
    NOT_FOUND(false),
    /** No valid credential was presented (sign in, renew the SAS). */
    UNAUTHORIZED(false),
    /** The credential is valid but lacks the permission (grant it). */
    DENIED(false),
    /** The request or the archive is not acceptable as given (a bad reference, option or archive). */
    INVALID_INPUT(false),
    /** Content did not match its digest or size: it was altered or truncated on the way or at rest. */
    CORRUPT_CONTENT(false),
    /** Something already there is in the way (a blob, a tag, a run of the same name): decide, then retry. */
    CONFLICT(false),
    /** The other side could not be reached or was busy (network, 5xx, throttling): trying again may help. */
    UNAVAILABLE(true),
    /** A defect or an unexpected state of this SDK: report it. */
    INTERNAL(false);

    private final boolean retryable;

    ErrorCategory(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether running it again unchanged can succeed. */
    public boolean retryable() {
        return retryable;
    }

    /**
     * The category of a failure: the category of the first {@link TransferException} in its cause chain that has
     * one other than {@link #INTERNAL}; an {@link IOException} there is {@link #UNAVAILABLE}, an
     * {@link IllegalArgumentException} {@link #INVALID_INPUT}; anything else {@link #INTERNAL}.
     */
    public static ErrorCategory of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransferException e && e.category() != INTERNAL) {
                return e.category();
            }
            if (t instanceof IOException) {
                return UNAVAILABLE;
            }
            if (t instanceof IllegalArgumentException) {
                return INVALID_INPUT;
            }
        }
        return INTERNAL;
    }
}
