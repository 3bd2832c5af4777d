// Parallel export and import give the same archive and the same target content as the sequential paths.
package org.ocitransfer.core.internal.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.internal.archive.ArchiveReader;
import org.ocitransfer.core.internal.archive.ArchiveSource;
import org.ocitransfer.core.blob.BlobClaim;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreFactory;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.RegionUploadSupport;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.TagListSupport;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.secret.SecretStore;

/**
 * The parallel paths against the sequential ones, on local parts: an export written as parallel regions is the same
 * archive (same catalogDigest, same bytes) as one written as a single stream, by a store that cannot write regions
 * or at concurrency 1; a failing region aborts the whole upload; a parallel import leaves the same content and tags
 * as a sequential one, and keeps the options' guarantees.
 */
class ParallelTransferTest {

    @TempDir
    Path dir;
    private final TestImages images = new TestImages(7);

    /** Three images sharing a base layer, in three repositories, plus an index over two more images. */
    private List<String> sourceArtifacts(OciLayoutRegistry source) {
        byte[] base = images.randomBytes(600_000);
        List<String> artifacts = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            images.image(source.repository("team/app" + i), "v1", List.of(base, images.randomBytes(150_000 * i),
                    images.randomBytes(2_000)));
            artifacts.add("team/app" + i + ":v1");
        }
        images.index(source.repository("team/multi"), "latest", base);
        artifacts.add("team/multi:latest");
        return artifacts;
    }

    private TransferClient client(String state, int concurrency, BlobStoreFactory... factories) {
        TransferClientBuilder builder = new TransferClientBuilder().stateDirectory(dir.resolve(state))
                .concurrency(concurrency);
        for (BlobStoreFactory f : factories) {
            builder.blobStoreFactory(f);
        }
        return builder.buildClient();
    }

    private static PipelineRun export(TransferClient client, OciLayoutRegistry source, Path container,
                                      List<String> artifacts, Set<PipelineOption> options) {
        try {
            Files.createDirectories(container); // a container is not created by writing to it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client.createOrUpdateExportPipeline(new ExportPipeline("exporter", source.location(),
                StorageContainer.of(container.toUri()), options));
        return client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter", "bundle.tar",
                artifacts), null);
    }

    private static PipelineRun importInto(TransferClient client, OciLayoutRegistry target, Path container,
                                          Set<PipelineOption> options) {
        client.createOrUpdateImportPipeline(new ImportPipeline("importer", target.location(),
                StorageContainer.of(container.toUri()), options));
        return client.createOrUpdatePipelineRun("import1", PipelineRunRequest.importBlob("importer", "bundle.tar"),
                null);
    }

    private static void assertSucceeded(PipelineRun run) {
        assertThat(run.status()).as(String.valueOf(run.response().pipelineRunErrorMessage()))
                .isEqualTo(RunStatus.Succeeded);
    }

    @Test
    void parallelRegionsSequentialStreamAndAStoreWithoutRegionsWriteTheSameArchive() throws IOException {
        OciLayoutRegistry source = OciLayoutRegistry.open(dir.resolve("source"));
        List<String> artifacts = sourceArtifacts(source);
        Path parallel = dir.resolve("parallel");
        Path sequential = dir.resolve("sequential");
        Path streamOnly = dir.resolve("streamonly");

        PipelineRun p;
        try (TransferClient c = client("state-p", 8)) {
            p = export(c, source, parallel, artifacts, Set.of());
        }
        PipelineRun s;
        try (TransferClient c = client("state-s", 1)) {
            s = export(c, source, sequential, artifacts, Set.of());
        }
        PipelineRun o;
        try (TransferClient c = client("state-o", 8, new StreamOnlyFactory())) {
            o = export(c, source, streamOnly, artifacts, Set.of());
        }
        assertSucceeded(p);
        assertSucceeded(s);
        assertSucceeded(o);
        assertThat(p.response().catalogDigest()).startsWith("sha256:")
                .isEqualTo(s.response().catalogDigest()).isEqualTo(o.response().catalogDigest());
        byte[] bytes = Files.readAllBytes(parallel.resolve("bundle.tar"));
        assertThat(Files.readAllBytes(sequential.resolve("bundle.tar"))).isEqualTo(bytes);
        assertThat(Files.readAllBytes(streamOnly.resolve("bundle.tar"))).isEqualTo(bytes);
        assertThat(p.response().progress().bytesDone()).isEqualTo(bytes.length);
        assertThat(p.response().progress().percentage()).isEqualTo(100);
        assertThat(LocalDirectoryBlobStore.open(parallel).properties("bundle.tar").orElseThrow().metadata())
                .containsEntry(ExportRunner.CATALOG_DIGEST_KEY, p.response().catalogDigest())
                .containsEntry(ExportRunner.CATEGORY_KEY, ExportRunner.CATEGORY_VALUE);
        assertThat(parallel.resolve(".uploads")).isEmptyDirectory();
    }

    @Test
    void aFailingRegionAbortsTheWholeUploadAndNamesTheBlobTheArtifactAndTheSide() throws IOException {
        OciLayoutRegistry source = OciLayoutRegistry.open(dir.resolve("source"));
        List<String> artifacts = sourceArtifacts(source);
        // Corrupt app2's own large layer in the source: its region fails while the others are being copied.
        Descriptor manifest = source.repository("team/app2").resolve("v1");
        String layer = new String(source.repository("team/app2").fetchManifest(manifest))
                .replaceAll("(?s).*\"digest\":\"(sha256:[0-9a-f]{64})\",\"size\":300000.*", "$1");
        assertThat(layer).startsWith("sha256:").hasSize(71);
        flipByte(source.root().resolve("blobs/sha256/" + layer.substring(7)), 123_456);
        Path container = dir.resolve("container");

        PipelineRun run;
        try (TransferClient c = client("state", 8)) {
            run = export(c, source, container, artifacts, Set.of());
        }
        assertThat(run.status()).isEqualTo(RunStatus.Failed);
        assertThat(run.response().pipelineRunErrorMessage()).contains("blob " + layer)
                .contains("artifact team/app2:v1").contains("(source)").contains("does not match")
                .contains("nothing was committed");
        assertThat(container.resolve("bundle.tar")).doesNotExist();
        assertThat(LocalDirectoryBlobStore.open(container).list()).isEmpty();
        assertThat(container.resolve(".uploads")).isEmptyDirectory();
    }

    @Test
    void aParallelImportLeavesTheSameContentAndTagsAsASequentialOne() throws IOException {
        OciLayoutRegistry source = OciLayoutRegistry.open(dir.resolve("source"));
        List<String> artifacts = sourceArtifacts(source);
        Path container = dir.resolve("container");
        OciLayoutRegistry parallel = OciLayoutRegistry.open(dir.resolve("target-p"));
        OciLayoutRegistry sequential = OciLayoutRegistry.open(dir.resolve("target-s"));
        try (TransferClient c = client("state", 8)) {
            assertSucceeded(export(c, source, container, artifacts, Set.of()));
            PipelineRun p = importInto(c, parallel, container, Set.of());
            assertSucceeded(p);
            assertThat(p.response().importedArtifacts()).containsExactlyInAnyOrderElementsOf(artifacts);
            assertThat(p.response().progress().percentage()).isEqualTo(100);
        }
        try (TransferClient c = client("state-s", 1)) {
            assertSucceeded(importInto(c, sequential, container, Set.of()));
        }
        for (String artifact : artifacts) {
            String repository = artifact.substring(0, artifact.indexOf(':'));
            String tag = artifact.substring(artifact.indexOf(':') + 1);
            Descriptor expected = source.repository(repository).resolve(tag);
            assertThat(parallel.repository(repository).resolve(tag)).isEqualTo(expected);
            assertThat(sequential.repository(repository).resolve(tag)).isEqualTo(expected);
        }
        // Same blob files in both targets (a blob's file name is its digest, checked when it was pushed).
        assertThat(blobFiles(parallel)).isEqualTo(blobFiles(sequential)).isEqualTo(blobFiles(source));
    }

    @Test
    void withContinueOnErrorsACorruptBlobFailsOnlyItsArtifactAndWithoutItNoTagMoves() throws IOException {
        OciLayoutRegistry source = OciLayoutRegistry.open(dir.resolve("source"));
        List<String> artifacts = sourceArtifacts(source);
        Path container = dir.resolve("container");
        try (TransferClient c = client("state", 8)) {
            assertSucceeded(export(c, source, container, artifacts, Set.of()));
        }
        // Corrupt app3's own layer inside the archive.
        Path archive = container.resolve("bundle.tar");
        Descriptor app3 = source.repository("team/app3").resolve("v1");
        String manifest = new String(source.repository("team/app3").fetchManifest(app3));
        String layer = manifest.replaceAll("(?s).*\"digest\":\"(sha256:[0-9a-f]{64})\",\"size\":450000.*", "$1");
        Descriptor corrupt = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer, 450_000);
        long offset;
        try (ArchiveReader reader = ArchiveReader.open(ArchiveSource.of(archive))) {
            offset = reader.dataOffset(corrupt);
        }
        flipByte(archive, offset + 200_000);

        OciLayoutRegistry strict = OciLayoutRegistry.open(dir.resolve("target-strict"));
        try (TransferClient c = client("state-strict", 8)) {
            PipelineRun run = importInto(c, strict, container, Set.of());
            assertThat(run.status()).isEqualTo(RunStatus.Failed);
            assertThat(run.response().pipelineRunErrorMessage()).contains("team/app3:v1").contains(layer)
                    .contains("(source)").contains("No tag was touched");
        }
        assertThat(strict.references()).isEmpty();
        for (int i = 1; i <= 3; i++) {
            assertThat(((TagListSupport) strict.repository("team/app" + i)).tags()).isEmpty();
        }

        OciLayoutRegistry lenient = OciLayoutRegistry.open(dir.resolve("target-lenient"));
        try (TransferClient c = client("state-lenient", 8)) {
            PipelineRun run = importInto(c, lenient, container, Set.of(PipelineOption.ContinueOnErrors));
            assertThat(run.status()).isEqualTo(RunStatus.CompletedWithErrors);
            Map<String, ArtifactResult.Status> statuses = new TreeMap<>();
            run.response().artifactResults().forEach(r -> statuses.put(r.artifact(), r.status()));
            assertThat(statuses).containsEntry("team/app1:v1", ArtifactResult.Status.Succeeded)
                    .containsEntry("team/app2:v1", ArtifactResult.Status.Succeeded)
                    .containsEntry("team/app3:v1", ArtifactResult.Status.Failed)
                    .containsEntry("team/multi:latest", ArtifactResult.Status.Succeeded);
            assertThat(run.response().pipelineRunErrorMessage()).contains("team/app3:v1").contains(layer);
        }
        assertThat(lenient.repository("team/app1").resolve("v1"))
                .isEqualTo(source.repository("team/app1").resolve("v1"));
        assertThat(lenient.repository("team/multi").resolve("latest"))
                .isEqualTo(source.repository("team/multi").resolve("latest"));
        assertThat(((TagListSupport) lenient.repository("team/app3")).tags()).isEmpty();
        assertThat(lenient.repository("team/app3").exists(app3)).isFalse();
    }

    @Test
    void anArchiveWithoutACatalogIsImportedInOneSequentialPass() throws IOException {
        OciLayoutRegistry source = OciLayoutRegistry.open(dir.resolve("source"));
        List<String> artifacts = sourceArtifacts(source);
        Path container = dir.resolve("container");
        try (TransferClient c = client("state", 8)) {
            assertSucceeded(export(c, source, container, artifacts, Set.of()));
        }
        Path plain = dir.resolve("plain");
        Files.createDirectories(plain);
        withoutCatalog(container.resolve("bundle.tar"), plain.resolve("bundle.tar"));

        OciLayoutRegistry target = OciLayoutRegistry.open(dir.resolve("target"));
        List<String> threads = new ArrayList<>();
        try (TransferClient c = client("state-plain", 8)) {
            c.createOrUpdateImportPipeline(new ImportPipeline("importer", target.location(),
                    StorageContainer.of(plain.toUri()), Set.of()));
            PipelineRun run = c.beginCreateOrUpdatePipelineRun("import1", PipelineRunRequest.importBlob("importer",
                    "bundle.tar"), null, (name, progress) -> threads.add(Thread.currentThread().getName())).await();
            assertSucceeded(run);
            assertThat(run.response().catalogDigest()).isNull();
        }
        // One pass: every progress report came from the run's own thread, none from a worker pool.
        assertThat(threads).isNotEmpty().allMatch(t -> t.startsWith("transfer-run-"));
        for (String artifact : artifacts) {
            String repository = artifact.substring(0, artifact.indexOf(':'));
            String tag = artifact.substring(artifact.indexOf(':') + 1);
            assertThat(target.repository(repository).resolve(tag))
                    .isEqualTo(source.repository(repository).resolve(tag));
        }
    }

    @Test
    void concurrencyBelowOneIsRefusedAndTheSystemPropertySetsTheDefault() {
        assertThatThrownBy(() -> new TransferClientBuilder().concurrency(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("concurrency must be at least 1");
        String property = TransferClientBuilder.CONCURRENCY_PROPERTY;
        String before = System.getProperty(property);
        try {
            System.clearProperty(property);
            assertThat(TransferClientBuilder.defaultConcurrency()).isEqualTo(ExportRunner.DEFAULT_CONCURRENCY);
            System.setProperty(property, "3");
            assertThat(TransferClientBuilder.defaultConcurrency()).isEqualTo(3);
            System.setProperty(property, "0");
            assertThatThrownBy(TransferClientBuilder::defaultConcurrency).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ocitransfer.concurrency='0'").hasMessageContaining("at least 1");
            System.setProperty(property, "many");
            assertThatThrownBy(TransferClientBuilder::defaultConcurrency).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'many' is not a concurrency");
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x5a);
        }
    }

    private static List<String> blobFiles(OciLayoutRegistry registry) throws IOException {
        try (var files = Files.list(registry.root().resolve("blobs/sha256"))) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** Copies a tar without its catalog.json, as another tool's OCI layout archive would be. */
    private static void withoutCatalog(Path from, Path to) throws IOException {
        try (InputStream in = Files.newInputStream(from); TarArchiveInputStream tar = new TarArchiveInputStream(in);
             OutputStream out = Files.newOutputStream(to);
             TarArchiveOutputStream copy = new TarArchiveOutputStream(out)) {
            copy.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            copy.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().equals("catalog.json")) {
                    continue;
                }
                TarArchiveEntry entry = new TarArchiveEntry(e.getName());
                entry.setSize(e.getSize());
                copy.putArchiveEntry(entry);
                tar.transferTo(copy);
                copy.closeArchiveEntry();
            }
        }
    }

    /** Opens local directories but hides their region capability: the export must fall back to one stream. */
    private static final class StreamOnlyFactory implements BlobStoreFactory {
        @Override
        public boolean supports(StorageContainer container) {
            return container.uri().getPath().endsWith("/streamonly");
        }

        @Override
        public BlobStore open(StorageContainer container, SecretStore secrets) {
            LocalDirectoryBlobStore local = LocalDirectoryBlobStore.open(container.uri());
            assertThat(local).isInstanceOf(RegionUploadSupport.class);
            return new BlobStore() {
                @Override
                public String location() {
                    return local.location();
                }

                @Override
                public void preflight(Set<StorageAccess> needs) {
                    local.preflight(needs);
                }

                @Override
                public List<BlobItem> list() {
                    return local.list();
                }

                @Override
                public Optional<BlobItem> properties(String name) {
                    return local.properties(name);
                }

                @Override
                public InputStream read(String name) {
                    return local.read(name);
                }

                @Override
                public InputStream read(String name, long offset, long length) {
                    return local.read(name, offset, length);
                }

                @Override
                public BlobUpload upload(String name, UploadOptions options) {
                    return local.upload(name, options);
                }

                @Override
                public boolean delete(String name) {
                    return local.delete(name);
                }

                @Override
                public void setMetadata(String name, Map<String, String> metadata) {
                    local.setMetadata(name, metadata);
                }

                @Override
                public Optional<BlobClaim> tryClaim(String name, Duration ttl) {
                    return local.tryClaim(name, ttl);
                }
            };
        }
    }
}
