package org.ocitransfer.core.internal.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.ResourceNotFoundException;
import org.ocitransfer.api.RunProgress;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.memory.MemoryRegistry;
import org.ocitransfer.core.testing.DeadOwner;

/**
 * Export and import runs end to end on local parts: an OCI layout directory, an archive in a local directory
 * container, a second layout directory; and the options' semantics.
 */
class TransferRunTest extends LocalPipelines {

    private final TestImages images = new TestImages(42);

    private List<String> tarEntries(Path archive) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }

    @Test
    void roundTripsImagesIndexAndArtifactSharingLayersEachBlobOnce() throws IOException {
        byte[] base = images.randomBytes(4096);
        Repository app = source.repository("team/app");
        Descriptor v1 = images.image(app, "v1", List.of(base, images.randomBytes(1000)));
        Descriptor v2 = images.image(app, "v2", List.of(base, images.randomBytes(1000)));
        Descriptor docker = images.image(source.repository("legacy"), "old", List.of(base), MediaTypes.DOCKER_MANIFEST);
        Descriptor multi = images.index(source.repository("a/b/c/multi"), "latest", base);
        Descriptor sbom = images.artifact(source.repository("team/app"), "sbom", "application/spdx+json",
                images.randomBytes(500), null);
        pipelines(Set.of(), Set.of());
        List<RunProgress> seen = new CopyOnWriteArrayList<>();
        PipelineRun exported = client.beginCreateOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter",
                        "bundle.tar", List.of("team/app:v1", "team/app:v2", "legacy:old", "a/b/c/multi",
                                "team/app@" + sbom.digest())), null, (run, p) -> seen.add(p)).await();

        assertThat(exported.status()).as(String.valueOf(exported.response().pipelineRunErrorMessage()))
                .isEqualTo(RunStatus.Succeeded);
        assertThat(exported.response().catalogDigest()).startsWith("sha256:");
        assertThat(exported.response().target().uri()).endsWith("/bundle.tar");
        assertThat(exported.response().progress().percentage()).isEqualTo(100);
        assertThat(seen).isNotEmpty();
        Path archive = container.resolve("bundle.tar");
        List<String> entries = tarEntries(archive);
        assertThat(entries.subList(0, 3)).containsExactly("oci-layout", "index.json", "catalog.json");
        List<String> blobs = entries.subList(3, entries.size());
        assertThat(blobs).doesNotHaveDuplicates().allMatch(n -> n.startsWith("blobs/sha256/"));
        assertThat(blobs).contains("blobs/sha256/" + Descriptor.of(MediaTypes.OCI_LAYER_GZIP, base).parsedDigest().hex());

        PipelineRun imported = importBlob("import1", "bundle.tar");
        assertThat(imported.status()).as(String.valueOf(imported.response().pipelineRunErrorMessage()))
                .isEqualTo(RunStatus.Succeeded);
        assertThat(imported.response().catalogDigest()).isEqualTo(exported.response().catalogDigest());
        assertThat(imported.response().importedArtifacts()).contains("team/app:v1", "team/app:v2", "legacy:old",
                "a/b/c/multi:latest", "team/app@" + sbom.digest());
        assertThat(target.repository("team/app").resolve("v1").digest()).isEqualTo(v1.digest());
        assertThat(target.repository("team/app").resolve("v2").digest()).isEqualTo(v2.digest());
        assertThat(target.repository("legacy").resolve("old")).isEqualTo(docker);
        assertThat(target.repository("a/b/c/multi").resolve("latest")).isEqualTo(multi);
        assertThat(target.repository("team/app").exists(sbom)).isTrue();
        // Every blob of the source arrived, byte for byte.
        try (var files = Files.list(source.root().resolve("blobs/sha256"))) {
            for (Path f : files.toList()) {
                assertThat(target.root().resolve("blobs/sha256").resolve(f.getFileName())).hasSameBinaryContentAs(f);
            }
        }
    }

    @Test
    void identicalResubmissionDoesNotRunAgainButANewForceUpdateTagDoes() throws IOException {
        images.image(source.repository("app"), "1", List.of(images.randomBytes(100)));
        pipelines(Set.of(PipelineOption.OverwriteBlobs), Set.of());
        PipelineRunRequest request = PipelineRunRequest.export("exporter", "a.tar", List.of("app:1"));
        PipelineRun first = client.createOrUpdatePipelineRun("runone", request, "t1");
        Files.delete(container.resolve("a.tar"));

        PipelineRun again = client.createOrUpdatePipelineRun("runone", request, "t1");
        assertThat(again).isEqualTo(first);
        assertThat(container.resolve("a.tar")).doesNotExist();

        PipelineRun forced = client.createOrUpdatePipelineRun("runone", request, "t2");
        assertThat(forced.status()).isEqualTo(RunStatus.Succeeded);
        assertThat(forced.response().startTime()).isAfter(first.response().startTime());
        assertThat(container.resolve("a.tar")).exists();

        PipelineRun changed = client.createOrUpdatePipelineRun("runone",
                PipelineRunRequest.export("exporter", "b.tar", List.of("app:1")), "t2");
        assertThat(changed.status()).isEqualTo(RunStatus.Succeeded);
        assertThat(container.resolve("b.tar")).exists();
    }

    @Test
    void moreThanTheArtifactLimitIsRefusedBeforeAnythingMoves() {
        pipelines(Set.of(), Set.of());
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            many.add("app:t" + i);
        }
        assertThatThrownBy(() -> export("toomany", "x.tar", many)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names 51 artifacts; a run takes at most 50");
        assertThatThrownBy(() -> client.getPipelineRun("toomany")).isInstanceOf(ResourceNotFoundException.class);
        assertThat(container.resolve("x.tar")).doesNotExist();

        try (TransferClient wide = new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                .maxArtifactsPerRun(60).buildClient()) {
            PipelineRun run = wide.createOrUpdatePipelineRun("toomany", PipelineRunRequest.export("exporter", "x.tar",
                    many), null);
            assertThat(run.status()).isEqualTo(RunStatus.Failed);
            assertThat(run.response().pipelineRunErrorMessage()).contains("app:t0").contains("(source)");
        }
    }

    @Test
    void withoutOverwriteBlobsAnExistingBlobFailsTheRunAndIsUntouched() throws IOException {
        images.image(source.repository("app"), "1", List.of(images.randomBytes(100)));
        pipelines(Set.of(), Set.of());
        Files.createDirectories(container);
        Files.writeString(container.resolve("taken.tar"), "precious");

        PipelineRun run = export("export1", "taken.tar", List.of("app:1"));
        assertThat(run.status()).isEqualTo(RunStatus.Failed);
        assertThat(run.response().pipelineRunErrorMessage()).contains("taken.tar").contains("already exists")
                .contains("OverwriteBlobs");
        assertThat(container.resolve("taken.tar")).hasContent("precious");

        pipelines(Set.of(PipelineOption.OverwriteBlobs), Set.of());
        assertThat(export("export2", "taken.tar", List.of("app:1")).status()).isEqualTo(RunStatus.Succeeded);
        assertThat(Files.size(container.resolve("taken.tar"))).isGreaterThan(1024);
    }

    @Test
    void continueOnErrorsExportsTheOthersAndListsTheFailure() {
        Descriptor one = images.image(source.repository("app"), "1", List.of(images.randomBytes(100)));
        pipelines(Set.of(), Set.of());
        PipelineRun stopped = export("export1", "a.tar", List.of("app:1", "app:missing"));
        assertThat(stopped.status()).isEqualTo(RunStatus.Failed);
        assertThat(stopped.response().pipelineRunErrorMessage()).contains("app:missing").contains("ContinueOnErrors");
        assertThat(container.resolve("a.tar")).doesNotExist();

        pipelines(Set.of(PipelineOption.ContinueOnErrors), Set.of());
        PipelineRun partial = export("export2", "a.tar", List.of("app:1", "app:missing"));
        assertThat(partial.status()).isEqualTo(RunStatus.CompletedWithErrors);
        assertThat(partial.response().artifactResults()).extracting(ArtifactResult::artifact, ArtifactResult::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("app:1", ArtifactResult.Status.Succeeded),
                        org.assertj.core.groups.Tuple.tuple("app:missing", ArtifactResult.Status.Failed));
        assertThat(partial.response().pipelineRunErrorMessage()).contains("app:missing");
        assertThat(importBlob("import1", "a.tar").status()).isEqualTo(RunStatus.Succeeded);
        assertThat(target.repository("app").resolve("1")).isEqualTo(one);
    }

    @Test
    void withoutOverwriteTagsAnExistingTagIsLeftAloneAndReported() {
        Descriptor wanted = images.image(source.repository("app"), "1", List.of(images.randomBytes(100)));
        Descriptor other = images.image(target.repository("app"), "1", List.of(images.randomBytes(100)));
        pipelines(Set.of(), Set.of());
        export("export1", "a.tar", List.of("app:1"));

        PipelineRun kept = importBlob("import1", "a.tar");
        assertThat(kept.status()).isEqualTo(RunStatus.Succeeded);
        assertThat(kept.response().artifactResults().get(0).status()).isEqualTo(ArtifactResult.Status.TagKept);
        assertThat(kept.response().artifactResults().get(0).message()).contains("already points at " + other.digest())
                .contains("OverwriteTags");
        assertThat(target.repository("app").resolve("1")).isEqualTo(other);
        assertThat(target.repository("app").exists(wanted)).isTrue();

        pipelines(Set.of(), Set.of(PipelineOption.OverwriteTags));
        PipelineRun moved = importBlob("import2", "a.tar");
        assertThat(moved.response().artifactResults().get(0).status()).isEqualTo(ArtifactResult.Status.Succeeded);
        assertThat(target.repository("app").resolve("1")).isEqualTo(wanted);
    }

    @Test
    void deleteSourceBlobOnSuccessDeletesOnlyAfterAWhollySuccessfulImport() throws IOException {
        images.image(source.repository("app"), "1", List.of(images.randomBytes(100)));
        pipelines(Set.of(), Set.of(PipelineOption.DeleteSourceBlobOnSuccess));
        export("export1", "a.tar", List.of("app:1"));
        Files.copy(container.resolve("a.tar"), container.resolve("bad.tar"));
        corruptLastBlob(container.resolve("bad.tar"));

        PipelineRun failed = importBlob("import1", "bad.tar");
        assertThat(failed.status()).isEqualTo(RunStatus.Failed);
        assertThat(container.resolve("bad.tar")).exists();

        assertThat(importBlob("import2", "a.tar").status()).isEqualTo(RunStatus.Succeeded);
        assertThat(container.resolve("a.tar")).doesNotExist();
    }

    @Test
    void aCorruptArchiveFailsTheImportAndTagsNothing() throws IOException {
        images.image(source.repository("app"), "1", List.of(images.randomBytes(5000)));
        pipelines(Set.of(), Set.of());
        export("export1", "a.tar", List.of("app:1"));
        corruptLastBlob(container.resolve("a.tar"));

        PipelineRun run = importBlob("import1", "a.tar");
        assertThat(run.status()).isEqualTo(RunStatus.Failed);
        assertThat(run.response().pipelineRunErrorMessage()).contains("sha256:").containsIgnoringCase("digest");
        assertThat(((org.ocitransfer.core.registry.TagListSupport) target.repository("app")).tags()).isEmpty();
        assertThat(target.references()).isEmpty();
    }

    @Test
    void aMissingArchiveBlobFailsWithItsName() {
        pipelines(Set.of(), Set.of());
        PipelineRun run = importBlob("import1", "nothere.tar");
        assertThat(run.status()).isEqualTo(RunStatus.Failed);
        assertThat(run.response().pipelineRunErrorMessage()).contains("'nothere.tar' does not exist");
    }

    @Test
    void recordsSurviveARestartAndAnInterruptedRunIsReportedFailed() throws Exception {
        images.image(source.repository("app"), "1", List.of(images.randomBytes(100)));
        pipelines(Set.of(), Set.of());
        PipelineRun done = export("export1", "a.tar", List.of("app:1"));
        client.close();

        // A run left Running by a process that is gone (a real, finished process's pid).
        Path record = dir.resolve("state/pipelineRuns/export1.json");
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(record.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("run")).put("name", "crashed1");
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("run").get("response")).put("status", "Running")
                .remove("finishTime");
        json.put("owner", DeadOwner.create());
        Files.write(dir.resolve("state/pipelineRuns/crashed1.json"), json.toString().getBytes());

        client = newClient();
        assertThat(client.getExportPipeline("exporter").provisioningState()).isNotNull();
        assertThat(client.getPipelineRun("export1")).isEqualTo(done);
        PipelineRun crashed = client.getPipelineRun("crashed1");
        assertThat(crashed.status()).isEqualTo(RunStatus.Failed);
        assertThat(crashed.response().pipelineRunErrorMessage()).contains("interrupted");
        assertThat(client.listPipelineRuns()).extracting(PipelineRun::name).contains("export1", "crashed1");
    }

    @Test
    void includeReferrersCarriesSignaturesAndSbomsToTheTarget() {
        MemoryRegistry from = new MemoryRegistry("from");
        MemoryRegistry to = new MemoryRegistry("to");
        Repository repo = from.repository("app");
        Descriptor subject = images.image(repo, "1", List.of(images.randomBytes(100)));
        Descriptor signature = images.artifact(repo, null, "application/vnd.example.signature",
                images.randomBytes(64), subject);
        Descriptor sbom = images.artifact(repo, null, "application/spdx+json", images.randomBytes(64), subject);
        try (TransferClient memoryClient = new TransferClientBuilder().stateDirectory(dir.resolve("state2"))
                .registry("memory:from", from).registry("memory:to", to).buildClient()) {
            StorageContainer c = StorageContainer.of(container.toUri());
            memoryClient.createOrUpdateExportPipeline(new ExportPipeline("exporter", "memory:from", c,
                    EnumSet.of(PipelineOption.IncludeReferrers)));
            memoryClient.createOrUpdateImportPipeline(new ImportPipeline("importer", "memory:to", c, Set.of()));
            assertThat(memoryClient.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter", "r.tar",
                    List.of("app:1")), null).status()).isEqualTo(RunStatus.Succeeded);
            PipelineRun imported = memoryClient.createOrUpdatePipelineRun("import1",
                    PipelineRunRequest.importBlob("importer", "r.tar"), null);
            assertThat(imported.status()).isEqualTo(RunStatus.Succeeded);
        }
        Repository landed = to.repository("app");
        assertThat(landed.resolve("1")).isEqualTo(subject);
        assertThat(((org.ocitransfer.core.registry.ReferrersSupport) landed).referrers(subject))
                .extracting(Descriptor::digest).containsExactlyInAnyOrder(signature.digest(), sbom.digest());
    }

    @Test
    void unknownPipelinesAndBadRegistriesGetClearErrors() {
        assertThatThrownBy(() -> export("export1", "a.tar", List.of("app:1")))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("Export pipeline 'exporter'");
        assertThatThrownBy(() -> client.createOrUpdateExportPipeline(new ExportPipeline("exporter", "ftp://x",
                StorageContainer.of(container.toUri()), Set.of())))
                .hasMessageContaining("No registry client opens 'ftp://x'");
        assertThatThrownBy(() -> client.createOrUpdateExportPipeline(new ExportPipeline("exporter",
                source.location(), StorageContainer.of(URI.create("s3://bucket/x")), Set.of())))
                .hasMessageContaining("No storage client opens container 's3://bucket/x'");
    }

    @Test
    void aMissingLocalContainerIsRefusedAtPipelineCreateAndAtRunTimeAndNeverCreated() throws IOException {
        Path missing = dir.resolve("no/such/dir");
        assertThatThrownBy(() -> client.createOrUpdateExportPipeline(new ExportPipeline("exporter",
                source.location(), StorageContainer.of(missing.toUri()), Set.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist; create it first");
        assertThat(client.listExportPipelines()).isEmpty();

        // A container removed after its pipeline was created fails the run, naming it, and is not made again.
        Path removable = Files.createDirectories(dir.resolve("removable"));
        client.createOrUpdateExportPipeline(new ExportPipeline("exporter", source.location(),
                StorageContainer.of(removable.toUri()), Set.of()));
        Files.delete(removable);
        PipelineRun run = export("export1", "a.tar", List.of("app:1"));
        assertThat(run.status()).isEqualTo(RunStatus.Failed);
        assertThat(run.response().pipelineRunErrorMessage()).contains(removable.toString())
                .contains("does not exist; create it first");
        assertThat(removable).doesNotExist();
        assertThat(dir.resolve("no")).doesNotExist();
    }

    /** Flips a byte inside the last blob's data (the archive ends with two zero records after it). */
    static void corruptLastBlob(Path archive) throws IOException {
        long dataEnd = 0;
        try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            long lastSize = 0;
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                lastSize = e.getSize();
            }
            dataEnd = lastSize;
        }
        byte[] bytes = Files.readAllBytes(archive);
        int padding = (int) ((512 - dataEnd % 512) % 512);
        int position = bytes.length - 1024 - padding - 1;
        bytes[position] ^= 0x5a;
        Files.write(archive, bytes);
    }
}
