// Assertions about pipeline runs for tests: a run ended Succeeded, else the failure carries the run's own error.
package org.ocitransfer.testkit.assertions;

import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.RunStatus;

/** Assertions about {@link PipelineRun}s, whose failures carry the run's error message. */
public final class RunAssertions {

    private RunAssertions() {
    }

    /**
     * Asserts the run ended Succeeded; otherwise fails with its status and error message.
     *
     * @return the run, to go on with
     */
    public static PipelineRun succeeded(PipelineRun run) {
        if (run.status() != RunStatus.Succeeded) {
            throw new AssertionError("Run " + run.name() + " ended " + run.status() + ", not Succeeded: "
                    + run.response().pipelineRunErrorMessage());
        }
        return run;
    }
}
