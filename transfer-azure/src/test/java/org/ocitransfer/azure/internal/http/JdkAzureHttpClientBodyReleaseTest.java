// A request body sent through JdkAzureHttpClient is not kept by the pooled connection that carried it.
package org.ocitransfer.azure.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import java.io.ByteArrayOutputStream;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;

/**
 * Stages a 4 MiB block on Azurite through a fresh {@link JdkAzureHttpClient} and checks that, once the call returned,
 * the block's array is collectable while the client and its pooled connection live on (kept busy). Before the fix,
 * the JDK's pooled connection kept the exchange that opened it, and through it the request's body publisher and
 * subscription kept the whole block: in a parallel export the block buffers of finished regions stayed reachable, and
 * an export under {@code -Xmx64m} ran out of heap (see AzureParallelExportMemoryTest for the whole run).
 */
class JdkAzureHttpClientBodyReleaseTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final int BLOCK = 4 << 20;

    @Test
    void aStagedBlockIsNotKeptByThePooledConnectionThatSentIt() throws Exception {
        Azurite azurite = AZURITE.azurite();
        azurite.createContainer("bodies");
        String sas = azurite.containerSas("bodies", "racwdl", OffsetDateTime.now().plusHours(1));
        JdkAzureHttpClient http = JdkAzureHttpClient.over(JdkAzureHttpClient.defaultBuilder().build());
        BlockBlobClient blob = new BlobContainerClientBuilder().endpoint(azurite.containerUri("bodies").toString())
                .sasToken(sas).httpClient(http).buildClient().getBlobClient("block.bin").getBlockBlobClient();

        byte[] expected = new byte[BLOCK];
        new SplittableRandom(7).nextBytes(expected);
        WeakReference<byte[]> sent = stageCopyOf(blob, expected, "blk-1");
        // Each round sends a small request first, so the connection is in use and stays pooled (Azurite, like any
        // Node server, closes a connection idle for 5 s, which would release whatever it kept and hide a leak).
        for (int i = 0; i < 50 && sent.get() != null; i++) {
            blob.exists();
            System.gc();
            Thread.sleep(20);
        }
        assertThat(sent.get()).as("the staged block's array is still reachable after the call returned").isNull();

        // The same client (and its pooled connection) still works: a second block, the commit, the content back.
        stageCopyOf(blob, new byte[] {1, 2, 3}, "blk-2");
        blob.commitBlockList(List.of(id("blk-1"), id("blk-2")));
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        blob.downloadStream(back);
        byte[] all = back.toByteArray();
        assertThat(all).hasSize(BLOCK + 3);
        assertThat(ByteBuffer.wrap(all, 0, BLOCK)).isEqualTo(ByteBuffer.wrap(expected));
        assertThat(ByteBuffer.wrap(all, BLOCK, 3)).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }

    /** Stages a copy of {@code content} as a block; returns a weak reference to the copy, held nowhere else. */
    private static WeakReference<byte[]> stageCopyOf(BlockBlobClient blob, byte[] content, String name) {
        byte[] copy = content.clone();
        blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id(name),
                BinaryData.fromByteBuffer(ByteBuffer.wrap(copy))), null, Context.NONE);
        return new WeakReference<>(copy);
    }

    private static String id(String name) {
        return Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.US_ASCII));
    }
}
