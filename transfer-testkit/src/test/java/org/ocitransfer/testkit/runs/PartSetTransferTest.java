// Archives in parts on a local directory container between real Distribution registries: sizes, bytes, import,
// refusals of a missing or short part with the target untouched.
package org.ocitransfer.testkit.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertNoTag;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertSameGraph;
import static org.ocitransfer.testkit.assertions.RunAssertions.succeeded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.PartSet;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;
import org.ocitransfer.core.registry.http.RetryPolicy;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.random.Seeds;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;

/**
 * An export with a largest part size writes {@code NAME.001}, ... whose concatenation is, byte for byte, the archive
 * the same export writes as one blob (in parallel regions and as one stream alike); importing {@code NAME} reads the
 * set; a short or missing part is refused by name before anything reaches the target.
 */
class PartSetTransferTest {

    private static final long PART = 100_000;

    @TempDir
    Path dir;

    /** A client of its own state (so runs of one name can be compared across clients), on the shared container. */
    private TransferClient client(String state, int concurrency) {
        return new TransferClientBuilder().stateDirectory(dir.resolve(state)).concurrency(concurrency)
                .registryFactory(new HttpRegistryFactory(b -> b.retry(RetryPolicy.none()))).buildClient();
    }

    @Test
    void partsConcatenateToTheSingleArchiveImportAsOneAndAMissingOrShortPartIsRefusedByName() throws Exception {
        Path containerDir = Files.createDirectories(dir.resolve("container"));
        StorageContainer container = StorageContainer.of(containerDir.toUri());
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry c = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry source = HttpRegistry.builder().uri(a.url()).build();
             HttpRegistry imported = HttpRegistry.builder().uri(b.url()).build();
             HttpRegistry refused = HttpRegistry.builder().uri(c.url()).build();
             TransferClient single = client("single", 8);
             TransferClient parallel = client("parallel", 8);
             TransferClient sequential = client("sequential", 1);
             LocalDirectoryBlobStore store = LocalDirectoryBlobStore.open(containerDir)) {
            ContentGenerator gen = new ContentGenerator(Seeds.seed(16));
            // A 350 kB layer spans four parts; the index's images and small blobs share parts.
            GeneratedArtifact app = gen.image(350_000, 1_200, 90_000);
            app.pushTo(source.repository("team/app"), "1.0");
            GeneratedArtifact multi = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 40_000, 3_000);
            multi.pushTo(source.repository("lib/multi"), "2");
            List<String> artifacts = List.of("team/app:1.0", "lib/multi:2");

            // The same pipeline and run names in three states: only the part size differs, so the bytes must not.
            single.createOrUpdateExportPipeline(new ExportPipeline("exporter", a.url(), container, Set.of()));
            parallel.createOrUpdateExportPipeline(new ExportPipeline("exporter", a.url(), container, Set.of())
                    .withMaxPartSize(1L << 30));
            sequential.createOrUpdateExportPipeline(new ExportPipeline("exporter", a.url(), container, Set.of())
                    .withMaxPartSize(PART));
            PipelineRun whole = succeeded(single.createOrUpdatePipelineRun("export1",
                    PipelineRunRequest.export("exporter", "whole.tar", artifacts), null));
            // The run's part size overrides the pipeline's 1 GiB.
            PipelineRun inParts = succeeded(parallel.createOrUpdatePipelineRun("export1",
                    PipelineRunRequest.export("exporter", "parts.tar", artifacts).withMaxPartSize(PART), null));
            PipelineRun inOrder = succeeded(sequential.createOrUpdatePipelineRun("export1",
                    PipelineRunRequest.export("exporter", "ordered.tar", artifacts), null));

            long size = Files.size(containerDir.resolve("whole.tar"));
            int count = (int) ((size + PART - 1) / PART);
            assertThat(count).as("parts of a %d-byte archive", size).isGreaterThan(4);
            for (String name : List.of("parts.tar", "ordered.tar")) {
                for (int i = 1; i <= count; i++) {
                    Path part = containerDir.resolve(String.format("%s.%03d", name, i));
                    assertThat(Files.size(part)).as("size of %s", part.getFileName())
                            .isEqualTo(i < count ? PART : size - (count - 1) * PART);
                    BlobItem item = store.properties(part.getFileName().toString()).orElseThrow();
                    assertThat(item.metadata()).containsEntry(PartSet.PART_COUNT_KEY, Integer.toString(count))
                            .containsEntry(PartSet.PART_INDEX_KEY, Integer.toString(i))
                            .containsEntry("catalogdigest", whole.response().catalogDigest());
                }
                assertThat(containerDir.resolve(String.format("%s.%03d", name, count + 1))).doesNotExist();
                assertThat(containerDir.resolve(name)).doesNotExist();
                assertThat(sha256OfParts(containerDir, name, count)).as("sha256 of %s.0*, concatenated", name)
                        .isEqualTo(sha256(List.of(containerDir.resolve("whole.tar"))));
            }
            assertThat(inParts.response().catalogDigest()).isEqualTo(whole.response().catalogDigest());
            assertThat(inOrder.response().catalogDigest()).isEqualTo(whole.response().catalogDigest());

            // Import by the archive's name: the set is read as one archive.
            parallel.createOrUpdateImportPipeline(new ImportPipeline("importer", b.url(), container, Set.of()));
            PipelineRun importRun = succeeded(parallel.createOrUpdatePipelineRun("import1",
                    PipelineRunRequest.importBlob("importer", "parts.tar"), null));
            assertThat(importRun.response().catalogDigest()).isEqualTo(whole.response().catalogDigest());
            assertSameGraph(source.repository("team/app"), "1.0", imported.repository("team/app"), "1.0");
            assertSameGraph(source.repository("lib/multi"), "2", imported.repository("lib/multi"), "2");

            // A short part, then a missing one: refused naming it, nothing written to registry c.
            sequential.createOrUpdateImportPipeline(new ImportPipeline("importer", c.url(), container, Set.of()));
            BlobItem second = store.properties("ordered.tar.002").orElseThrow();
            byte[] shortened;
            try (InputStream in = store.read("ordered.tar.002", 0, PART - 512)) {
                shortened = in.readAllBytes();
            }
            try (BlobUpload upload = store.upload("ordered.tar.002", new UploadOptions(true, second.metadata(), -1))) {
                upload.output().write(shortened);
                upload.commit();
            }
            PipelineRun shortRun = failedImport(sequential, "import2", "ordered.tar");
            assertThat(shortRun.response().pipelineRunErrorMessage()).contains("'ordered.tar.002'")
                    .contains((PART - 512) + " bytes, not the " + PART);
            assertThat(shortRun.response().errorCategory()).isEqualTo(ErrorCategory.CORRUPT_CONTENT);
            assertThat(store.delete("ordered.tar.002")).isTrue();
            PipelineRun missingRun = failedImport(sequential, "import3", "ordered.tar");
            assertThat(missingRun.response().pipelineRunErrorMessage()).contains("'ordered.tar.002'")
                    .contains("is missing").contains("the set has " + count + " parts");
            assertThat(missingRun.response().errorCategory()).isEqualTo(ErrorCategory.NOT_FOUND);
            assertNoTag(refused.repository("team/app"), "1.0");
            assertNoTag(refused.repository("lib/multi"), "2");
            for (Descriptor blob : app.descriptors()) {
                assertThat(refused.repository("team/app").exists(blob)).as("%s in registry c", blob.digest()).isFalse();
            }
        }
    }

    @Test
    void anExportInPartsThatFailsMidWayLeavesNoPartBehind() throws Exception {
        Path containerDir = Files.createDirectories(dir.resolve("container"));
        Path layout = dir.resolve("layout");
        GeneratedArtifact image;
        try (OciLayoutRegistry source = OciLayoutRegistry.open(layout)) {
            image = new ContentGenerator(Seeds.seed(23)).image(300_000, 2_000);
            image.pushTo(source.repository("team/app"), "1.0");
        }
        // The large layer's bytes go bad in the source after it was pushed: the export finds out while writing.
        Descriptor layer = image.blobs().stream().filter(d -> d.size() == 300_000).findFirst().orElseThrow();
        Path layerFile = layout.resolve("blobs/sha256/" + layer.digest().substring("sha256:".length()));
        Files.write(layerFile, new byte[300_000]);
        try (TransferClient client = client("state", 8);
             LocalDirectoryBlobStore store = LocalDirectoryBlobStore.open(containerDir)) {
            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", "oci-layout:" + layout,
                    StorageContainer.of(containerDir.toUri()), Set.of()).withMaxPartSize(64L * 1024));
            PipelineRun run = client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter",
                    "parts.tar", List.of("team/app:1.0")), null);
            assertThat(run.status()).isEqualTo(RunStatus.Failed);
            assertThat(run.response().pipelineRunErrorMessage()).contains(layer.digest())
                    .contains("nothing was committed");
            assertThat(store.list()).as("blobs in the container").isEmpty();
            assertThat(PartSet.find(store, "parts.tar")).isEmpty();
        }
    }

    /** An import run that fails, with nothing imported. */
    private static PipelineRun failedImport(TransferClient client, String run, String blob) {
        PipelineRun r = client.createOrUpdatePipelineRun(run, PipelineRunRequest.importBlob("importer", blob), null);
        assertThat(r.status()).as("import of %s", blob).isEqualTo(RunStatus.Failed);
        assertThat(r.response().importedArtifacts()).isEmpty();
        return r;
    }

    private static String sha256OfParts(Path container, String name, int count) throws IOException {
        List<Path> parts = new java.util.ArrayList<>();
        for (int i = 1; i <= count; i++) {
            parts.add(container.resolve(String.format("%s.%03d", name, i)));
        }
        return sha256(parts);
    }

    private static String sha256(List<Path> files) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                try (InputStream in = Files.newInputStream(file);
                     OutputStream out = new java.security.DigestOutputStream(OutputStream.nullOutputStream(),
                             digest)) {
                    in.transferTo(out);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
