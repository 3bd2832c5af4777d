package org.ocitransfer.core.run;

import org.ocitransfer.api.TransferException;

/** Stops a run; its message becomes the run's pipelineRunErrorMessage. */
public class RunFailedException extends TransferException {

    /** With the message to record. */
    public RunFailedException(String message) {
        super(message);
    }

    /** With the message to record and its cause. */
    public RunFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
