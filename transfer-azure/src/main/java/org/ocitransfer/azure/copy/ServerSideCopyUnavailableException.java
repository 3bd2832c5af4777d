// Signals that a server-side copy could not reach or read its source, so the copy may stream instead.
package org.ocitransfer.azure.copy;

import org.ocitransfer.core.blob.BlobStoreException;

/** The storage service could not reach or read the copy source; nothing was written to the target. */
public class ServerSideCopyUnavailableException extends BlobStoreException {

    /** With a message (naming why) and a scrubbed cause. */
    public ServerSideCopyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
