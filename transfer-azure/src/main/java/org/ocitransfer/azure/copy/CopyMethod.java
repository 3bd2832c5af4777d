// How a blob copy moved its bytes.
package org.ocitransfer.azure.copy;

/** How a blob copy moved its bytes. */
public enum CopyMethod {
    /** The storage service copied it in one call (Copy Blob From URL). */
    SERVER_SIDE_SYNC,
    /** The storage service copied it in the background (Copy Blob), polled until done. */
    SERVER_SIDE_ASYNC,
    /** The bytes streamed through this process: read from the source, uploaded to the target. */
    STREAMED
}
