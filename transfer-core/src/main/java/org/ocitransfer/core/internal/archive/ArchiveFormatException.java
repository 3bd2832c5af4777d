package org.ocitransfer.core.internal.archive;

import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.TransferException;

/**
 * An archive that is refused: not a tar, not an OCI layout, hostile, truncated or corrupt. The message names the
 * archive, the entry and the rule it breaks. Nothing read from a refused archive may be used.
 */
public class ArchiveFormatException extends TransferException {

    /** @param message names the archive, the entry and the rule */
    public ArchiveFormatException(String message) {
        super(message, ErrorCategory.INVALID_INPUT);
    }

    /** @param message names the archive, the entry and the rule; @param cause what was underneath */
    public ArchiveFormatException(String message, Throwable cause) {
        super(message, cause, ErrorCategory.INVALID_INPUT);
    }

    /** The refusal of archive {@code where} (its description) for the reason {@code why}; {@code cause} may be null. */
    static ArchiveFormatException refused(String where, String why, Throwable cause) {
        return new ArchiveFormatException("Archive " + where + " is refused: " + why, cause);
    }
}
