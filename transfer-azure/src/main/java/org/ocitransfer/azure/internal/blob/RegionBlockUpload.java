// Writes one block blob as independent regions: each region staged as its own blocks, the list committed in order.
package org.ocitransfer.azure.internal.blob;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ocitransfer.core.blob.RegionLayout;
import org.ocitransfer.core.blob.RegionUpload;
import org.ocitransfer.core.blob.UploadOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A block blob written as regions ({@link org.ocitransfer.core.blob.RegionUploadSupport}): every region is cut into
 * blocks of at most {@link #blockSize()} bytes, laid out up front, so each block's id (one length for all: an upload
 * id and the block's 5-digit position in the blob) is known before any byte moves. {@link #write} stages a region's
 * blocks from the caller's thread, one buffer at a time, each with its MD5 for the service to check; regions may be
 * written by many threads at once. {@link #commit()} commits the whole list in blob order, with the metadata and,
 * without overwrite, {@code If-None-Match: *}. Closing without a commit commits nothing (the staged blocks expire on
 * their own).
 *
 * <p>Memory: one block buffer per region being written, reused by the regions written after it. The whole blob gets
 * no Content-MD5 (MD5 cannot be combined from regions written out of order); each block is MD5-checked by the
 * service, and the archive's own digests cover its content.
 */
final class RegionBlockUpload implements RegionUpload {

    /**
     * Blocks of a region upload are this large unless the blob needs larger ones to fit 50,000 blocks. Each region
     * being written holds one block in memory (8 regions at once: 32 MiB); measured on Azurite, 4 MiB blocks staged
     * the dataset in 11.9 s where 2 MiB blocks took 14.5-15.9 s.
     */
    static final int DEFAULT_BLOCK_SIZE = 4 << 20;
    /** The most regions a blob may have: half the block limit, so every region can take at least one block. */
    static final int MAX_REGIONS = BlockBlobUpload.MAX_BLOCKS / 2;
    /** Regions shorter than this get a buffer of their own length; longer ones a block buffer of the spares. */
    static final int SMALL_REGION = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(RegionBlockUpload.class);

    private final AzureBlobStore store;
    private final String name;
    private final UploadOptions options;
    private final BlockBlobClient blob;
    private final int blockSize;
    private final RegionLayout regions;
    /** The position in the blob of each region's first block. */
    private final int[] firstBlocks;
    private final int blockCount;
    private final String idPrefix = UUID.randomUUID().toString().replace("-", "");
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Block buffers of finished regions, taken by the next ones: at most as many as regions were ever written at once.
     * A block buffer (4 MiB) is a humongous object for G1, placed in contiguous regions of its own (5 of 1 MiB in a
     * 64 MiB heap); one allocated per region (an archive has a region per blob) fragmented a small heap until no 5
     * contiguous regions were left, and a parallel export under {@code -Xmx64m} ran out of memory with the heap far
     * from full. Reused, the buffers are allocated once, at the start.
     */
    private final Queue<byte[]> spares = new ConcurrentLinkedQueue<>();
    private volatile boolean committed;

    RegionBlockUpload(AzureBlobStore store, String name, List<Long> regionLengths, UploadOptions options,
                      int configuredBlockSize) {
        this.store = store;
        this.name = name;
        this.options = options;
        this.blob = store.containerClient().getBlobClient(name).getBlockBlobClient();
        this.regions = new RegionLayout(regionLengths);
        this.blockSize = blockSizeFor(configuredBlockSize, regions.total(), regions.count());
        this.firstBlocks = new int[regions.count()];
        int blocks = 0;
        for (int i = 0; i < regions.count(); i++) {
            firstBlocks[i] = blocks;
            blocks += blocksOf(regions.length(i));
        }
        this.blockCount = blocks;
    }

    /**
     * The block size for a blob of {@code total} bytes in {@code regions} regions: the configured one, raised (to whole
     * MiB) so the blocks stay within 50,000 even though each region's last block may be short.
     */
    static int blockSizeFor(int configured, long total, int regions) {
        long room = BlockBlobUpload.MAX_BLOCKS - (long) regions;
        if (room < 1) {
            throw new IllegalArgumentException("A blob of " + regions + " regions cannot be staged in "
                    + BlockBlobUpload.MAX_BLOCKS + " blocks: use at most " + MAX_REGIONS + " regions");
        }
        long needed = Math.max(configured, (total + room - 1) / room);
        long mib = 1 << 20;
        long rounded = needed == configured ? needed : (needed + mib - 1) / mib * mib;
        if (rounded > BlockBlobUpload.MAX_BLOCK_SIZE || rounded > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("A blob of " + total + " bytes in " + regions + " regions is too large"
                    + " to stage in " + BlockBlobUpload.MAX_BLOCKS + " blocks of under 2 GiB each");
        }
        return (int) rounded;
    }

    private int blocksOf(long length) {
        return (int) ((length + blockSize - 1) / blockSize);
    }

    /** The size of the blocks (a region's last block may be shorter). */
    int blockSize() {
        return blockSize;
    }

    /** How many blocks the blob will have. */
    int blockCount() {
        return blockCount;
    }

    @Override
    public int regionCount() {
        return regions.count();
    }

    @Override
    public long regionOffset(int index) {
        return regions.offset(index);
    }

    @Override
    public long regionLength(int index) {
        return regions.length(index);
    }

    @Override
    public void write(int index, InputStream content) throws IOException {
        Objects.checkIndex(index, regions.count());
        requireOpen("region " + index + " cannot be written");
        regions.claim(index, name);
        String leaseId = store.leaseConditions(name).getLeaseId();
        long length = regions.length(index);
        byte[] buffer = length < SMALL_REGION ? new byte[(int) length] : spareOrNew();
        writeBlocks(index, content, buffer, leaseId);
        if (buffer.length == blockSize && !closed.get()) {
            spares.offer(buffer);
        }
        regions.complete(index);
    }

    /** A block buffer a finished region left, or a new one. */
    private byte[] spareOrNew() {
        byte[] spare = spares.poll();
        return spare != null ? spare : new byte[blockSize];
    }

    private void writeBlocks(int index, InputStream content, byte[] buffer, String leaseId) throws IOException {
        long length = regions.length(index);
        long remaining = length;
        int block = firstBlocks[index];
        while (remaining > 0) {
            int size = (int) Math.min(blockSize, remaining);
            int got = content.readNBytes(buffer, 0, size);
            if (got < size) {
                throw new IOException("Region " + index + " of blob '" + name + "' ended after "
                        + (length - remaining + got) + " of its " + length + " bytes");
            }
            if (closed.get()) {
                throw new IOException("The upload of blob '" + name + "' to " + store.location() + " was aborted"
                        + " while region " + index + " was being written");
            }
            stage(block++, buffer, size, leaseId);
            remaining -= size;
        }
        if (content.read() >= 0) {
            throw new IOException("Region " + index + " of blob '" + name + "' is longer than its " + length
                    + " bytes");
        }
    }

    private void stage(int block, byte[] buffer, int size, String leaseId) {
        BlockBlobStageBlockOptions stage = new BlockBlobStageBlockOptions(blockId(block),
                BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, size))).setLeaseId(leaseId)
                .setContentMd5(md5Of(buffer, size));
        try {
            blob.stageBlockWithResponse(stage, null, Context.NONE);
        } catch (RuntimeException e) {
            throw store.errors().map("staging block " + block + " of blob '" + name + "'", name, e);
        }
    }

    private String blockId(int block) {
        return Base64.getEncoder().encodeToString(String.format("%s-%05d", idPrefix, block)
                .getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void commit() {
        requireOpen("it cannot be committed");
        regions.requireComplete(name, store.location());
        List<String> ids = new ArrayList<>(blockCount);
        for (int b = 0; b < blockCount; b++) {
            ids.add(blockId(b));
        }
        BlobRequestConditions conditions = store.leaseConditions(name);
        if (!options.overwrite()) {
            conditions.setIfNoneMatch("*");
        }
        BlockBlobCommitBlockListOptions commit = new BlockBlobCommitBlockListOptions(ids)
                .setMetadata(options.metadata())
                .setHeaders(new BlobHttpHeaders().setContentType("application/octet-stream"))
                .setRequestConditions(conditions);
        try {
            blob.commitBlockListWithResponse(commit, null, Context.NONE);
        } catch (RuntimeException e) {
            closed.set(true);
            throw store.errors().map("committing blob '" + name + "'", name, e);
        }
        committed = true;
        closed.set(true);
        spares.clear();
        LOG.debug("Committed blob '{}' in {}: {} regions in {} blocks of up to {} bytes", name, store.location(),
                regions.count(), blockCount, blockSize);
    }

    private void requireOpen(String what) {
        if (closed.get()) {
            throw new IllegalStateException("The upload of blob '" + name + "' was already "
                    + (committed ? "committed" : "closed") + "; " + what);
        }
    }

    @Override
    public void close() {
        spares.clear();
        if (closed.compareAndSet(false, true)) {
            LOG.debug("Region upload of blob '{}' to {} closed without a commit: nothing was committed; its staged"
                    + " blocks expire on their own", name, store.location());
        }
    }

    private static byte[] md5Of(byte[] buffer, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(buffer, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no MD5", e);
        }
    }
}
