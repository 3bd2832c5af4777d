// Archives in parts on real Azurite between real Distribution registries: the parts' sizes and bytes, an import by
// the archive's name, and a blob copy of the set (server-side between containers, streamed into a local directory).
package org.ocitransfer.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertSameGraph;
import static org.ocitransfer.testkit.assertions.RunAssertions.succeeded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.copy.BlobCopier;
import org.ocitransfer.azure.copy.CopyMethod;
import org.ocitransfer.azure.copy.CopyResult;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.PartSet;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;
import org.ocitransfer.core.registry.http.RetryPolicy;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.random.Seeds;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;

class AzurePartSetTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final long PART = 150_000;

    @TempDir
    Path dir;

    private StorageContainer container(Azurite azurite, String name) throws IOException {
        URI uri = azurite.createContainer(name);
        Path sas = dir.resolve(name + ".sas");
        Files.writeString(sas, azurite.containerSas(name, "racwdl", OffsetDateTime.now().plusHours(2)));
        return StorageContainer.of(uri, "file:" + sas);
    }

    private TransferClient client(String state) {
        return new TransferClientBuilder().stateDirectory(dir.resolve(state))
                .registryFactory(new HttpRegistryFactory(b -> b.retry(RetryPolicy.none())))
                .blobStoreFactory(new AzureBlobStoreFactory()).buildClient();
    }

    @Test
    void partsInAzureConcatenateToTheSingleArchiveImportByNameAndCopyAsASet() throws Exception {
        Azurite azurite = AZURITE.azurite();
        StorageContainer exports = container(azurite, "partexports");
        StorageContainer copies = container(azurite, "partcopies");
        AzureBlobStoreFactory storage = new AzureBlobStoreFactory();
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry source = HttpRegistry.builder().uri(a.url()).build();
             HttpRegistry target = HttpRegistry.builder().uri(b.url()).build();
             TransferClient single = client("single");
             TransferClient parted = client("parted");
             BlobStore exportStore = storage.open(exports, SecretStores.builtIn());
             BlobStore copyStore = storage.open(copies, SecretStores.builtIn());
             BlobStore local = LocalDirectoryBlobStore.open(Files.createDirectories(dir.resolve("local")))) {
            ContentGenerator gen = new ContentGenerator(Seeds.seed(61));
            GeneratedArtifact app = gen.image(420_000, 2_000, 60_000);
            app.pushTo(source.repository("team/app"), "3.1");
            GeneratedArtifact multi = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 50_000, 7_000);
            multi.pushTo(source.repository("lib/multi"), "1");
            List<String> artifacts = List.of("team/app:3.1", "lib/multi:1");

            single.createOrUpdateExportPipeline(new ExportPipeline("exporter", a.url(), exports, Set.of()));
            parted.createOrUpdateExportPipeline(new ExportPipeline("exporter", a.url(), exports, Set.of())
                    .withMaxPartSize(PART));
            PipelineRun whole = succeeded(single.createOrUpdatePipelineRun("export1",
                    PipelineRunRequest.export("exporter", "whole.tar", artifacts), null));
            PipelineRun inParts = succeeded(parted.createOrUpdatePipelineRun("export1",
                    PipelineRunRequest.export("exporter", "parts.tar", artifacts), null));
            assertThat(inParts.response().catalogDigest()).isEqualTo(whole.response().catalogDigest());

            long size = exportStore.properties("whole.tar").orElseThrow().size();
            PartSet parts = PartSet.find(exportStore, "parts.tar").orElseThrow();
            assertThat(parts.count()).isEqualTo((int) ((size + PART - 1) / PART)).isGreaterThan(4);
            assertThat(parts.archiveSize()).isEqualTo(size);
            for (int i = 1; i <= parts.count(); i++) {
                BlobItem part = exportStore.properties(parts.partName(i)).orElseThrow();
                assertThat(part.size()).as(part.name()).isEqualTo(i < parts.count() ? PART
                        : size - (parts.count() - 1) * PART);
                assertThat(part.metadata()).containsEntry("catalogdigest", whole.response().catalogDigest())
                        .containsEntry(PartSet.PART_INDEX_KEY, Integer.toString(i));
            }
            assertThat(exportStore.properties("parts.tar")).isEmpty();
            String digest = sha256(exportStore, List.of("whole.tar"));
            assertThat(sha256(exportStore, partNames(parts))).isEqualTo(digest);

            // Import by the archive's name, reading the parts by range.
            parted.createOrUpdateImportPipeline(new ImportPipeline("importer", b.url(), exports, Set.of()));
            PipelineRun imported = succeeded(parted.createOrUpdatePipelineRun("import1",
                    PipelineRunRequest.importBlob("importer", "parts.tar"), null));
            assertThat(imported.response().catalogDigest()).isEqualTo(whole.response().catalogDigest());
            assertSameGraph(source.repository("team/app"), "3.1", target.repository("team/app"), "3.1");
            assertSameGraph(source.repository("lib/multi"), "1", target.repository("lib/multi"), "1");

            // Blob copy of the set: server-side into another container, streamed into a local directory.
            CopyResult copied = BlobCopier.create().copy(exportStore, "parts.tar", copyStore, "moved.tar", false);
            assertThat(copied.method()).isEqualTo(CopyMethod.SERVER_SIDE_SYNC);
            assertThat(copied.size()).isEqualTo(size);
            assertThat(copied.catalogDigest()).isEqualTo(whole.response().catalogDigest());
            PartSet moved = PartSet.find(copyStore, "moved.tar").orElseThrow();
            assertThat(moved).isEqualTo(new PartSet("moved.tar", parts.count(), PART, size));
            assertThat(sha256(copyStore, partNames(moved))).isEqualTo(digest);
            CopyResult streamed = BlobCopier.create().copy(copyStore, "moved.tar", local, "local.tar", false);
            assertThat(streamed.method()).isEqualTo(CopyMethod.STREAMED);
            assertThat(sha256(local, partNames(PartSet.find(local, "local.tar").orElseThrow()))).isEqualTo(digest);
        }
    }

    private static List<String> partNames(PartSet parts) {
        return java.util.stream.IntStream.rangeClosed(1, parts.count()).mapToObj(parts::partName).toList();
    }

    /** The sha256 of the named blobs' bytes, concatenated in order. */
    private static String sha256(BlobStore store, List<String> names) throws NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (String name : names) {
            try (InputStream in = new DigestInputStream(store.read(name), digest)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
