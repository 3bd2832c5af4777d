package org.ocitransfer.api;

/** The status of a pipeline run's execution. */
public enum RunStatus {
    /** Accepted, not yet running. */
    Queued,
    /** Moving content. */
    Running,
    /** Every artifact went through. */
    Succeeded,
    /** With ContinueOnErrors: some artifacts went through, some failed; the per-artifact results say which. */
    CompletedWithErrors,
    /** Nothing was committed to the target, or the run stopped at a failure. */
    Failed;

    /** Whether the run has ended. */
    public boolean isTerminal() {
        return this == Succeeded || this == CompletedWithErrors || this == Failed;
    }
}
