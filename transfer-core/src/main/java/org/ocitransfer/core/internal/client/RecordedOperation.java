package org.ocitransfer.core.internal.client;

import java.time.Duration;
import java.time.Instant;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.RunOperation;
import org.ocitransfer.api.TransferException;

/**
 * A run executed elsewhere (another client or process), or that ended before this call: poll reads its record (or
 * this client's execution of it, while one goes), and a wait ends when the record does. A run whose executing process
 * is found gone is marked Failed, as when a client starts.
 */
final class RecordedOperation implements RunOperation {

    private final String name;
    private final RunExecutor runs;

    RecordedOperation(String name, RunExecutor runs) {
        this.name = name;
        this.runs = runs;
    }

    @Override
    public String runName() {
        return name;
    }

    @Override
    public PipelineRun poll() {
        return runs.current(name);
    }

    @Override
    public boolean isDone() {
        return poll().status().isTerminal();
    }

    @Override
    public PipelineRun await() {
        return await(Duration.ofDays(365));
    }

    @Override
    public PipelineRun await(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        PipelineRun run = poll();
        while (!run.status().isTerminal()) {
            if (Instant.now().isAfter(deadline)) {
                throw new TransferException("Run " + name + " has not ended after " + timeout + "; it goes on");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransferException("Interrupted while waiting for run " + name, e);
            }
            run = poll();
        }
        return run;
    }
}
