package org.ocitransfer.api;

import java.time.Duration;

/**
 * A run in progress, returned when a run is created: poll it, or await its end.
 */
public interface RunOperation {

    /** The run's name. */
    String runName();

    /** The run as it stands now. */
    PipelineRun poll();

    /** Whether the run has ended. */
    boolean isDone();

    /** Waits for the run to end and returns it; a failed run is returned, not thrown. */
    PipelineRun await();

    /**
     * Waits at most {@code timeout}.
     *
     * @throws TransferException when the run has not ended in time (it goes on)
     */
    PipelineRun await(Duration timeout);
}
