// A region upload into a local directory container: regions written at their positions, committed once all are done.
package org.ocitransfer.core.blob.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.RegionLayout;
import org.ocitransfer.core.blob.RegionUpload;
import org.ocitransfer.core.blob.UploadOptions;

/**
 * A {@link LocalDirectoryBlobStore} region upload: the regions are written at their positions (positional writes,
 * from any thread) into one hidden file under {@code .uploads/}, committed like a plain upload
 * ({@link LocalFiles#commitFile}) once every region is complete; closed uncommitted, the file is removed.
 */
final class LocalRegionUpload implements RegionUpload {

    /** How many bytes a region write moves per positional write. */
    private static final int REGION_BUFFER = 256 * 1024;

    private final LocalFiles files;
    private final String location;
    private final String name;
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final RegionLayout regions;
    private final long size;
    private final UploadOptions options;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean committed;

    LocalRegionUpload(LocalFiles files, String location, String name, Path target, Path temp, FileChannel channel,
                      List<Long> regionLengths, long size, UploadOptions options) {
        this.files = files;
        this.location = location;
        this.name = name;
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.size = size;
        this.options = options;
        this.regions = new RegionLayout(regionLengths);
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
        if (finished.get()) {
            throw new IllegalStateException("The upload of blob '" + name + "' was already "
                    + (committed ? "committed" : "discarded") + "; region " + index + " cannot be written");
        }
        regions.claim(index, name);
        long start = regions.offset(index);
        long length = regions.length(index);
        long position = start;
        long end = start + length;
        byte[] buffer = new byte[(int) Math.min(REGION_BUFFER, length)];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        while (position < end) {
            int n = content.read(buffer, 0, (int) Math.min(buffer.length, end - position));
            if (n < 0) {
                throw new IOException("Region " + index + " of blob '" + name + "' ended after "
                        + (position - start) + " of its " + length + " bytes");
            }
            wrapped.limit(n).position(0);
            while (wrapped.hasRemaining()) {
                position += channel.write(wrapped, position);
            }
        }
        if (content.read() >= 0) {
            throw new IOException("Region " + index + " of blob '" + name + "' is longer than its " + length
                    + " bytes");
        }
        regions.complete(index);
    }

    @Override
    public void commit() {
        if (finished.get()) {
            throw new IllegalStateException("The upload of blob '" + name + "' was already "
                    + (committed ? "committed" : "discarded"));
        }
        regions.requireComplete(name, location);
        try {
            channel.close();
            if (Files.size(temp) != size) {
                throw new BlobStoreException("Blob '" + name + "' was " + Files.size(temp) + " bytes after its"
                        + " regions were written, expected " + size + ": not committed");
            }
            files.commitFile(name, target, temp, options);
            committed = true;
            finished.set(true);
        } catch (IOException e) {
            throw files.cannotCommit(name, e);
        }
    }

    @Override
    public void close() {
        if (committed || !finished.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            throw LocalFiles.cannotDiscard(name, temp, e);
        } finally {
            files.discard(name, temp);
        }
    }
}
