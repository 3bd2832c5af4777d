// Writes one block blob as fixed-size staged blocks and a single commit, with bounded memory and no temp file.
package org.ocitransfer.azure.internal.blob;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.UploadOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One blob being written to Azure: bytes fill fixed-size buffers; each full buffer is staged as a block (a few at a
 * time, on the store's stager threads, each with its MD5 for the service to check); {@link #commit()} stages the
 * last one and commits the list, with the metadata, the whole blob's Content-MD5 and, without overwrite,
 * {@code If-None-Match: *}. Block ids share one length (a random upload id plus a 5-digit index). Closing without
 * a commit commits nothing; the staged blocks expire on their own.
 */
final class BlockBlobUpload implements BlobUpload {

    /** The most blocks one blob may have. */
    static final int MAX_BLOCKS = 50_000;
    /** The largest block the service takes (4000 MiB); blocks are kept far smaller unless the blob is huge. */
    static final long MAX_BLOCK_SIZE = 4000L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(BlockBlobUpload.class);

    private final AzureBlobStore store;
    private final String name;
    private final UploadOptions options;
    private final BlockBlobClient blob;
    private final int blockSize;
    private final int maxBuffers;
    private final String idPrefix = UUID.randomUUID().toString().replace("-", "");
    private final List<String> blockIds = new ArrayList<>();
    private final List<Future<?>> staged = new ArrayList<>();
    private final BlockingQueue<byte[]> free;
    private final MessageDigest wholeMd5 = md5();
    private final OutputStream output = new BlockOutput();
    private int allocated;
    private byte[] current;
    private int filled;
    private long total;
    private volatile RuntimeException failure;
    private boolean committed;
    private boolean closed;

    BlockBlobUpload(AzureBlobStore store, String name, UploadOptions options, int blockSize, int blocksInFlight) {
        this.store = store;
        this.name = name;
        this.options = options;
        this.blob = store.containerClient().getBlobClient(name).getBlockBlobClient();
        this.blockSize = blockSize;
        this.maxBuffers = blocksInFlight + 1;
        this.free = new ArrayBlockingQueue<>(maxBuffers);
    }

    /** The block size for a blob: the configured one, raised so a blob of known size fits in 50,000 blocks. */
    static int blockSizeFor(int configured, long expectedSize) {
        if (expectedSize <= (long) configured * MAX_BLOCKS) {
            return configured;
        }
        long needed = (expectedSize + MAX_BLOCKS - 1) / MAX_BLOCKS;
        long mib = 1 << 20;
        long rounded = (needed + mib - 1) / mib * mib;
        if (rounded > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("A blob of " + expectedSize + " bytes is too large to upload: at most "
                    + MAX_BLOCKS + " blocks of under 2 GiB each");
        }
        return (int) rounded;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void commit() {
        if (committed) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("The upload of blob '" + name + "' was closed without a commit");
        }
        try {
            if (filled > 0) {
                dispatch();
            }
            awaitStaged();
        } catch (IOException e) {
            closed = true;
            throw failure != null ? failure : new BlobStoreException("Uploading blob '" + name + "' to "
                    + store.location() + " failed: " + e.getMessage() + "; nothing was committed", e);
        }
        BlobRequestConditions conditions = store.leaseConditions(name);
        if (!options.overwrite()) {
            conditions.setIfNoneMatch("*");
        }
        BlockBlobCommitBlockListOptions commit = new BlockBlobCommitBlockListOptions(blockIds)
                .setMetadata(options.metadata())
                .setHeaders(new BlobHttpHeaders().setContentType("application/octet-stream")
                        .setContentMd5(wholeMd5.digest()))
                .setRequestConditions(conditions);
        try {
            blob.commitBlockListWithResponse(commit, null, Context.NONE);
        } catch (RuntimeException e) {
            closed = true;
            throw store.errors().map("committing blob '" + name + "'", name, e);
        }
        committed = true;
        closed = true;
        LOG.debug("Committed blob '{}' in {}: {} bytes in {} blocks", name, store.location(), total,
                blockIds.size());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Future<?> f : staged) {
            f.cancel(true);
        }
        LOG.debug("Upload of blob '{}' to {} closed without a commit: nothing was committed; its {} staged blocks"
                + " expire on their own", name, store.location(), blockIds.size());
    }

    private void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        while (len > 0) {
            if (current == null) {
                current = takeBuffer();
                filled = 0;
            }
            int n = Math.min(len, blockSize - filled);
            System.arraycopy(b, off, current, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == blockSize) {
                dispatch();
            }
        }
    }

    private void ensureOpen() throws IOException {
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
        if (closed) {
            throw new IOException("The upload of blob '" + name + "' to " + store.location() + " is "
                    + (committed ? "committed" : "closed") + ": no more bytes can be written");
        }
    }

    /** Stages the current buffer as the next block. */
    private void dispatch() throws IOException {
        if (blockIds.size() >= MAX_BLOCKS) {
            throw new IOException("Blob '" + name + "' exceeds " + MAX_BLOCKS + " blocks of " + blockSize
                    + " bytes: pass its expected size in UploadOptions, or configure a larger block size");
        }
        byte[] buffer = current;
        int length = filled;
        current = null;
        filled = 0;
        wholeMd5.update(buffer, 0, length);
        total += length;
        int index = blockIds.size();
        String id = Base64.getEncoder().encodeToString(
                String.format("%s-%05d", idPrefix, index).getBytes(StandardCharsets.US_ASCII));
        blockIds.add(id);
        String leaseId = store.leaseConditions(name).getLeaseId();
        staged.add(store.stagers().submit(() -> {
            try {
                if (failure == null && !closed) {
                    BlockBlobStageBlockOptions stage = new BlockBlobStageBlockOptions(id,
                            BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, length))).setLeaseId(leaseId)
                            .setContentMd5(md5Of(buffer, length));
                    blob.stageBlockWithResponse(stage, null, Context.NONE);
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = store.errors().map("staging block " + index + " of blob '" + name + "'", name, e);
                }
            } finally {
                free.offer(buffer);
            }
        }));
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
    }

    private byte[] takeBuffer() throws IOException {
        byte[] buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        if (allocated < maxBuffers) {
            allocated++;
            return new byte[blockSize];
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while uploading blob '" + name + "'");
        }
    }

    private void awaitStaged() throws IOException {
        for (Future<?> f : staged) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while staging blob '" + name + "'");
            } catch (ExecutionException e) {
                throw new IOException("Staging a block of blob '" + name + "' failed unexpectedly: "
                        + store.errors().redaction().scrub(String.valueOf(e.getCause())));
            }
        }
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
    }

    private static byte[] md5Of(byte[] buffer, int length) {
        MessageDigest md = md5();
        md.update(buffer, 0, length);
        return md.digest();
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no MD5", e);
        }
    }

    /** The stream the caller writes to; closing it does nothing (commit or close the upload). */
    private final class BlockOutput extends OutputStream {
        private final byte[] one = new byte[1];

        @Override
        public void write(int b) throws IOException {
            one[0] = (byte) b;
            BlockBlobUpload.this.write(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            BlockBlobUpload.this.write(b, off, len);
        }
    }
}
