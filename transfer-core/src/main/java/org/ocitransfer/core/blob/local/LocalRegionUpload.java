// A region upload into a local directory container: regions written at their positions, committed once all are done.
package org.ocitransfer.core.blob.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.ocitransfer.core.blob.BlobStoreException;
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
    private final long[] offsets;
    private final long[] lengths;
    private final long size;
    private final UploadOptions options;
    /** Per region: 0 not started, 1 being written, 2 complete. */
    private final AtomicIntegerArray states;
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
        this.lengths = new long[regionLengths.size()];
        this.offsets = new long[regionLengths.size()];
        long offset = 0;
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = regionLengths.get(i);
            offsets[i] = offset;
            offset += lengths[i];
        }
        this.states = new AtomicIntegerArray(lengths.length);
    }

    @Override
    public int regionCount() {
        return lengths.length;
    }

    @Override
    public long regionOffset(int index) {
        return offsets[index];
    }

    @Override
    public long regionLength(int index) {
        return lengths[index];
    }

    @Override
    public void write(int index, InputStream content) throws IOException {
        Objects.checkIndex(index, lengths.length);
        if (finished.get()) {
            throw new IllegalStateException("The upload of blob '" + name + "' was already "
                    + (committed ? "committed" : "discarded") + "; region " + index + " cannot be written");
        }
        if (!states.compareAndSet(index, 0, 1)) {
            throw new IllegalStateException("Region " + index + " of blob '" + name + "' is already written");
        }
        long position = offsets[index];
        long end = position + lengths[index];
        byte[] buffer = new byte[(int) Math.min(REGION_BUFFER, lengths[index])];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        while (position < end) {
            int n = content.read(buffer, 0, (int) Math.min(buffer.length, end - position));
            if (n < 0) {
                throw new IOException("Region " + index + " of blob '" + name + "' ended after "
                        + (position - offsets[index]) + " of its " + lengths[index] + " bytes");
            }
            wrapped.limit(n).position(0);
            while (wrapped.hasRemaining()) {
                position += channel.write(wrapped, position);
            }
        }
        if (content.read() >= 0) {
            throw new IOException("Region " + index + " of blob '" + name + "' is longer than its "
                    + lengths[index] + " bytes");
        }
        states.set(index, 2);
    }

    @Override
    public void commit() {
        if (finished.get()) {
            throw new IllegalStateException("The upload of blob '" + name + "' was already "
                    + (committed ? "committed" : "discarded"));
        }
        List<Integer> incomplete = new ArrayList<>();
        for (int i = 0; i < lengths.length && incomplete.size() < 10; i++) {
            if (states.get(i) != 2) {
                incomplete.add(i);
            }
        }
        if (!incomplete.isEmpty()) {
            throw new BlobStoreException("Blob '" + name + "' in " + location + " was not committed: region(s) "
                    + incomplete + " of " + lengths.length + " are incomplete; write every region first");
        }
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
