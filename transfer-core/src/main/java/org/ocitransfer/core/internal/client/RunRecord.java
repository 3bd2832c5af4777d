package org.ocitransfer.core.internal.client;

import java.time.Instant;
import org.ocitransfer.api.PipelineRun;

/**
 * A run as persisted: the resource, plus who is executing it and when it last showed life, so a run whose process
 * died is found and reported Failed instead of staying Running forever.
 *
 * @param run         the resource
 * @param owner       {@code <pid>@<host>} of the process executing it; null once it has ended
 * @param heartbeat   when the owner last updated it
 * @param interrupted true when it was marked Failed because it never got to end (its process died, its client was
 *                    closed, its watcher stopped); null otherwise
 */
public record RunRecord(PipelineRun run, String owner, Instant heartbeat, Boolean interrupted) {

    /** A record of a run that was not interrupted. */
    RunRecord(PipelineRun run, String owner, Instant heartbeat) {
        this(run, owner, heartbeat, null);
    }

    boolean wasInterrupted() {
        return Boolean.TRUE.equals(interrupted);
    }
}
