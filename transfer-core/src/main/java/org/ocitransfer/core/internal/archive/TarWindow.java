// Reads an archive forward for the tar scanner: ranged reads of a window at a time, skips past data by seeking.
package org.ocitransfer.core.internal.archive;

import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A forward-only position in an archive's source for {@link TarScanner}: bytes are read by ranged reads of at most
 * {@link #WINDOW} bytes each, and skipping past an entry's data reads on only within the window already fetched,
 * else drops the window and opens the next range past the data (a seek), so blob data is never downloaded. Counts
 * the bytes read. An archive shorter than it claims is refused with an {@link ArchiveFormatException}. Logs under
 * {@link TarScanner}'s category.
 */
final class TarWindow implements AutoCloseable {

    /** How much of the archive is read ahead in one ranged read while scanning headers. */
    static final int WINDOW = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(TarScanner.class);

    private final ArchiveSource source;
    private final long size;
    private long pos;
    private InputStream in;
    private long windowEnd;
    private long bytesRead;

    TarWindow(ArchiveSource source) {
        this.source = source;
        this.size = source.size();
    }

    /** The archive's size in bytes. */
    long size() {
        return size;
    }

    /** The offset of the next byte to read. */
    long position() {
        return pos;
    }

    /** The bytes left from the position to the end of the archive. */
    long remaining() {
        return size - pos;
    }

    /** How many bytes were read so far (skipped data that was not fetched does not count). */
    long bytesRead() {
        return bytesRead;
    }

    /**
     * Reads {@code length} bytes from the position.
     *
     * @param what what is being read, for the refusal when the archive ends first
     */
    byte[] read(int length, String what) throws IOException {
        byte[] out = new byte[length];
        int got = 0;
        while (got < length) {
            if (in == null || pos >= windowEnd) {
                openWindow();
            }
            int n = in.read(out, got, (int) Math.min(length - got, windowEnd - pos));
            if (n < 0) {
                throw truncated(" while reading " + what);
            }
            got += n;
            pos += n;
            bytesRead += n;
        }
        return out;
    }

    /** Moves the position forward to {@code target}. */
    void skipTo(long target) throws IOException {
        if (in != null && target <= windowEnd) {
            // Within the window already fetched: reading on costs less than another ranged read.
            byte[] sink = pos < target ? new byte[(int) Math.min(8192, target - pos)] : null;
            while (pos < target) {
                int n = in.read(sink, 0, (int) Math.min(sink.length, target - pos));
                if (n < 0) {
                    throw truncated("");
                }
                pos += n;
                bytesRead += n;
            }
            return;
        }
        close();
        pos = target;
    }

    private void openWindow() throws IOException {
        close();
        long length = Math.min(WINDOW, size - pos);
        in = source.open(pos, length);
        windowEnd = pos + length;
    }

    /** Drops the window fetched, if any; the next read opens another. */
    @Override
    public void close() {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // Only a read-ahead window is being dropped; nothing was lost. Record it for diagnosis.
                LOG.debug("Closing a read window of {} failed: {}", source.describe(), e.toString());
            }
            in = null;
        }
    }

    private ArchiveFormatException truncated(String during) {
        return ArchiveFormatException.refused(source.describe(), "it ends early at offset " + pos + during
                + ", although it claims " + size + " bytes: the archive is truncated", null);
    }
}
