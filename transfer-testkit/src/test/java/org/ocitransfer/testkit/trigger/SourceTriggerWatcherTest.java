package org.ocitransfer.testkit.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ocitransfer.testkit.trigger.TriggerFixture.await;
import static org.ocitransfer.testkit.trigger.TriggerFixture.awaitSucceeded;
import static org.ocitransfer.testkit.trigger.TriggerFixture.importRuns;
import static org.ocitransfer.testkit.trigger.TriggerFixture.runsOf;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TriggerStatus;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStore;
import org.ocitransfer.core.internal.client.RunRecord;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.core.state.LocalRecordStore;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.testkit.faults.HookedRegistry;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;

/**
 * The source trigger on local parts (an OCI layout source exported by the real export run into a local directory
 * container, an OCI layout target, one shared state directory): exactly once across watchers, restarts, a stopped
 * watcher, non-archives, the disabled trigger, the max age, replaced blobs, DeleteSourceBlobOnSuccess.
 */
class SourceTriggerWatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private LocalTriggerFixture fixture;

    private LocalTriggerFixture fixture(PipelineOption... importOptions) {
        fixture = new LocalTriggerFixture(dir, importOptions.length == 0 ? Set.of() : EnumSet.of(importOptions[0],
                importOptions));
        return fixture;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Polls until a poll made with every import slot free starts nothing, then waits for the imports to end. */
    private static void drain(SourceTriggerWatcher watcher) {
        for (int i = 0; i < 20; i++) {
            assertThat(watcher.awaitIdle(WAIT)).as("imports of %s ended", watcher.pipelineName()).isTrue();
            if (watcher.pollOnce().isEmpty()) {
                return;
            }
        }
        throw new AssertionError("The watcher kept starting runs after 20 polls");
    }

    private static PipelineRun onlyRunOf(TransferClient client, String blob) {
        List<PipelineRun> runs = runsOf(client, blob);
        assertThat(runs).as("runs of blob %s", blob).hasSize(1);
        return runs.get(0);
    }

    @Test
    void threeWatchersImportTwentyArrivingBlobsExactlyOnceAndARestartImportsNothingAgain() throws Exception {
        LocalTriggerFixture f = fixture();
        List<TransferClient> clients = new ArrayList<>();
        List<SourceTriggerWatcher> watchers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TransferClient client = f.newClient();
            clients.add(client);
            watchers.add(f.track(f.watcher().maxConcurrentImports(2).build()));
        }
        watchers.forEach(SourceTriggerWatcher::start);

        Map<String, Descriptor> landed = f.landBundles(20);
        awaitSucceeded(20, clients.get(0), watchers, WAIT);

        List<PipelineRun> runs = importRuns(clients.get(0));
        assertThat(runs).hasSize(20).allSatisfy(run -> {
            assertThat(run.status()).isEqualTo(RunStatus.Succeeded);
            assertThat(run.response().trigger().sourceTrigger().timestamp()).isNotNull();
            assertThat(run.name()).matches("[A-Za-z0-9]{5,50}");
            assertThat(f.startsOf(run.name())).as("starts of run %s", run.name()).isEqualTo(1);
        });
        assertThat(runs).extracting(r -> r.request().source().name())
                .containsExactlyInAnyOrderElementsOf(landed.keySet());
        assertThat(f.totalStarts()).isEqualTo(20);
        for (TransferClient client : clients) {
            assertThat(importRuns(client)).extracting(PipelineRun::name)
                    .containsExactlyInAnyOrderElementsOf(runs.stream().map(PipelineRun::name).toList());
        }
        f.assertImported(landed);
        for (SourceTriggerWatcher w : watchers) {
            w.close();
        }
        assertThat(f.claims()).as("claims left after stopping").isEmpty();
        clients.forEach(TransferClient::close);

        // A restart: new clients and watchers on the same state and container import nothing again.
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
        assertThat(importRuns(f.newClient())).hasSize(20);
    }

    @Test
    void aBlobThatIsNotAnArchiveGetsOneFailedRunAndNoRetry() throws Exception {
        LocalTriggerFixture f = fixture();
        Files.createDirectories(f.container);
        Files.writeString(f.container.resolve("notes.txt"), "these are notes, not an archive\n");
        SourceTriggerWatcher watcher = f.track(f.watcher().build());
        TransferClient client = watcher.client();

        drain(watcher);
        drain(watcher);
        PipelineRun run = onlyRunOf(client, "notes.txt");
        assertThat(run.status()).isEqualTo(RunStatus.Failed);
        assertThat(run.response().pipelineRunErrorMessage()).isNotBlank().contains("notes.txt");
        assertThat(run.response().trigger()).isNotNull();
        assertThat(f.startsOf(run.name())).isEqualTo(1);

        SourceTriggerWatcher restarted = f.track(f.watcher().build());
        drain(restarted);
        assertThat(f.startsOf(run.name())).isEqualTo(1);
        assertThat(f.container.resolve("notes.txt")).exists();
    }

    @Test
    void aDisabledTriggerStartsNothingAndEnablingItAgainImportsOnlyWhatIsNew() throws Exception {
        LocalTriggerFixture f = fixture();
        SourceTriggerWatcher watcher = f.track(f.watcher().build());
        TransferClient client = watcher.client();
        f.land("first.tar");
        drain(watcher);
        assertThat(onlyRunOf(client, "first.tar").status()).isEqualTo(RunStatus.Succeeded);

        ImportPipeline pipeline = client.getImportPipeline(TriggerFixture.PIPELINE);
        client.createOrUpdateImportPipeline(pipeline.withSourceTrigger(TriggerStatus.Disabled));
        f.land("second.tar");
        assertThat(watcher.pollOnce()).isEmpty();
        assertThat(watcher.pollOnce()).isEmpty();
        assertThat(runsOf(client, "second.tar")).isEmpty();

        client.createOrUpdateImportPipeline(pipeline.withSourceTrigger(TriggerStatus.Enabled));
        drain(watcher);
        assertThat(onlyRunOf(client, "second.tar").status()).isEqualTo(RunStatus.Succeeded);
        assertThat(f.startsOf(onlyRunOf(client, "first.tar").name())).isEqualTo(1);
        assertThat(f.totalStarts()).isEqualTo(2);
    }

    @Test
    void blobsLastModifiedBeforeTheMaxAgeAreIgnored() throws Exception {
        LocalTriggerFixture f = fixture();
        TransferClient client = f.newClient();
        f.land("old.tar");
        Files.setLastModifiedTime(f.container.resolve("old.tar"),
                FileTime.from(Instant.now().minus(Duration.ofDays(61))));
        f.land("recent.tar");

        Instant later = Instant.now().plus(Duration.ofDays(61));
        SourceTriggerWatcher future = f.track(f.watcher()
                .clock(Clock.fixed(later, ZoneOffset.UTC)).build());
        assertThat(future.pollOnce()).as("61 days on, both are too old").isEmpty();
        SourceTriggerWatcher shortAge = f.track(f.watcher().maxBlobAge(Duration.ofDays(1))
                .clock(Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC)).build());
        assertThat(shortAge.pollOnce()).as("a 1-day max age, 2 days on").isEmpty();

        Instant now = Instant.now();
        SourceTriggerWatcher watcher = f.track(f.watcher().clock(Clock.fixed(now, ZoneOffset.UTC)).build());
        drain(watcher);
        assertThat(runsOf(client, "old.tar")).isEmpty();
        PipelineRun recent = onlyRunOf(client, "recent.tar");
        assertThat(recent.status()).isEqualTo(RunStatus.Succeeded);
        assertThat(recent.response().trigger().sourceTrigger().timestamp()).isEqualTo(now);
    }

    @Test
    void aReplacedBlobIsImportedAgainAsANewRun() throws Exception {
        LocalTriggerFixture f = fixture(PipelineOption.OverwriteTags);
        SourceTriggerWatcher watcher = f.track(f.watcher().build());
        TransferClient client = watcher.client();
        f.land("rolling.tar");
        drain(watcher);
        PipelineRun first = onlyRunOf(client, "rolling.tar");

        Descriptor second = f.land("rolling.tar");
        drain(watcher);
        List<PipelineRun> runs = runsOf(client, "rolling.tar");
        assertThat(runs).hasSize(2).allMatch(r -> r.status() == RunStatus.Succeeded);
        assertThat(runs).extracting(PipelineRun::name).contains(first.name()).doesNotHaveDuplicates();
        assertThat(f.target.repository("app").resolve("rolling").digest()).isEqualTo(second.digest());
        assertThat(f.totalStarts()).isEqualTo(2);
    }

    @Test
    void deleteSourceBlobOnSuccessDeletesImportedBlobsOnly() throws Exception {
        LocalTriggerFixture f = fixture(PipelineOption.DeleteSourceBlobOnSuccess);
        SourceTriggerWatcher watcher = f.track(f.watcher().build());
        TransferClient client = watcher.client();
        f.land("gone.tar");
        Files.writeString(f.container.resolve("junk.tar"), "not an archive");
        drain(watcher);

        assertThat(onlyRunOf(client, "gone.tar").status()).isEqualTo(RunStatus.Succeeded);
        assertThat(f.container.resolve("gone.tar")).doesNotExist();
        assertThat(onlyRunOf(client, "junk.tar").status()).isEqualTo(RunStatus.Failed);
        assertThat(f.container.resolve("junk.tar")).exists();
        drain(watcher);
        assertThat(f.totalStarts()).isEqualTo(2);
        assertThat(f.claims()).isEmpty();
    }

    @Test
    void aBlobStillBeingWrittenIsNotSeen() throws Exception {
        LocalTriggerFixture f = fixture();
        SourceTriggerWatcher watcher = f.track(f.watcher().build());
        TransferClient client = watcher.client();
        f.land("source.tar");
        drain(watcher);
        LocalDirectoryBlobStore store = LocalDirectoryBlobStore.open(f.container);
        byte[] archive = Files.readAllBytes(f.container.resolve("source.tar"));
        try (BlobUpload upload = store.upload("copy.tar", UploadOptions.create())) {
            OutputStream out = upload.output();
            out.write(archive, 0, archive.length / 2);
            out.flush();
            assertThat(watcher.pollOnce()).as("half-written blob").isEmpty();
            out.write(archive, archive.length / 2, archive.length - archive.length / 2);
            upload.commit();
        }
        drain(watcher);
        assertThat(onlyRunOf(client, "copy.tar").status()).isEqualTo(RunStatus.Succeeded);
    }

    @Test
    void aWatcherStartsAtMostItsMaxConcurrentImports() throws Exception {
        LocalTriggerFixture f = fixture();
        CountDownLatch release = new CountDownLatch(1);
        SourceTriggerWatcher watcher = f.track(f.watcher(HookedRegistry.beforePush(f.target, d -> awaitQuietly(release)))
                .maxConcurrentImports(1).build());
        TransferClient client = watcher.client();
        f.land("one.tar");
        f.land("two.tar");
        f.land("three.tar");

        assertThat(watcher.pollOnce()).hasSize(1);
        assertThat(watcher.pollOnce()).isEmpty();
        assertThat(watcher.importsInFlight()).isEqualTo(1);
        assertThat(f.claims()).hasSize(1);
        release.countDown();
        drain(watcher);
        assertThat(importRuns(client)).hasSize(3).allMatch(r -> r.status() == RunStatus.Succeeded);
        assertThat(f.totalStarts()).isEqualTo(3);
    }

    @Test
    void closeStopsAnImportReleasesItsClaimAndTheBlobIsImportedLater() throws Exception {
        LocalTriggerFixture f = fixture();
        CountDownLatch pushing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SourceTriggerWatcher watcher = f.watcher(HookedRegistry.beforePush(f.target, d -> {
            pushing.countDown();
            awaitQuietly(release);
        })).stopTimeout(Duration.ofSeconds(30)).build();
        f.land("held.tar");
        List<String> started = watcher.pollOnce();
        assertThat(started).hasSize(1);
        assertThat(pushing.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(f.claims()).hasSize(1);

        Thread closer = new Thread(watcher::close);
        closer.start();
        await("the watcher to be closing", WAIT, () -> closer.getState() == Thread.State.TIMED_WAITING
                || !closer.isAlive());
        release.countDown();
        closer.join(WAIT.toMillis());
        assertThat(closer.isAlive()).isFalse();

        assertThat(f.claims()).as("claims left after close").isEmpty();
        RunRecord stopped = stored(f, started.get(0));
        assertThat(stopped.run().status()).isEqualTo(RunStatus.Failed);
        assertThat(stopped.interrupted()).isTrue();
        assertThat(stopped.run().response().pipelineRunErrorMessage()).contains("stopped").contains("held.tar");

        TransferClient client = f.newClient();
        drain(f.track(f.watcher().build()));
        PipelineRun run = onlyRunOf(client, "held.tar");
        assertThat(run.name()).isEqualTo(started.get(0));
        assertThat(run.status()).isEqualTo(RunStatus.Succeeded);
        assertThat(f.startsOf(run.name())).isEqualTo(2);
    }

    @Test
    void runNamesAreDerivedFromPipelineBlobAndVersion() {
        BlobItem blob = new BlobItem("a/b.tar", 10, Instant.EPOCH, Map.of(), "\"0x1\"");
        String name = SourceTriggerWatcher.runName("importer", blob);
        assertThat(name).matches("trigger[0-9a-f]{40}").isEqualTo(SourceTriggerWatcher.runName("importer", blob));
        assertThat(SourceTriggerWatcher.runName("importer", new BlobItem("a/b.tar", 10, Instant.EPOCH, Map.of(),
                "\"0x2\""))).isNotEqualTo(name);
        assertThat(SourceTriggerWatcher.runName("other", blob)).isNotEqualTo(name);
        assertThat(SourceTriggerWatcher.runName("importer", new BlobItem("a/c.tar", 10, Instant.EPOCH, Map.of(),
                "\"0x1\""))).isNotEqualTo(name);
    }

    @Test
    void theBuilderRefusesBadSettings() throws Exception {
        LocalTriggerFixture f = fixture();
        assertThatThrownBy(() -> f.watcher().pollInterval(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 s");
        assertThatThrownBy(() -> f.watcher().maxConcurrentImports(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 64");
        assertThatThrownBy(() -> f.watcher().maxConcurrentImports(65))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 64");
        assertThatThrownBy(() -> f.clients().sourceTriggerWatcher("no-such"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such");
        SourceTriggerWatcher missing = f.track(f.clients().sourceTriggerWatcher("missing").build());
        assertThatThrownBy(missing::pollOnce).hasMessageContaining("missing");
        SourceTriggerWatcher watcher = f.track(f.watcher().build());
        watcher.start();
        assertThatThrownBy(watcher::start).isInstanceOf(IllegalStateException.class);
        watcher.close();
        assertThatThrownBy(watcher::start).isInstanceOf(IllegalStateException.class);
        assertThat(watcher.pollOnce()).isEmpty();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The test never released the paused push");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while paused", e);
        }
    }

    /** The run's record as stored (white box: its owner's interruption mark). */
    static RunRecord stored(LocalTriggerFixture f, String runName) {
        return Json.read(new LocalRecordStore(f.state).get(ResourceNames.RUNS, runName).orElseThrow().content(),
                RunRecord.class);
    }
}
