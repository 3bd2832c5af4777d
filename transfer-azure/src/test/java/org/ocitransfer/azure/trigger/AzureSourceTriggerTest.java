// The source trigger on real Azurite: three watchers (separate clients) share one archive container (blob leases as
// claims) and one Azure record container; 20 blobs arriving while they run are imported exactly once, every replica
// lists the same 20 runs, a restart imports nothing again, and DeleteSourceBlobOnSuccess deletes leased blobs.
package org.ocitransfer.azure.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ocitransfer.testkit.trigger.TriggerFixture.awaitSucceeded;
import static org.ocitransfer.testkit.trigger.TriggerFixture.importRuns;
import static org.ocitransfer.testkit.trigger.TriggerFixture.runsOf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;
import org.ocitransfer.testkit.azure.AzuriteExtension;

class AzureSourceTriggerTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private static List<String> statuses(TransferClient client) {
        return importRuns(client).stream().map(r -> r.name() + "=" + r.status()).sorted().toList();
    }

    @Test
    void threeWatchersOnAzureImportTwentyArrivingBlobsOnceAndEveryReplicaListsTheSameRuns() throws Exception {
        try (AzureTriggerFixture f = new AzureTriggerFixture(AZURITE.azurite(), dir, Set.of())) {
            List<TransferClient> clients = new ArrayList<>();
            List<SourceTriggerWatcher> watchers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SourceTriggerWatcher watcher = f.track(f.watcher().maxConcurrentImports(2).build());
                clients.add(watcher.client());
                watchers.add(watcher);
            }
            watchers.forEach(SourceTriggerWatcher::start);

            Map<String, Descriptor> landed = f.landBundles(20);
            awaitSucceeded(20, clients.get(0), watchers, WAIT);

            List<PipelineRun> runs = importRuns(clients.get(0));
            assertThat(runs).hasSize(20).allSatisfy(run -> {
                assertThat(run.status()).isEqualTo(RunStatus.Succeeded);
                assertThat(run.response().trigger().sourceTrigger().timestamp()).isNotNull();
                assertThat(run.response().source().uri()).startsWith(f.archiveContainer.uri().toString())
                        .doesNotContain("sig=");
                assertThat(f.startsOf(run.name())).as("starts of run %s", run.name()).isEqualTo(1);
            });
            assertThat(runs).extracting(r -> r.request().source().name())
                    .containsExactlyInAnyOrderElementsOf(landed.keySet());
            assertThat(f.totalStarts()).isEqualTo(20);
            List<String> seen = statuses(clients.get(0));
            for (TransferClient client : clients) {
                assertThat(statuses(client)).as("the runs another replica lists").isEqualTo(seen);
            }
            f.assertImported(landed);
            for (SourceTriggerWatcher w : watchers) {
                w.close();
            }
            assertThat(f.leased()).as("blobs still leased after stopping").isEmpty();

            List<SourceTriggerWatcher> restarted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                restarted.add(f.track(f.watcher().build()));
            }
            for (int round = 0; round < 2; round++) {
                for (SourceTriggerWatcher w : restarted) {
                    assertThat(w.pollOnce()).isEmpty();
                    assertThat(w.awaitIdle(WAIT)).isTrue();
                }
            }
            assertThat(f.totalStarts()).isEqualTo(20);
            assertThat(statuses(f.newClient())).isEqualTo(seen);
        }
    }

    @Test
    void deleteSourceBlobOnSuccessDeletesTheLeasedBlobAfterItsImport() throws Exception {
        try (AzureTriggerFixture f = new AzureTriggerFixture(AZURITE.azurite(), dir,
                Set.of(PipelineOption.DeleteSourceBlobOnSuccess))) {
            SourceTriggerWatcher watcher = f.track(f.watcher().build());
            TransferClient client = watcher.client();
            f.land("first.tar");
            f.land("second.tar");
            AZURITE.azurite().containerClient(f.archives).getBlobClient("notes.txt")
                    .upload(com.azure.core.util.BinaryData.fromString("not an archive"));
            for (int i = 0; i < 3; i++) {
                watcher.pollOnce();
                assertThat(watcher.awaitIdle(WAIT)).isTrue();
            }
            for (String blob : List.of("first.tar", "second.tar")) {
                List<PipelineRun> runs = runsOf(client, blob);
                assertThat(runs).hasSize(1);
                assertThat(runs.get(0).status()).as(runs.get(0).response().pipelineRunErrorMessage())
                        .isEqualTo(RunStatus.Succeeded);
                assertThat(AZURITE.azurite().containerClient(f.archives).getBlobClient(blob).exists()).isFalse();
            }
            PipelineRun failed = runsOf(client, "notes.txt").get(0);
            assertThat(failed.status()).isEqualTo(RunStatus.Failed);
            assertThat(AZURITE.azurite().containerClient(f.archives).getBlobClient("notes.txt").exists()).isTrue();
            assertThat(f.totalStarts()).isEqualTo(3);
            assertThat(f.leased()).isEmpty();
        }
    }
}
