package org.ocitransfer.core.internal.run;

import java.util.List;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.TransferException;

/**
 * Stops a run; its message becomes the run's pipelineRunErrorMessage, and its artifact results (when the runner
 * knew the artifacts) the run's artifactResults: which artifact failed, and which were skipped because of it.
 */
public class RunFailedException extends TransferException {

    private final transient List<ArtifactResult> artifactResults;

    /** With the message to record. */
    public RunFailedException(String message) {
        this(message, null, List.of());
    }

    /** With the message to record and its cause. */
    public RunFailedException(String message, Throwable cause) {
        this(message, cause, List.of());
    }

    /** With the message to record, its cause (may be null) and the outcome of every artifact of the run. */
    public RunFailedException(String message, Throwable cause, List<ArtifactResult> artifactResults) {
        super(message, cause);
        this.artifactResults = List.copyOf(artifactResults);
    }

    /** Each artifact's outcome, in the run's order; empty when the run stopped before its artifacts were known. */
    public List<ArtifactResult> artifactResults() {
        return artifactResults == null ? List.of() : artifactResults;
    }
}
