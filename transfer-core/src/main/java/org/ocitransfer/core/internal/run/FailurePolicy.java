// What a run does when one of its artifacts fails: stop everything, or keep going with the others.
package org.ocitransfer.core.internal.run;

import org.ocitransfer.api.PipelineOption;
import java.util.Set;

/** Whether the first failure stops a run (nothing tagged, nothing committed) or the others go on (ContinueOnErrors). */
enum FailurePolicy {
    /** The first failure stops the work not yet started, and the run. */
    STOP,
    /** Every artifact is tried; the failed ones are reported (ContinueOnErrors). */
    CONTINUE;

    /** CONTINUE with ContinueOnErrors, else STOP. */
    static FailurePolicy of(Set<PipelineOption> options) {
        return options.contains(PipelineOption.ContinueOnErrors) ? CONTINUE : STOP;
    }

    /** Whether the first failure stops the work. */
    boolean stops() {
        return this == STOP;
    }
}
