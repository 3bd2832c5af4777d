package org.ocitransfer.core.client;

import java.time.Instant;
import org.ocitransfer.api.PipelineRun;

/**
 * A run as persisted: the resource, plus who is executing it and when it last showed life, so a run whose process
 * died is found and reported Failed instead of staying Running forever.
 *
 * @param run       the resource
 * @param owner     {@code <pid>@<host>} of the process executing it; null once it has ended
 * @param heartbeat when the owner last updated it
 */
record RunRecord(PipelineRun run, String owner, Instant heartbeat) {
}
