// Large reads from Azure stream as one GET: ranges, early close, many at once, and a missing blob failing at open.
package org.ocitransfer.azure.internal.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.secret.Secret;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.random.Seeds;

/** {@link StreamingDownload} through {@link AzureBlobStore#read}, on a real Azurite. */
class StreamingDownloadTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final int MIB = 1 << 20;

    @Test
    void largeRangesStreamWholeOrClosedEarlyAndManyAtOnce() throws Exception {
        Azurite azurite = AZURITE.azurite();
        azurite.createContainer("streaming");
        String sas = azurite.containerSas("streaming", "racwdl", OffsetDateTime.now().plusHours(1));
        byte[] data = Seeds.bytes(9 * MIB + 17, 3);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (AzureBlobStore store = AzureBlobStore.builder(azurite.containerUri("streaming"))
                .sasToken(new Secret(sas), "memory:sas").build()) {
            try (BlobUpload upload = store.upload("big.tar", UploadOptions.create())) {
                upload.output().write(data);
                upload.commit();
            }
            try (InputStream in = store.read("big.tar", MIB + 3, 7L * MIB)) {
                assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, MIB + 3, 8 * MIB + 3));
            }
            try (InputStream in = store.read("big.tar")) {
                assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOf(data, 10));
            }
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                long offset = (long) i * 350_000;
                reads.add(pool.submit(() -> {
                    try (InputStream in = store.read("big.tar", offset, 5L * MIB)) {
                        return in.readAllBytes();
                    }
                }));
            }
            for (int i = 0; i < reads.size(); i++) {
                int offset = i * 350_000;
                assertThat(reads.get(i).get(60, TimeUnit.SECONDS))
                        .isEqualTo(Arrays.copyOfRange(data, offset, offset + 5 * MIB));
            }
            assertThatThrownBy(() -> store.read("missing.tar")).isInstanceOf(BlobNotFoundException.class);
            assertThatThrownBy(() -> store.read("missing.tar", 0, 5L * MIB))
                    .isInstanceOf(BlobNotFoundException.class);
            InputStream closed = store.read("big.tar", 0, 5L * MIB);
            closed.close();
            assertThatThrownBy(closed::read).isInstanceOf(IOException.class);
        } finally {
            pool.shutdownNow();
        }
    }
}
