package org.ocitransfer.core.internal.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.ProvisioningState;
import org.ocitransfer.api.RunProgress;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.memory.MemoryRegistry;

/**
 * How a run reports itself once it has ended: a failed run is Failed in every field (status and provisioningState),
 * its progress shows what moved, every artifact it was given has an outcome (Failed, Skipped or Succeeded) with or
 * without ContinueOnErrors, and the artifact counts follow one rule: an artifact is an entry of artifactResults.
 */
class RunReportTest extends LocalPipelines {

    private final TestImages images = new TestImages(17);

    @Test
    void aFailedExportIsFailedInEveryFieldAndListsEachArtifactsOutcome() {
        Descriptor one = images.image(source.repository("app"), "1", List.of(images.randomBytes(300)));
        Descriptor two = images.image(source.repository("app"), "2", List.of(images.randomBytes(300)));
        pipelines(Set.of(), Set.of());

        PipelineRun run = client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter", "a.tar",
                List.of("app:1", "app:missing", "app:2")), null);

        assertThat(run.status()).isEqualTo(RunStatus.Failed);
        assertThat(run.provisioningState()).isEqualTo(ProvisioningState.Failed);
        RunProgress progress = run.response().progress();
        assertThat(progress.percentage()).as("nothing moved: %s", progress).isZero();
        assertThat(progress.artifactsDone()).isZero();
        assertThat(progress.artifactsTotal()).isEqualTo(3);
        assertThat(run.response().artifactResults())
                .extracting(ArtifactResult::artifact, ArtifactResult::digest, ArtifactResult::status)
                .containsExactly(tuple("app:1", one.digest(), ArtifactResult.Status.Skipped),
                        tuple("app:missing", null, ArtifactResult.Status.Failed),
                        tuple("app:2", two.digest(), ArtifactResult.Status.Skipped));
        assertThat(run.response().artifactResults()).allSatisfy(r -> assertThat(r.message()).isNotBlank());
        assertThat(run.response().artifactResults().get(0).message()).contains("app:missing");
        assertThat(container.resolve("a.tar")).doesNotExist();
        // As stored: another client reads the same.
        try (TransferClient other = newClient()) {
            assertThat(other.getPipelineRun("export1")).isEqualTo(run);
        }
    }

    @Test
    void anExportThatCannotStartSkipsEveryArtifact() {
        images.image(source.repository("app"), "1", List.of(images.randomBytes(300)));
        pipelines(Set.of(), Set.of());
        assertThat(client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter", "a.tar",
                List.of("app:1")), null).status()).isEqualTo(RunStatus.Succeeded);

        PipelineRun run = client.createOrUpdatePipelineRun("export2", PipelineRunRequest.export("exporter", "a.tar",
                List.of("app:1")), null);

        assertThat(run.status()).isEqualTo(RunStatus.Failed);
        assertThat(run.provisioningState()).isEqualTo(ProvisioningState.Failed);
        assertThat(run.response().progress().percentage()).isZero();
        assertThat(run.response().artifactResults()).singleElement().satisfies(r -> {
            assertThat(r.artifact()).isEqualTo("app:1");
            assertThat(r.status()).isEqualTo(ArtifactResult.Status.Skipped);
            assertThat(r.message()).contains("a.tar");
        });
    }

    @Test
    void aFailedImportListsEachArtifactsOutcome() throws IOException {
        images.image(source.repository("app"), "1", List.of(images.randomBytes(300)));
        images.image(source.repository("app"), "2", List.of(images.randomBytes(300)));
        Descriptor three = images.image(source.repository("app"), "3", List.of(images.randomBytes(5000)));
        pipelines(Set.of(), Set.of());
        assertThat(client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter", "a.tar",
                List.of("app:1", "app:2", "app:3")), null).status()).isEqualTo(RunStatus.Succeeded);
        TransferRunTest.corruptLastBlob(container.resolve("a.tar")); // app:3's layer

        PipelineRun run = client.createOrUpdatePipelineRun("import1", PipelineRunRequest.importBlob("importer",
                "a.tar"), null);

        assertThat(run.status()).isEqualTo(RunStatus.Failed);
        assertThat(run.provisioningState()).isEqualTo(ProvisioningState.Failed);
        assertThat(run.response().progress().percentage()).isLessThan(100);
        assertThat(run.response().progress().artifactsDone()).isZero();
        assertThat(run.response().progress().artifactsTotal()).isEqualTo(3);
        assertThat(run.response().artifactResults()).extracting(ArtifactResult::artifact, ArtifactResult::status)
                .containsExactly(tuple("app:1", ArtifactResult.Status.Skipped),
                        tuple("app:2", ArtifactResult.Status.Skipped),
                        tuple("app:3", ArtifactResult.Status.Failed));
        assertThat(run.response().artifactResults().get(2).digest()).isEqualTo(three.digest());
        assertThat(run.response().artifactResults().get(2).message()).containsIgnoringCase("digest");
        assertThat(run.response().artifactResults().get(0).message()).contains("app:3");
        assertThat(((org.ocitransfer.core.registry.TagListSupport) target.repository("app")).tags()).isEmpty();
    }

    @Test
    void withIncludeReferrersTheArtifactCountsFollowTheArtifactResults() {
        MemoryRegistry from = new MemoryRegistry("from");
        MemoryRegistry to = new MemoryRegistry("to");
        Repository repo = from.repository("app");
        Descriptor subject = images.image(repo, "1", List.of(images.randomBytes(100)));
        images.artifact(repo, null, "application/vnd.example.signature", images.randomBytes(64), subject);
        images.artifact(repo, null, "application/spdx+json", images.randomBytes(64), subject);
        List<RunProgress> exportSeen = new CopyOnWriteArrayList<>();
        List<RunProgress> importSeen = new CopyOnWriteArrayList<>();
        try (TransferClient memoryClient = new TransferClientBuilder().stateDirectory(dir.resolve("state2"))
                .registry("memory:from", from).registry("memory:to", to).buildClient()) {
            StorageContainer c = StorageContainer.of(container.toUri());
            memoryClient.createOrUpdateExportPipeline(new ExportPipeline("exporter", "memory:from", c,
                    EnumSet.of(PipelineOption.IncludeReferrers)));
            memoryClient.createOrUpdateImportPipeline(new ImportPipeline("importer", "memory:to", c, Set.of()));
            PipelineRun exported = memoryClient.beginCreateOrUpdatePipelineRun("export1",
                    PipelineRunRequest.export("exporter", "r.tar", List.of("app:1")), null,
                    (name, p) -> exportSeen.add(p)).await();
            PipelineRun imported = memoryClient.beginCreateOrUpdatePipelineRun("import1",
                    PipelineRunRequest.importBlob("importer", "r.tar"), null, (name, p) -> importSeen.add(p)).await();

            assertThat(exported.status()).isEqualTo(RunStatus.Succeeded);
            assertThat(exported.provisioningState()).isEqualTo(ProvisioningState.Succeeded);
            // Export: the artifacts are the ones requested; their referrers travel with them.
            assertThat(exported.response().artifactResults()).hasSize(1);
            assertThat(exported.response().progress()).satisfies(p -> {
                assertThat(p.artifactsDone()).isEqualTo(1);
                assertThat(p.artifactsTotal()).isEqualTo(1);
            });
            assertThat(exportSeen).allSatisfy(p -> assertThat(p.artifactsDone()).isLessThanOrEqualTo(
                    p.artifactsTotal()));
            // Import: the artifacts are the archive's entries (subject and both referrers), each with a result.
            assertThat(imported.status()).isEqualTo(RunStatus.Succeeded);
            assertThat(imported.response().artifactResults()).hasSize(3);
            assertThat(imported.response().progress()).satisfies(p -> {
                assertThat(p.artifactsDone()).isEqualTo(3);
                assertThat(p.artifactsTotal()).isEqualTo(3);
            });
            assertThat(importSeen).allSatisfy(p -> assertThat(p.artifactsDone()).isLessThanOrEqualTo(
                    p.artifactsTotal()));
        }
    }
}
