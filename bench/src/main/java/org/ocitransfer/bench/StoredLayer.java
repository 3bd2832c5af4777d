// Writes the benchmark's large layer straight into a Distribution registry's filesystem storage, in one pass.
package org.ocitransfer.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.MediaTypes;

/**
 * A layer of {@link FastRandomStream} bytes written into a Distribution registry's storage (its {@code filesystem}
 * driver's {@code rootdirectory}) as the registry lays out a pushed blob: the data under {@code blobs/}, and the
 * repository's link to it under {@code _layers/}. One thread generates and digests the bytes, the caller's writes them
 * (then syncs them), so the layer costs one pass at the slower of sha256 and the disk. A push over HTTP took three
 * passes (the digest beforehand, the client's verifying read, and the registry's ingest, about 4.4 CPU-s per GiB):
 * about 10 CPU-s per GiB in all.
 */
final class StoredLayer {

    private static final int BUFFER_BYTES = 4 << 20;
    private static final int BUFFERS = 4;

    private StoredLayer() {
    }

    /**
     * Writes {@code size} bytes of {@code new FastRandomStream(seed, size)} as a blob of {@code repository} in the
     * storage under {@code root}.
     *
     * @return the layer's descriptor (an OCI layer)
     */
    static Descriptor write(Path root, String repository, long seed, long size) throws IOException {
        Path v2 = root.resolve("docker/registry/v2");
        Path upload = v2.resolve("repositories/" + repository + "/_uploads/bench-" + seed);
        Files.createDirectories(upload);
        Path partial = upload.resolve("data");
        MessageDigest sha = Digest.newSha256();
        BlockingQueue<ByteBuffer> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
        BlockingQueue<ByteBuffer> empty = new ArrayBlockingQueue<>(BUFFERS);
        for (int i = 0; i < BUFFERS; i++) {
            empty.add(ByteBuffer.allocate(BUFFER_BYTES));
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> generate(seed, size, sha, filled, empty, failure), "layer-generator");
        thread.setDaemon(true);
        thread.start();
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (ByteBuffer b; (b = filled.take()).hasRemaining(); ) {
                while (b.hasRemaining()) {
                    out.write(b);
                }
                empty.add(b.clear());
            }
            thread.join();
            if (failure.get() != null) {
                throw new IOException("Generating the layer failed: " + failure.get(), failure.get());
            }
            out.force(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while writing the layer into " + partial, e);
        }
        String hex = HexFormat.of().formatHex(sha.digest());
        Path blob = v2.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex);
        Files.createDirectories(blob);
        Files.move(partial, blob.resolve("data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(upload);
        Path link = v2.resolve("repositories/" + repository + "/_layers/sha256/" + hex);
        Files.createDirectories(link);
        Files.writeString(link.resolve("link"), "sha256:" + hex, StandardCharsets.US_ASCII);
        return Descriptor.of(MediaTypes.OCI_LAYER, "sha256:" + hex, size);
    }

    /** Fills buffers from the stream and digests them; ends with an empty buffer, also when it fails. */
    private static void generate(long seed, long size, MessageDigest sha, BlockingQueue<ByteBuffer> filled,
                                 BlockingQueue<ByteBuffer> empty, AtomicReference<Exception> failure) {
        try (InputStream in = new FastRandomStream(seed, size)) {
            for (ByteBuffer b = empty.take(); ; b = empty.take()) {
                int n = in.readNBytes(b.array(), 0, b.capacity());
                if (n == 0) {
                    break;
                }
                sha.update(b.array(), 0, n);
                filled.add(b.limit(n));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            failure.set(e);
        } finally {
            filled.add(ByteBuffer.allocate(0));
        }
    }
}
