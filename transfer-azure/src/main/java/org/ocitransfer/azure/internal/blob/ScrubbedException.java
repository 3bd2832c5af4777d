// Stands in for a third-party exception whose message could carry a secret: same class name and trace, scrubbed text.
package org.ocitransfer.azure.internal.blob;

/**
 * A scrubbed copy of an exception (usually the Azure SDK's), kept as the cause of this module's exceptions: it
 * names the original class and keeps its stack trace, but its message had SAS signatures and secrets removed.
 */
public final class ScrubbedException extends RuntimeException {

    private final String originalClass;

    ScrubbedException(String originalClass, String scrubbedMessage, ScrubbedException cause) {
        super(scrubbedMessage, cause);
        this.originalClass = originalClass;
    }

    /** The class name of the exception this copies. */
    public String originalClass() {
        return originalClass;
    }

    @Override
    public String toString() {
        String message = getMessage();
        return originalClass + " (scrubbed)" + (message == null ? "" : ": " + message);
    }
}
