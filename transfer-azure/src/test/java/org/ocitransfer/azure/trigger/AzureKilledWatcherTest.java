// A watcher in another JVM, on Azure storage and the Azure record store, is killed (SIGKILL) while it holds a
// blob's lease and its run is Running (read here, it is marked Failed as interrupted): the lease lapses and a watcher here imports the blob once, under that run.
package org.ocitransfer.azure.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ocitransfer.testkit.trigger.TriggerFixture.pollUntilImported;
import static org.ocitransfer.testkit.trigger.TriggerFixture.runsOf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.trigger.HangingWatcher;

class AzureKilledWatcherTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void aWatcherKilledMidImportLosesTheLeaseAndAnotherImportsTheBlobOnce() throws Exception {
        try (AzureTriggerFixture f = new AzureTriggerFixture(AZURITE.azurite(), dir, Set.of())) {
            // Built before the kill. A run whose owner is gone is marked Failed (interrupted) whenever a client reads
            // it, so this client sees the killed process's run already marked; the lease still decides who imports.
            SourceTriggerWatcher watcher = f.track(f.watcher().build());
            TransferClient client = watcher.client();
            Descriptor image = f.land("victim.tar");
            HangingWatcher.killWhileImporting(AzureWatcherProcess.class, dir, WAIT,
                    () -> assertThat(f.leased()).containsExactly("victim.tar"),
                    f.stateContainer.uri().toString(), f.stateContainer.secretUri(), f.target.root().toString());
            List<PipelineRun> left = runsOf(client, "victim.tar");
            assertThat(left).hasSize(1);
            assertThat(left.get(0).status()).as("marked when read: its owner is gone").isEqualTo(RunStatus.Failed);
            assertThat(left.get(0).response().pipelineRunErrorMessage()).contains("interrupted");
            String runName = left.get(0).name();

            List<PipelineRun> runs = pollUntilImported(
                    "the blob to be imported by the replacement once the lease lapses", watcher, "victim.tar", WAIT);
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).name()).isEqualTo(runName);
            assertThat(f.startsOf(runName)).as("starts in this JVM").isEqualTo(1);
            assertThat(f.target.repository("app").resolve("victim").digest()).isEqualTo(image.digest());
            watcher.pollOnce();
            assertThat(watcher.awaitIdle(WAIT)).isTrue();
            assertThat(f.startsOf(runName)).isEqualTo(1);
            watcher.close();
            assertThat(f.leased()).isEmpty();
        }
    }
}
