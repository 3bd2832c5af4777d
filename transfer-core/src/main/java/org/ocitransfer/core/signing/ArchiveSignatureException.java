package org.ocitransfer.core.signing;

import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.TransferException;

/**
 * A signing key or verify key that cannot be used, or an archive whose signature is missing or does not verify.
 * Messages name the key by its URI or path, never its material.
 */
public class ArchiveSignatureException extends TransferException {

    /** @param message what is wrong and what to do; @param category its kind */
    public ArchiveSignatureException(String message, ErrorCategory category) {
        super(message, category);
    }

    /** @param message what is wrong and what to do; @param cause what was underneath; @param category its kind */
    public ArchiveSignatureException(String message, Throwable cause, ErrorCategory category) {
        super(message, cause, category);
    }
}
