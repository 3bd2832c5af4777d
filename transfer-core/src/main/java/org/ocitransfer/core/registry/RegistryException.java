package org.ocitransfer.core.registry;

import java.io.IOException;
import java.util.List;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.VerifyingInputStream;

/**
 * A registry operation failed. {@link #reason()} classifies it; {@link #errors()} carries the registry's own
 * {@code errors[].code/message} when it sent any.
 */
public class RegistryException extends TransferException {

    /** Why it failed. */
    public enum Reason {
        /** Repository, manifest, tag or blob unknown. */
        NOT_FOUND,
        /** Credentials missing or wrong (401). */
        UNAUTHORIZED,
        /** Signed in but not allowed the scope asked (403). */
        DENIED,
        /** Content refused as invalid or of an unsupported media type. */
        INVALID,
        /** Bytes did not match their digest or size. */
        CORRUPT,
        /** A failure that may pass on retry (429, 5xx, resets, timeouts), after the retries ran out. */
        TRANSIENT,
        /**
         * The registry could not be reached at all: connection refused, unknown host, connecting timed out, or the
         * TLS handshake failed (after the retries ran out, where retrying can help).
         */
        UNREACHABLE,
        /** Anything else. */
        OTHER
    }

    /**
     * One entry of a registry's error body.
     *
     * @param code    e.g. MANIFEST_UNKNOWN
     * @param message the registry's message
     */
    public record RegistryError(String code, String message) {
    }

    private final Reason reason;
    private final int status;
    private final List<RegistryError> errors;

    /** A failure without an HTTP exchange. */
    public RegistryException(Reason reason, String message) {
        this(reason, message, 0, List.of(), null);
    }

    /**
     * @param reason  the class of failure
     * @param message what failed and what to do
     * @param status  the HTTP status, 0 when none
     * @param errors  the registry's error entries
     * @param cause   the underlying exception, or null
     */
    public RegistryException(Reason reason, String message, int status, List<RegistryError> errors, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.status = status;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** Why it failed. */
    /** The category callers act on: {@link Reason} mapped onto {@link ErrorCategory}. */
    @Override
    public ErrorCategory category() {
        return switch (reason) {
            case NOT_FOUND -> ErrorCategory.NOT_FOUND;
            case UNAUTHORIZED -> ErrorCategory.UNAUTHORIZED;
            case DENIED -> ErrorCategory.DENIED;
            case INVALID -> ErrorCategory.INVALID_INPUT;
            case CORRUPT -> ErrorCategory.CORRUPT_CONTENT;
            case TRANSIENT, UNREACHABLE -> ErrorCategory.UNAVAILABLE;
            case OTHER -> ErrorCategory.INTERNAL;
        };
    }

    public Reason reason() {
        return reason;
    }

    /** The HTTP status, 0 when there was none. */
    public int status() {
        return status;
    }

    /** The registry's error entries. */
    public List<RegistryError> errors() {
        return errors;
    }

    /** Wraps an I/O failure, recognising a verification failure inside it. */
    public static RegistryException fromIo(String operation, String where, IOException e) {
        ContentVerificationException cve = VerifyingInputStream.verificationFailure(e);
        if (cve != null) {
            return new RegistryException(Reason.CORRUPT, cve.getMessage(), 0, List.of(), cve);
        }
        return new RegistryException(Reason.TRANSIENT, "Could not " + operation + " at " + where + ": " + e, 0,
                List.of(), e);
    }
}
