// Runs left unfinished by a dead process are marked Failed at a client's first use of runs, in the listing's one pass.
package org.ocitransfer.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.PipelineRunResponse;
import org.ocitransfer.api.ProvisioningState;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.internal.client.RunRecord;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.core.state.LocalRecordStore;
import org.ocitransfer.core.state.RecordStore;
import org.ocitransfer.core.testing.DeadOwner;
import org.ocitransfer.core.testing.ForwardingRecordStore;

/**
 * Every command line invocation builds a client; building one used to read and parse every run record to mark runs
 * of dead processes Failed, also for commands about pipelines alone, and {@code pipeline-run list} then read and
 * parsed them all again. Now the recovery waits for the first use of runs, and the listing does it in its own pass.
 */
class LazyRunRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void pipelineCommandsReadNoRunAndTheListingRecoversOrphansInItsOnePass() throws Exception {
        LocalRecordStore local = new LocalRecordStore(dir.resolve("state"));
        String deadOwner = putOrphan(local);

        CountingStore counted = new CountingStore(local);
        try (TransferClient client = new TransferClientBuilder().recordStore(counted).buildClient()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", "oci-layout:" + dir.resolve("layout"),
                    StorageContainer.of(Files.createDirectories(dir.resolve("container")).toUri()), Set.of()));
            assertThat(client.getExportPipeline("exporter").name()).isEqualTo("exporter");
            assertThat(counted.runReads).as("run records read by pipeline commands").isEmpty();
            assertThat(stored(local).run().status()).isEqualTo(RunStatus.Running);

            List<PipelineRun> runs = client.listPipelineRuns();
            assertThat(runs).singleElement().satisfies(run -> {
                assertThat(run.status()).isEqualTo(RunStatus.Failed);
                assertThat(run.response().pipelineRunErrorMessage()).contains("interrupted", deadOwner);
            });
            assertThat(stored(local).run().status()).isEqualTo(RunStatus.Failed);
            assertThat(client.getPipelineRun("crashed1").status()).isEqualTo(RunStatus.Failed);
            assertThat(counted.runReads).as("the listing's one pass, then the get").containsExactly("list", "get");
        }
    }

    @Test
    void recoveryBindsOnlyTheRecordsOfRunsThatHaveNotEnded() throws Exception {
        LocalRecordStore local = new LocalRecordStore(dir.resolve("state"));
        String deadOwner = putOrphan(local);
        // An ended run whose request no longer binds (written by another version, say): recovery reads its status
        // only. Before, binding it failed the first use of runs of every client: no run could be created or read.
        local.put(ResourceNames.RUNS, "ended1", ("{\"run\":{\"name\":\"ended1\",\"request\":\"not a request\","
                + "\"response\":{\"progress\":{\"bytesDone\":1},\"status\":\"Succeeded\"}},\"owner\":null}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), null);

        try (TransferClient client = new TransferClientBuilder().recordStore(local).buildClient()) {
            PipelineRun recovered = client.getPipelineRun("crashed1");
            assertThat(recovered.status()).isEqualTo(RunStatus.Failed);
            assertThat(recovered.response().pipelineRunErrorMessage()).contains("interrupted", deadOwner);
            assertThat(stored(local).run().status()).isEqualTo(RunStatus.Failed);
        }
    }

    /** Stores run crashed1, Running, of a process that is gone; @return that process, as the run's owner */
    private static String putOrphan(LocalRecordStore local) throws InterruptedException {
        String deadOwner = DeadOwner.create();
        PipelineRun running = new PipelineRun("crashed1", PipelineRunRequest.export("exporter", "a.tar",
                List.of("app:1")), null, PipelineRunResponse.builder().status(RunStatus.Running)
                .startTime(Instant.now()).build(), ProvisioningState.Succeeded);
        local.put(ResourceNames.RUNS, "crashed1", Json.write(new RunRecord(running, deadOwner, Instant.now(), null)), null);
        return deadOwner;
    }

    private static RunRecord stored(LocalRecordStore local) {
        return Json.read(local.get(ResourceNames.RUNS, "crashed1").orElseThrow().content(), RunRecord.class);
    }

    /** The real store, noting which reads of run records the client makes. */
    private static final class CountingStore extends ForwardingRecordStore {
        final List<String> runReads = new ArrayList<>();

        CountingStore(RecordStore delegate) {
            super(delegate);
        }

        @Override
        public Optional<StoredRecord> get(String collection, String name) {
            if (collection.equals(ResourceNames.RUNS)) {
                runReads.add("get");
            }
            return super.get(collection, name);
        }

        @Override
        public List<StoredRecord> list(String collection) {
            if (collection.equals(ResourceNames.RUNS)) {
                runReads.add("list");
            }
            return super.list(collection);
        }
    }
}
