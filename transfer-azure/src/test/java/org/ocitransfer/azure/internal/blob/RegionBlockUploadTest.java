// Region uploads to Azure on a real Azurite: regions staged as their own blocks from many threads, committed in order.
package org.ocitransfer.azure.internal.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.models.BlockListType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TriggerStatus;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.RegionUpload;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.secret.MemorySecretStore;
import org.ocitransfer.core.secret.Secret;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.random.Seeds;

/** {@link RegionBlockUpload} through {@link AzureBlobStore#uploadRegions}, and parallel runs into and out of Azurite. */
class RegionBlockUploadTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final int MIB = 1 << 20;
    /** Regions around the 2 MiB block size: several blocks, exactly one block, a short one, a tiny one. */
    private static final List<Long> LENGTHS = List.of(5L * MIB + 1, 100L, 2L * MIB, 3L * MIB - 7, 1L);

    @TempDir
    Path dir;

    private static String newContainer() {
        return AZURITE.azurite().newContainer("regions");
    }

    private static AzureBlobStore store(String container) {
        Azurite azurite = AZURITE.azurite();
        String sas = azurite.containerSas(container, "racwdl", OffsetDateTime.now().plusHours(1));
        return AzureBlobStore.builder(azurite.containerUri(container)).sasToken(new Secret(sas), "memory:sas").build();
    }

    private static byte[] content() {
        return Seeds.bytes((int) LENGTHS.stream().mapToLong(Long::longValue).sum(), 11);
    }

    private static InputStream part(byte[] content, RegionUpload upload, int index) {
        return new ByteArrayInputStream(content, (int) upload.regionOffset(index), (int) upload.regionLength(index));
    }

    private static byte[] read(AzureBlobStore store, String name) throws IOException {
        try (InputStream in = store.read(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void regionsStagedConcurrentlyInAnyOrderBecomeOneBlobInOrderOnlyAtCommit() throws Exception {
        String container = newContainer();
        byte[] content = content();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (AzureBlobStore store = store(container)) {
            assertThat(store.maxRegions()).isEqualTo(25_000);
            try (RegionUpload upload = store.uploadRegions("bundle.tar", LENGTHS,
                    new UploadOptions(false, Map.of("category", "acr-transfer-blob"), content.length))) {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = LENGTHS.size() - 1; i >= 0; i--) {
                    int index = i;
                    futures.add(pool.submit(() -> {
                        upload.write(index, part(content, upload, index));
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
                assertThat(store.properties("bundle.tar")).isEmpty();
                upload.commit();
            }
            assertThat(read(store, "bundle.tar")).isEqualTo(content);
            assertThat(store.properties("bundle.tar").orElseThrow().metadata())
                    .containsEntry("category", "acr-transfer-blob");
            try (InputStream in = store.read("bundle.tar", 5L * MIB - 3, 110)) {
                byte[] expected = new byte[110];
                System.arraycopy(content, 5 * MIB - 3, expected, 0, 110);
                assertThat(in.readAllBytes()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        // Blocks of 4 MiB (RegionBlockUpload.DEFAULT_BLOCK_SIZE): 2 + 1 + 1 + 1 + 1, ids of one length, committed in
        // blob order.
        var blocks = AZURITE.azurite().containerClient(container).getBlobClient("bundle.tar").getBlockBlobClient()
                .listBlocks(BlockListType.COMMITTED).getCommittedBlocks();
        assertThat(RegionBlockUpload.DEFAULT_BLOCK_SIZE).isEqualTo(4 * MIB);
        assertThat(blocks).hasSize(6);
        assertThat(blocks).extracting(b -> b.getName().length()).containsOnly(blocks.get(0).getName().length());
        assertThat(blocks).extracting(b -> b.getSizeLong())
                .containsExactly(4L * MIB, 1L * MIB + 1, 100L, 2L * MIB, 3L * MIB - 7, 1L);
    }

    @Test
    void anIncompleteOrAbortedUploadCommitsNothing() throws IOException {
        String container = newContainer();
        byte[] content = content();
        try (AzureBlobStore store = store(container)) {
            RegionUpload upload = store.uploadRegions("a.tar", LENGTHS, UploadOptions.create());
            for (int i = 0; i < LENGTHS.size(); i++) {
                if (i != 2) {
                    upload.write(i, part(content, upload, i));
                }
            }
            assertThatThrownBy(upload::commit).isInstanceOf(BlobStoreException.class)
                    .hasMessageContaining("region(s) [2] of 5 are incomplete");
            assertThatThrownBy(() -> upload.write(0, part(content, upload, 0)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already written");
            assertThatThrownBy(() -> upload.write(2, new ByteArrayInputStream(content, 0, 1000)))
                    .isInstanceOf(IOException.class).hasMessageContaining("ended after 1000 of its");
            upload.close();
            assertThatThrownBy(() -> upload.write(3, part(content, upload, 3)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(upload::commit).isInstanceOf(IllegalStateException.class);
            assertThat(store.properties("a.tar")).isEmpty();

            // Closed from another thread while a region is being read: that region's next block is not staged.
            RegionUpload aborted = store.uploadRegions("b.tar", LENGTHS, UploadOptions.create());
            InputStream closingMidway = new InputStream() {
                private final InputStream in = part(content, aborted, 0);
                private long read;

                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (read > 2L * MIB) {
                        aborted.close();
                    }
                    int n = in.read(b, off, len);
                    read += Math.max(n, 0);
                    return n;
                }
            };
            assertThatThrownBy(() -> aborted.write(0, closingMidway)).isInstanceOf(IOException.class)
                    .hasMessageContaining("aborted");
            assertThat(store.properties("b.tar")).isEmpty();
            assertThat(store.list()).isEmpty();
        }
    }

    @Test
    void withoutOverwriteAnExistingBlobIsRefusedAtTheStartAndAtCommit() throws IOException {
        String container = newContainer();
        byte[] content = content();
        try (AzureBlobStore store = store(container)) {
            RegionUpload late = store.uploadRegions("late.tar", LENGTHS, UploadOptions.create());
            for (int i = 0; i < LENGTHS.size(); i++) {
                late.write(i, part(content, late, i));
            }
            try (var upload = store.upload("late.tar", UploadOptions.create())) {
                upload.output().write("winner".getBytes());
                upload.commit();
            }
            assertThatThrownBy(() -> store.uploadRegions("late.tar", LENGTHS, UploadOptions.create()))
                    .isInstanceOf(BlobAlreadyExistsException.class);
            assertThatThrownBy(late::commit).isInstanceOf(BlobAlreadyExistsException.class);
            assertThat(read(store, "late.tar")).isEqualTo("winner".getBytes());

            try (RegionUpload replace = store.uploadRegions("late.tar", LENGTHS,
                    new UploadOptions(true, Map.of(), content.length))) {
                for (int i = 0; i < LENGTHS.size(); i++) {
                    replace.write(i, part(content, replace, i));
                }
                replace.commit();
            }
            assertThat(read(store, "late.tar")).isEqualTo(content);
        }
    }

    @Test
    void blocksGrowOnlyWhenTheBlobWouldNeedMoreThan50000() {
        assertThat(RegionBlockUpload.blockSizeFor(2 * MIB, 10L << 30, 70)).isEqualTo(2 * MIB);
        int big = RegionBlockUpload.blockSizeFor(2 * MIB, 200L << 30, 70);
        assertThat(big).isGreaterThan(2 * MIB);
        assertThat(big % MIB).isZero();
        assertThat((200L << 30) / big + 70).isLessThanOrEqualTo(50_000);
        assertThatThrownBy(() -> RegionBlockUpload.blockSizeFor(2 * MIB, 1000, 50_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 25000 regions");
    }

    @Test
    void parallelExportIntoAzuriteIsTheSequentialArchiveAndImportsBackInParallel() throws IOException {
        String container = newContainer();
        Azurite azurite = AZURITE.azurite();
        OciLayoutRegistry source = OciLayoutRegistry.open(dir.resolve("source"));
        Random random = new Random(Seeds.seed(5));
        byte[] shared = new byte[3 * MIB + 5];
        random.nextBytes(shared);
        List<String> artifacts = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            byte[] own = new byte[MIB * i + i];
            random.nextBytes(own);
            image(source.repository("app" + i), "v1", shared, own);
            artifacts.add("app" + i + ":v1");
        }
        MemorySecretStore secrets = new MemorySecretStore();
        String sas = secrets.put("sas", azurite.containerSas(container, "racwdl", OffsetDateTime.now().plusHours(1)));
        StorageContainer target = StorageContainer.of(azurite.containerUri(container), sas);
        OciLayoutRegistry landed = OciLayoutRegistry.open(dir.resolve("landed"));
        List<String> digests = new ArrayList<>();
        for (int concurrency : new int[] {8, 1}) {
            try (TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state" + concurrency))
                    .blobStoreFactory(new AzureBlobStoreFactory()).secretStore(secrets).concurrency(concurrency)
                    .buildClient()) {
                client.createOrUpdateExportPipeline(new ExportPipeline("exporter", source.location(), target,
                        Set.of()));
                PipelineRun run = client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter",
                        "bundle" + concurrency + ".tar", artifacts), null);
                assertThat(run.status()).as(String.valueOf(run.response().pipelineRunErrorMessage()))
                        .isEqualTo(RunStatus.Succeeded);
                digests.add(run.response().catalogDigest());
                if (concurrency == 8) {
                    client.createOrUpdateImportPipeline(new ImportPipeline("importer", landed.location(), target,
                            TriggerStatus.Disabled, EnumSet.noneOf(org.ocitransfer.api.PipelineOption.class), null));
                    PipelineRun imported = client.createOrUpdatePipelineRun("import1",
                            PipelineRunRequest.importBlob("importer", "bundle8.tar"), null);
                    assertThat(imported.status()).as(String.valueOf(imported.response().pipelineRunErrorMessage()))
                            .isEqualTo(RunStatus.Succeeded);
                }
            }
        }
        assertThat(digests.get(0)).startsWith("sha256:").isEqualTo(digests.get(1));
        try (AzureBlobStore store = store(container)) {
            byte[] parallel = read(store, "bundle8.tar");
            assertThat(read(store, "bundle1.tar")).isEqualTo(parallel);
            // The parallel archive has one block list per region (several blocks for the 3 MiB layer), the
            // sequential one the upload's own fixed-size blocks.
            assertThat(azurite.containerClient(container).getBlobClient("bundle8.tar").getBlockBlobClient()
                    .listBlocks(BlockListType.COMMITTED).getCommittedBlocks().size()).isGreaterThan(8);
        }
        for (String artifact : artifacts) {
            String repo = artifact.substring(0, artifact.indexOf(':'));
            assertThat(landed.repository(repo).resolve("v1")).isEqualTo(source.repository(repo).resolve("v1"));
        }
    }

    private static void image(Repository repo, String tag, byte[]... layers) {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes();
        Descriptor c = push(repo, MediaTypes.OCI_CONFIG, config);
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":" + json(c) + ",\"layers\":[");
        for (int i = 0; i < layers.length; i++) {
            json.append(i == 0 ? "" : ",").append(json(push(repo, MediaTypes.OCI_LAYER, layers[i])));
        }
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        manifest.writeBytes(json.append("]}").toString().getBytes());
        Descriptor m = push(repo, MediaTypes.OCI_MANIFEST, manifest.toByteArray());
        repo.tag(m, tag);
    }

    private static Descriptor push(Repository repo, String mediaType, byte[] bytes) {
        Descriptor d = Descriptor.of(mediaType, bytes);
        if (!repo.exists(d)) {
            repo.push(d, ContentSource.of(bytes));
        }
        return d;
    }

    private static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }
}
