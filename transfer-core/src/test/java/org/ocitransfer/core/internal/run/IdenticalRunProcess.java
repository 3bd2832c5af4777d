package org.ocitransfer.core.internal.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Optional;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.ResourceNotFoundException;
import org.ocitransfer.api.RunOperation;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.state.LocalRecordStore;
import org.ocitransfer.core.state.RecordStore;
import org.ocitransfer.core.testing.ForwardingRecordStore;

/**
 * One of the processes of {@link IdenticalRunsAcrossProcessesTest}: opens a client on the shared state directory,
 * prints {@code READY}, waits for the go file, then creates the identical export run {@value #RUN} and waits for its
 * end, printing {@code ENDED <status> <startTime> <catalogDigest> <provisioningState>}. When this process executes
 * the run, its first progress report appends this process's pid to the executions file and holds the run for a
 * moment, so the other processes' creates arrive while it goes. Its record store is the local state directory with
 * slow reads of run records (as a remote store's round trips are), so the processes' creates overlap as they do
 * when several commands start at once.
 *
 * <p>Arguments: the state directory, the go file, the executions file.
 */
public final class IdenticalRunProcess {

    /** The run every process creates. */
    static final String RUN = "samerun1";
    /** Its request. */
    static final PipelineRunRequest REQUEST = PipelineRunRequest.export("exporter", "same.tar", List.of("app:1"));

    private IdenticalRunProcess() {
    }

    /** A record store whose reads of run records take a moment, like a remote store's. */
    private static final class SlowRunReads extends ForwardingRecordStore {
        SlowRunReads(RecordStore delegate) {
            super(delegate);
        }

        @Override
        public Optional<StoredRecord> get(String collection, String name) {
            Optional<StoredRecord> read = super.get(collection, name);
            if (ResourceNames.RUNS.equals(collection)) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return read;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Path state = Path.of(args[0]);
        Path go = Path.of(args[1]);
        Path executions = Path.of(args[2]);
        try (TransferClient client = new TransferClientBuilder().recordStore(new SlowRunReads(
                new LocalRecordStore(state))).buildClient()) {
            try {
                client.getPipelineRun(RUN); // warms up what the create will use, so the processes start even
            } catch (ResourceNotFoundException expected) {
                // none yet
            }
            System.out.println("READY");
            System.out.flush();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    System.exit(3);
                }
                Thread.sleep(2);
            }
            AtomicBoolean first = new AtomicBoolean(true);
            RunOperation operation = client.beginCreateOrUpdatePipelineRun(RUN, REQUEST, "same", (name, p) -> {
                if (first.compareAndSet(true, false)) {
                    try {
                        Files.writeString(executions, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        Thread.sleep(1500);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            PipelineRun run = operation.await(Duration.ofMinutes(2));
            System.out.println("ENDED " + run.status() + " " + run.response().startTime() + " "
                    + run.response().catalogDigest() + " " + run.provisioningState());
        }
    }
}
