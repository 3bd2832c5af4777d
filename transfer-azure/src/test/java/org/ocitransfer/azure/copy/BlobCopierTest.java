// BlobCopier on real Azurite: server-side copies (sync and start-copy with polling) between two containers, the
// streaming copy between two separate Azurite instances, verification, progress and overwrite refusal.
package org.ocitransfer.azure.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.util.BinaryData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.azure.internal.blob.AzureBlobStore;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.secret.Secret;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.random.Seeds;

class BlobCopierTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final Map<String, String> METADATA = Map.of("category", "acr-transfer-blob",
            "catalogdigest", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

    @TempDir
    Path dir;

    private static AzureBlobStore store(Azurite azurite, String container, String permissions, long syncLimit) {
        azurite.createContainer(container);
        String sas = azurite.containerSas(container, permissions, OffsetDateTime.now().plusHours(1));
        return AzureBlobStore.builder(azurite.containerUri(container)).sasToken(new Secret(sas), "env:SAS_" + container)
                .blockSize(1 << 20).syncCopyLimit(syncLimit).copyPollInterval(Duration.ofMillis(200)).build();
    }

    private static byte[] write(AzureBlobStore store, String name, int size) throws IOException {
        byte[] data = Seeds.bytes(size, size);
        try (BlobUpload upload = store.upload(name, new UploadOptions(false, METADATA, size))) {
            upload.output().write(data);
            upload.commit();
        }
        return data;
    }

    private static byte[] read(AzureBlobStore store, String name) throws IOException {
        try (InputStream in = store.read(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void copiesServerSideInOneCallBetweenTwoContainersAndVerifies() throws IOException {
        Azurite azurite = AZURITE.azurite();
        try (AzureBlobStore a = store(azurite, "sync-a", "racwdl", AzureBlobStore.DEFAULT_SYNC_COPY_LIMIT);
             AzureBlobStore b = store(azurite, "sync-b", "racwdl", AzureBlobStore.DEFAULT_SYNC_COPY_LIMIT)) {
            byte[] data = write(a, "export.tar", (2 << 20) + 77);
            List<long[]> progress = new CopyOnWriteArrayList<>();
            CopyResult result = BlobCopier.builder().progress((done, total) -> progress.add(new long[] {done, total}))
                    .build().copy(a, "export.tar", b, "import.tar", false);
            assertThat(result.method()).isEqualTo(CopyMethod.SERVER_SIDE_SYNC);
            assertThat(result.size()).isEqualTo(data.length);
            assertThat(result.catalogDigest()).isEqualTo(METADATA.get("catalogdigest"));
            assertThat(result.sourceUri()).isEqualTo(a.blobUri("export.tar")).doesNotContain("sig=");
            assertThat(result.targetUri()).isEqualTo(b.blobUri("import.tar")).doesNotContain("sig=");
            assertThat(read(b, "import.tar")).isEqualTo(data);
            assertThat(b.properties("import.tar").orElseThrow().metadata()).isEqualTo(METADATA);
            assertThat(progress).last().satisfies(p -> assertThat(p).containsExactly(data.length, data.length));
        }
    }

    @Test
    void copiesServerSideWithStartCopyAndPolling() throws IOException {
        Azurite azurite = AZURITE.azurite();
        try (AzureBlobStore a = store(azurite, "async-a", "racwdl", 0);
             AzureBlobStore b = store(azurite, "async-b", "racwdl", 0)) {
            byte[] data = write(a, "export.tar", 300_000);
            CopyResult result = BlobCopier.create().copy(a, "export.tar", b, "import.tar", false);
            assertThat(result.method()).isEqualTo(CopyMethod.SERVER_SIDE_ASYNC);
            assertThat(read(b, "import.tar")).isEqualTo(data);
            assertThat(b.list()).singleElement().satisfies(i -> assertThat(i.metadata()).isEqualTo(METADATA));
        }
    }

    @Test
    void streamsBetweenStoresTheServiceCannotCopyBetweenWithProgress() throws IOException {
        try (Azurite other = Azurite.start(dir);
             AzureBlobStore a = store(AZURITE.azurite(), "stream-a", "racwdl", AzureBlobStore.DEFAULT_SYNC_COPY_LIMIT);
             AzureBlobStore far = store(other, "stream-b", "racwdl", AzureBlobStore.DEFAULT_SYNC_COPY_LIMIT)) {
            assertThat(far.canCopyFrom(a)).isFalse();
            byte[] data = write(a, "export.tar", (3 << 20) + 1);
            List<Long> progress = new CopyOnWriteArrayList<>();
            CopyResult result = BlobCopier.builder().progress((done, total) -> progress.add(done)).build()
                    .copy(a, "export.tar", far, "import.tar", false);
            assertThat(result.method()).isEqualTo(CopyMethod.STREAMED);
            assertThat(read(far, "import.tar")).isEqualTo(data);
            assertThat(far.properties("import.tar").orElseThrow().metadata()).isEqualTo(METADATA);
            assertThat(progress).isSorted().last().isEqualTo((long) data.length);
            assertThat(progress.size()).isGreaterThan(1);
        }
    }

    @Test
    void streamsWhenServerSideCopyIsTurnedOff() throws IOException {
        Azurite azurite = AZURITE.azurite();
        try (AzureBlobStore a = store(azurite, "off-a", "racwdl", AzureBlobStore.DEFAULT_SYNC_COPY_LIMIT);
             AzureBlobStore b = store(azurite, "off-b", "racwdl", AzureBlobStore.DEFAULT_SYNC_COPY_LIMIT)) {
            byte[] data = write(a, "export.tar", 1234);
            CopyResult result = BlobCopier.builder().serverSide(false).build().copy(a, "export.tar", b, "x.tar", false);
            assertThat(result.method()).isEqualTo(CopyMethod.STREAMED);
            assertThat(read(b, "x.tar")).isEqualTo(data);
        }
    }

    @Test
    void withoutOverwriteAnExistingTargetIsRefusedAndKeptAndAMissingSourceIsNamed() throws IOException {
        Azurite azurite = AZURITE.azurite();
        try (AzureBlobStore a = store(azurite, "keep-a", "racwdl", AzureBlobStore.DEFAULT_SYNC_COPY_LIMIT);
             AzureBlobStore b = store(azurite, "keep-b", "racwdl", AzureBlobStore.DEFAULT_SYNC_COPY_LIMIT)) {
            byte[] data = write(a, "export.tar", 4096);
            azurite.containerClient("keep-b").getBlobClient("import.tar").upload(BinaryData.fromString("old"));
            for (BlobCopier copier : List.of(BlobCopier.create(), BlobCopier.builder().serverSide(false).build())) {
                assertThatThrownBy(() -> copier.copy(a, "export.tar", b, "import.tar", false))
                        .isInstanceOf(BlobAlreadyExistsException.class).hasMessageContaining("'import.tar'");
                assertThat(azurite.containerClient("keep-b").getBlobClient("import.tar").downloadContent().toString())
                        .isEqualTo("old");
            }
            CopyResult replaced = BlobCopier.create().copy(a, "export.tar", b, "import.tar", true);
            assertThat(replaced.method()).isEqualTo(CopyMethod.SERVER_SIDE_SYNC);
            assertThat(read(b, "import.tar")).isEqualTo(data);
            assertThatThrownBy(() -> BlobCopier.create().copy(a, "absent.tar", b, "y.tar", false))
                    .isInstanceOf(BlobNotFoundException.class).hasMessageContaining("'absent.tar'");
        }
    }
}
