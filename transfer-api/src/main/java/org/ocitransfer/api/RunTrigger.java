package org.ocitransfer.api;

import java.time.Instant;

/**
 * What started a run, when it was not created explicitly.
 *
 * @param sourceTrigger set when an import pipeline's source trigger started the run
 */
public record RunTrigger(SourceTrigger sourceTrigger) {

    /** A run started by the source trigger at that time. */
    public static RunTrigger source(Instant timestamp) {
        return new RunTrigger(new SourceTrigger(timestamp));
    }

    /**
     * The source trigger's part.
     *
     * @param timestamp when the trigger saw the blob and started the run
     */
    public record SourceTrigger(Instant timestamp) {
    }
}
