package org.ocitransfer.testkit.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ocitransfer.testkit.trigger.TriggerFixture.pollUntilImported;
import static org.ocitransfer.testkit.trigger.TriggerFixture.runsOf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.internal.client.RunRecord;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;

/**
 * A watcher in another JVM is killed (SIGKILL) while it holds a blob's claim and its run is Running: the claim lapses,
 * and a watcher in this JVM imports the blob, once, under the same run. Either the replacement's client was built
 * before the kill (it finds the run Running and takes over once it gets the claim), or after (the client marks the
 * dead process's run Failed as interrupted when it starts, and the watcher imports the blob again).
 */
class KilledWatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "replacement client built {0} the kill")
    @ValueSource(strings = {"before", "after"})
    void aWatcherKilledMidImportLosesTheBlobToAnotherThatImportsItOnce(String when) throws Exception {
        try (LocalTriggerFixture f = new LocalTriggerFixture(dir, Set.of())) {
            SourceTriggerWatcher early = when.equals("before") ? f.track(f.watcher().build()) : null;
            Descriptor image = f.land("victim.tar");
            HangingWatcher.killWhileImporting(WatcherProcess.class, dir, WAIT,
                    () -> assertThat(f.claims()).as("the claim it holds").hasSize(1),
                    f.state.toString(), f.target.root().toString());
            String runName;
            SourceTriggerWatcher watcher = early != null ? early : f.track(f.watcher().build());
            TransferClient client = watcher.client();
            List<PipelineRun> left = runsOf(client, "victim.tar");
            assertThat(left).hasSize(1);
            runName = left.get(0).name();
            // Orphans are recovered at a client's first use of runs (not when it is built), so a client built before
            // the kill marks the killed process's run too, at its first listing after the kill.
            RunRecord stored = SourceTriggerWatcherTest.stored(f, runName);
            assertThat(stored.run().status()).as("marked at the client's first use of runs").isEqualTo(RunStatus.Failed);
            assertThat(stored.interrupted()).isTrue();

            List<PipelineRun> runs = pollUntilImported(
                    "the blob to be imported by the replacement", watcher, "victim.tar", WAIT);
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).name()).isEqualTo(runName);
            assertThat(runs.get(0).response().trigger()).isNotNull();
            assertThat(f.startsOf(runName)).as("starts in this JVM").isEqualTo(1);
            assertThat(f.target.repository("app").resolve("victim").digest()).isEqualTo(image.digest());
            watcher.pollOnce();
            assertThat(watcher.awaitIdle(WAIT)).isTrue();
            assertThat(f.startsOf(runName)).isEqualTo(1);
            watcher.close();
            assertThat(f.claims()).isEmpty();
        }
    }
}
