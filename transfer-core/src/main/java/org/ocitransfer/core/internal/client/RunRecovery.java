package org.ocitransfer.core.internal.client;

import java.time.Instant;
import java.util.Optional;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.core.state.RecordConflictException;
import org.ocitransfer.core.state.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds runs left unfinished by a process that is gone (crashed, killed, or a host silent for too long) and marks them
 * Failed as interrupted, so they do not stay Running forever and a source trigger imports their blobs again.
 */
final class RunRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(RunRecovery.class);

    private final RunRecords runs;

    RunRecovery(RunRecords runs) {
        this.runs = runs;
    }

    /**
     * Marks every unfinished run whose owner is gone (at a client's first use of runs). A record whose stored status
     * says the run ended is not bound: only its status is read (binding every record was most of a command's start-up
     * once runs accumulate, and an unreadable record of an old run stopped every command that used runs).
     */
    void recoverInterruptedRuns() {
        for (RecordStore.StoredRecord stored : runs.list()) {
            if (RunRecords.hasEnded(stored)) {
                continue;
            }
            RunRecord record = RunRecords.parse(stored);
            if (!record.run().status().isTerminal() && runs.ownerIsDead(record)) {
                failOrphaned(stored, record);
            }
        }
    }

    /**
     * Marks Failed (as interrupted) a run left unfinished by a process that is gone, unless another writer changed
     * its record meanwhile. @return the run as marked; empty when another writer got there first
     */
    Optional<PipelineRun> failOrphaned(RecordStore.StoredRecord stored, RunRecord record) {
        PipelineRun run = record.run();
        LOG.warn("Run {} was left {} by {}, which is gone: marking it Failed", run.name(), run.status(),
                record.owner());
        PipelineRun marked = RunRecords.interrupted(run, "The run was interrupted: the process executing it ("
                + record.owner() + ") stopped before it ended. Nothing partial was committed. Run it again with a new"
                + " forceUpdateTag.");
        try {
            runs.put(new RunRecord(marked, null, Instant.now(), true), stored.etag());
            return Optional.of(marked);
        } catch (RecordConflictException e) {
            LOG.info("Run {} was updated by another process while being marked Failed: left as that one wrote it",
                    run.name());
            return Optional.empty();
        }
    }
}
