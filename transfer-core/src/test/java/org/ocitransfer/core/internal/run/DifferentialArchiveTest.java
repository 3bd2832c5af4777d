package org.ocitransfer.core.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.internal.archive.ArchiveHead;
import org.ocitransfer.core.internal.archive.ArchiveReader;
import org.ocitransfer.core.internal.archive.ArchiveSource;
import org.ocitransfer.core.internal.archive.ReaderLimits;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.TagListSupport;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;

/**
 * Differential archives end to end on local parts (OCI layouts and a local directory container): a differential
 * export holds only what its bases lack and records them; its import needs the bases' content in the target and
 * fails before any write without it; chains of bases; bad bases refused with clear errors.
 */
class DifferentialArchiveTest {

    @TempDir
    Path dir;
    private OciLayoutRegistry source;
    private Path container;
    private TransferClient client;
    private final TestImages images = new TestImages(16);
    private final List<Descriptor> pushed = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        source = OciLayoutRegistry.open(dir.resolve("source"));
        container = Files.createDirectories(dir.resolve("container"));
        client = new TransferClientBuilder().stateDirectory(dir.resolve("state")).buildClient();
        StorageContainer c = StorageContainer.of(container.toUri());
        client.createOrUpdateExportPipeline(new ExportPipeline("exporter", source.location(), c, Set.of()));
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private OciLayoutRegistry target(String name) {
        OciLayoutRegistry layout = OciLayoutRegistry.open(dir.resolve(name));
        client.createOrUpdateImportPipeline(new ImportPipeline("into" + name, layout.location(),
                StorageContainer.of(container.toUri()), Set.of()));
        return layout;
    }

    private PipelineRun export(String run, String blob, List<String> artifacts, List<String> bases) {
        return client.createOrUpdatePipelineRun(run, PipelineRunRequest.export("exporter", blob, artifacts)
                .withBaseBlobs(bases), null);
    }

    private PipelineRun importInto(String target, String run, String blob) {
        return client.createOrUpdatePipelineRun(run, PipelineRunRequest.importBlob("into" + target, blob), null);
    }

    private static void succeeded(PipelineRun run) {
        assertThat(run.status()).as(String.valueOf(run.response().pipelineRunErrorMessage()))
                .isEqualTo(RunStatus.Succeeded);
    }

    /** Every blob entry's digest in the archive, in order. */
    private List<String> blobEntries(String blob) throws IOException {
        List<String> digests = new ArrayList<>();
        try (InputStream in = Files.newInputStream(container.resolve(blob));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().startsWith("blobs/")) {
                    digests.add(e.getName().substring("blobs/".length()).replace('/', ':'));
                }
            }
        }
        return digests;
    }

    private String catalogJson(String blob) throws IOException {
        try (InputStream in = Files.newInputStream(container.resolve(blob));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().equals("catalog.json")) {
                    return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no catalog.json in " + blob);
    }

    /** Manifest, config and layers of an image just pushed: what a differential archive of it must hold. */
    private List<String> contentOf(Repository repo, Descriptor manifest) {
        List<String> digests = new ArrayList<>(List.of(manifest.digest()));
        byte[] bytes = repo.fetchManifest(manifest);
        org.ocitransfer.core.content.Manifests.Parsed parsed =
                org.ocitransfer.core.content.Manifests.parse(manifest, bytes);
        digests.add(parsed.config().digest());
        parsed.layers().forEach(l -> digests.add(l.digest()));
        return digests;
    }

    private static long fileCount(Path root) throws IOException {
        if (!Files.exists(root.resolve("blobs"))) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(root.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void aDifferentialArchiveHoldsOnlyWhatItsBaseLacksAndImportsOntoTheBasesImport() throws IOException {
        byte[] shared = images.randomBytes(4096);
        Repository app = source.repository("team/app");
        Descriptor v1 = images.image(app, "v1", List.of(shared, images.randomBytes(2000)));
        Descriptor old = images.image(source.repository("legacy"), "old", List.of(shared));
        PipelineRun full = export("fullrun", "full.tar", List.of("team/app:v1", "legacy:old"), List.of());
        succeeded(full);
        OciLayoutRegistry target = target("target");
        succeeded(importInto("target", "importfull", "full.tar"));

        // One new image sharing a layer with the set, and a new tag of an old image.
        byte[] fresh = images.randomBytes(3000);
        Descriptor v2 = images.image(app, "v2", List.of(shared, fresh));
        app.tag(v1, "stable");
        List<String> all = List.of("team/app:v1", "legacy:old", "team/app:v2", "team/app:stable");
        PipelineRun diff = export("diffrun", "diff.tar", all, List.of("full.tar"));
        succeeded(diff);

        List<String> newContent = contentOf(app, v2);
        newContent.remove(Descriptor.of("x", shared).digest());
        assertThat(blobEntries("diff.tar")).containsExactlyInAnyOrderElementsOf(newContent);
        assertThat(catalogJson("diff.tar")).contains("\"bases\":[{\"blob\":\"full.tar\",\"catalogDigest\":\""
                + full.response().catalogDigest() + "\"}]");
        assertThat(catalogJson("full.tar")).doesNotContain("bases");
        // index.json still names every requested artifact, so every tag travels.
        ArchiveReader reader = ArchiveReader.open(ArchiveSource.of(container.resolve("diff.tar")));
        assertThat(reader.index()).extracting(e -> e.refName()).containsExactly(all.toArray(String[]::new));
        assertThat(reader.leftOut()).containsKeys(v1.digest(), old.digest(), Descriptor.of("x", shared).digest());
        assertThat(reader.catalog().orElseThrow().bases()).extracting(b -> b.blob()).containsExactly("full.tar");

        PipelineRun imported = importInto("target", "importdiff", "diff.tar");
        succeeded(imported);
        assertThat(imported.response().catalogDigest()).isEqualTo(diff.response().catalogDigest());
        assertThat(target.repository("team/app").resolve("v1").digest()).isEqualTo(v1.digest());
        assertThat(target.repository("team/app").resolve("stable").digest()).isEqualTo(v1.digest());
        assertThat(target.repository("team/app").resolve("v2").digest()).isEqualTo(v2.digest());
        assertThat(target.repository("legacy").resolve("old").digest()).isEqualTo(old.digest());
        assertThat(target.repository("team/app").exists(Descriptor.of("x", fresh))).isTrue();
    }

    @Test
    void importingADifferentialArchiveWhereTheBaseWasNotImportedFailsBeforeAnyWriteNamingTheBase()
            throws IOException {
        byte[] shared = images.randomBytes(4096);
        Repository app = source.repository("team/app");
        images.image(app, "v1", List.of(shared));
        PipelineRun full = export("fullrun", "full.tar", List.of("team/app:v1"), List.of());
        succeeded(full);
        images.image(app, "v2", List.of(shared, images.randomBytes(100)));
        succeeded(export("diffrun", "diff.tar", List.of("team/app:v1", "team/app:v2"), List.of("full.tar")));

        OciLayoutRegistry empty = target("empty");
        PipelineRun refused = importInto("empty", "importdiff", "diff.tar");

        assertThat(refused.status()).isEqualTo(RunStatus.Failed);
        assertThat(refused.response().pipelineRunErrorMessage()).contains("differential", "full.tar",
                full.response().catalogDigest(), "Nothing was imported");
        assertThat(fileCount(dir.resolve("empty"))).as("no blob or manifest written").isZero();
        assertThat(((TagListSupport) empty.repository("team/app")).tags()).isEmpty();
    }

    @Test
    void aChainOfTwoBasesLeavesOutWhatEitherHoldsAndNamesBothWhenTheTargetLacksThem() throws IOException {
        byte[] shared = images.randomBytes(4096);
        Repository app = source.repository("team/app");
        images.image(app, "v1", List.of(shared));
        PipelineRun full = export("fullrun", "full.tar", List.of("team/app:v1"), List.of());
        Descriptor v2 = images.image(app, "v2", List.of(shared, images.randomBytes(500)));
        PipelineRun diff1 = export("diff1run", "diff1.tar", List.of("team/app:v2"), List.of("full.tar"));
        Descriptor v3 = images.image(app, "v3", List.of(shared, images.randomBytes(700)));
        PipelineRun diff2 = export("diff2run", "diff2.tar", List.of("team/app:v1", "team/app:v2", "team/app:v3"),
                List.of("full.tar", "diff1.tar"));
        succeeded(full);
        succeeded(diff1);
        succeeded(diff2);
        assertThat(blobEntries("diff2.tar")).containsExactlyInAnyOrderElementsOf(
                contentOf(app, v3).stream().filter(d -> !d.equals(Descriptor.of("x", shared).digest())).toList());
        assertThat(catalogJson("diff2.tar")).contains("\"bases\":[{\"blob\":\"full.tar\",\"catalogDigest\":\""
                + full.response().catalogDigest() + "\"},{\"blob\":\"diff1.tar\",\"catalogDigest\":\""
                + diff1.response().catalogDigest() + "\"}]");

        OciLayoutRegistry target = target("target");
        succeeded(importInto("target", "importfull", "full.tar"));
        PipelineRun tooEarly = importInto("target", "importdiff2early", "diff2.tar");
        assertThat(tooEarly.status()).isEqualTo(RunStatus.Failed);
        assertThat(tooEarly.response().pipelineRunErrorMessage()).contains("full.tar", "diff1.tar",
                diff1.response().catalogDigest());
        assertThat(((TagListSupport) target.repository("team/app")).tags()).containsExactly("v1");

        succeeded(importInto("target", "importdiff1", "diff1.tar"));
        succeeded(importInto("target", "importdiff2", "diff2.tar"));
        assertThat(target.repository("team/app").resolve("v2").digest()).isEqualTo(v2.digest());
        assertThat(target.repository("team/app").resolve("v3").digest()).isEqualTo(v3.digest());
    }

    @Test
    void theBaseCatalogIsReadByRangeAndMatchesTheRunsCatalogDigest() {
        images.image(source.repository("team/app"), "v1", List.of(images.randomBytes(300_000)));
        PipelineRun full = export("fullrun", "full.tar", List.of("team/app:v1"), List.of());
        succeeded(full);
        long[] read = {0};
        ArchiveSource file = ArchiveSource.of(container.resolve("full.tar"));
        ArchiveSource counting = new ArchiveSource() {
            @Override
            public long size() {
                return file.size();
            }

            @Override
            public InputStream open(long offset, long length) throws IOException {
                read[0] += length;
                return file.open(offset, length);
            }

            @Override
            public String describe() {
                return file.describe();
            }
        };
        ArchiveHead head = ArchiveHead.read(counting, ReaderLimits.DEFAULTS);
        assertThat(head.catalogDigest()).isEqualTo(full.response().catalogDigest());
        assertThat(head.heldDigests()).hasSize(3);
        assertThat(read[0]).as("bytes read of a %d-byte archive", file.size()).isLessThan(4096);
    }

    @Test
    void badBasesAreRefusedWithClearErrorsAndNothingIsWritten() throws IOException {
        images.image(source.repository("team/app"), "v1", List.of(images.randomBytes(100)));
        succeeded(export("fullrun", "full.tar", List.of("team/app:v1"), List.of()));
        Files.writeString(container.resolve("notes.txt"), "not an archive at all, just text".repeat(40));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.copy(container.resolve("full.tar"), elsewhere.resolve("full.tar"));

        PipelineRun missing = export("missingrun", "d1.tar", List.of("team/app:v1"), List.of("nothere.tar"));
        assertThat(missing.status()).isEqualTo(RunStatus.Failed);
        assertThat(missing.response().pipelineRunErrorMessage()).contains("Base archive nothere.tar",
                "does not exist");

        PipelineRun notArchive = export("notarchiverun", "d2.tar", List.of("team/app:v1"), List.of("notes.txt"));
        assertThat(notArchive.status()).isEqualTo(RunStatus.Failed);
        assertThat(notArchive.response().pipelineRunErrorMessage()).contains("Base archive notes.txt",
                "not a transfer archive");

        String other = elsewhere.resolve("full.tar").toUri().toString();
        PipelineRun otherContainer = export("otherrun", "d3.tar", List.of("team/app:v1"), List.of(other));
        assertThat(otherContainer.status()).isEqualTo(RunStatus.Failed);
        assertThat(otherContainer.response().pipelineRunErrorMessage()).contains(other,
                "not a blob of the export's container");

        PipelineRun itself = export("itselfrun", "full2.tar", List.of("team/app:v1"), List.of("full2.tar"));
        assertThat(itself.status()).isEqualTo(RunStatus.Failed);
        assertThat(itself.response().pipelineRunErrorMessage()).contains("cannot be its own base");

        assertThat(container.resolve("d1.tar")).doesNotExist();
        assertThat(container.resolve("d2.tar")).doesNotExist();
        assertThat(container.resolve("d3.tar")).doesNotExist();
    }
}
