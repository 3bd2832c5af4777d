// What a run tells its listener and its record about each artifact and about itself: the events per artifact with
// their error category, the phases in order, the run's error category; a listener that throws does not stop a run.
package org.ocitransfer.core.internal.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ArtifactEvent;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.PipelineRunResponse;
import org.ocitransfer.api.ProgressListener;
import org.ocitransfer.api.RunPhase;
import org.ocitransfer.api.RunProgress;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.state.Json;

class RunOutcomesTest {

    @TempDir
    Path dir;
    private OciLayoutRegistry source;
    private OciLayoutRegistry target;
    private TransferClient client;
    private final TestImages images = new TestImages(29);

    @BeforeEach
    void setUp() throws IOException {
        source = OciLayoutRegistry.open(dir.resolve("source"));
        target = OciLayoutRegistry.open(dir.resolve("target"));
        StorageContainer container = StorageContainer.of(Files.createDirectories(dir.resolve("container")).toUri());
        client = newClient();
        client.createOrUpdateExportPipeline(new ExportPipeline("exporter", source.location(), container,
                Set.of(PipelineOption.ContinueOnErrors)));
        client.createOrUpdateImportPipeline(new ImportPipeline("importer", target.location(), container, Set.of()));
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private TransferClient newClient() {
        return new TransferClientBuilder().stateDirectory(dir.resolve("state")).concurrency(2).buildClient();
    }

    /** Every call it hears, in order. */
    private static final class Recorder implements ProgressListener {
        final List<ArtifactEvent> events = new CopyOnWriteArrayList<>();
        final List<RunPhase> phases = new CopyOnWriteArrayList<>();

        @Override
        public void onProgress(String runName, RunProgress progress) {
        }

        @Override
        public void onArtifact(String runName, ArtifactEvent event) {
            events.add(event);
        }

        @Override
        public void onPhase(String runName, RunPhase phase) {
            phases.add(phase);
        }

        List<ArtifactEvent> of(String artifact) {
            return events.stream().filter(e -> e.artifact().equals(artifact)).toList();
        }
    }

    @Test
    void theListenerHearsEachArtifactWithItsCategoryAndThePhasesInOrder() {
        Descriptor one = images.image(source.repository("app"), "1", List.of(images.randomBytes(300)));
        Recorder exportHeard = new Recorder();

        PipelineRun exported = client.beginCreateOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter",
                "a.tar", List.of("app:1", "app:missing")), null, exportHeard).await();

        assertThat(exported.status()).isEqualTo(RunStatus.CompletedWithErrors);
        assertThat(exported.response().errorCategory()).isEqualTo(ErrorCategory.NOT_FOUND);
        assertThat(exported.response().retryable()).isFalse();
        assertThat(exportHeard.phases).containsExactly(RunPhase.PLANNING, RunPhase.COPYING, RunPhase.DONE);
        assertThat(exportHeard.of("app:1")).extracting(ArtifactEvent::kind, ArtifactEvent::category)
                .containsExactly(tuple(ArtifactEvent.Kind.STARTED, null), tuple(ArtifactEvent.Kind.SUCCEEDED, null));
        assertThat(exportHeard.of("app:1").get(1).digest()).isEqualTo(one.digest());
        assertThat(exportHeard.of("app:missing")).extracting(ArtifactEvent::kind, ArtifactEvent::category)
                .containsExactly(tuple(ArtifactEvent.Kind.STARTED, null),
                        tuple(ArtifactEvent.Kind.FAILED, ErrorCategory.NOT_FOUND));
        assertThat(exportHeard.of("app:missing").get(1).result().retryable()).isFalse();
        try (TransferClient other = newClient()) {
            assertThat(other.getPipelineRun("export1")).as("as stored").isEqualTo(exported);
        }

        Recorder importHeard = new Recorder();
        PipelineRun imported = client.beginCreateOrUpdatePipelineRun("import1", PipelineRunRequest.importBlob(
                "importer", "a.tar"), null, importHeard).await();

        assertThat(imported.status()).isEqualTo(RunStatus.Succeeded);
        assertThat(imported.response().errorCategory()).isNull();
        assertThat(imported.response().retryable()).isFalse();
        assertThat(importHeard.phases).containsExactly(RunPhase.PLANNING, RunPhase.COPYING, RunPhase.TAGGING,
                RunPhase.DONE);
        assertThat(importHeard.events).extracting(ArtifactEvent::kind)
                .containsExactly(ArtifactEvent.Kind.STARTED, ArtifactEvent.Kind.SUCCEEDED);
        assertThat(importHeard.events).allSatisfy(e -> assertThat(e.digest()).isEqualTo(one.digest()));
        assertThat(target.repository("app").resolve("1").digest()).isEqualTo(one.digest());
    }

    @Test
    void aRunWhoseListenerThrowsOnEveryCallStillSucceeds() {
        Descriptor one = images.image(source.repository("app"), "1", List.of(images.randomBytes(3000)));
        images.image(source.repository("app"), "2", List.of(images.randomBytes(3000)));
        AtomicInteger calls = new AtomicInteger();
        ProgressListener throwing = new ProgressListener() {
            @Override
            public void onProgress(String runName, RunProgress progress) {
                calls.incrementAndGet();
                throw new IllegalStateException("listener broken on purpose");
            }

            @Override
            public void onArtifact(String runName, ArtifactEvent event) {
                calls.incrementAndGet();
                throw new IllegalStateException("listener broken on purpose");
            }

            @Override
            public void onPhase(String runName, RunPhase phase) {
                calls.incrementAndGet();
                throw new IllegalStateException("listener broken on purpose");
            }
        };

        PipelineRun exported = client.beginCreateOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter",
                "a.tar", List.of("app:1", "app:2")), null, throwing).await();
        PipelineRun imported = client.beginCreateOrUpdatePipelineRun("import1", PipelineRunRequest.importBlob(
                "importer", "a.tar"), null, throwing).await();

        assertThat(exported.status()).as(exported.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
        assertThat(imported.status()).as(imported.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
        assertThat(exported.response().progress().percentage()).isEqualTo(100);
        assertThat(calls.get()).as("the listener was called all along").isGreaterThan(10);
        assertThat(target.repository("app").resolve("1").digest()).isEqualTo(one.digest());
    }

    @Test
    void aRecordWrittenBeforeErrorCategoriesReadsWithNone() {
        String old = "{\"status\":\"Failed\",\"progress\":{\"bytesDone\":0,\"bytesTotal\":0,\"artifactsDone\":0,"
                + "\"artifactsTotal\":1,\"percentage\":0},\"startTime\":\"2026-01-02T03:04:05Z\","
                + "\"finishTime\":\"2026-01-02T03:04:06Z\",\"artifactResults\":[{\"artifact\":\"app:1\","
                + "\"status\":\"Skipped\",\"message\":\"not exported\"}],\"pipelineRunErrorMessage\":\"it failed\"}";

        PipelineRunResponse read = Json.read(old.getBytes(StandardCharsets.UTF_8), PipelineRunResponse.class);

        assertThat(read.status()).isEqualTo(RunStatus.Failed);
        assertThat(read.errorCategory()).isNull();
        assertThat(read.retryable()).isFalse();
        assertThat(read.pipelineRunErrorMessage()).isEqualTo("it failed");

        PipelineRunResponse now = read.toBuilder().errorCategory(ErrorCategory.UNAVAILABLE).build();
        String written = new String(Json.write(now), StandardCharsets.UTF_8);
        assertThat(written).contains("\"errorCategory\":\"UNAVAILABLE\"", "\"retryable\":true");
        assertThat(Json.read(Json.write(now), PipelineRunResponse.class)).isEqualTo(now);
        assertThat(now.toBuilder().build()).isEqualTo(now);
        assertThat(now).usingRecursiveComparison().ignoringFields("errorCategory").isEqualTo(read);
    }
}
