package org.ocitransfer.core.content;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A base for streams that check, count, time or bound their bytes in one place, their
 * {@link #read(byte[], int, int)}: unlike a plain {@link FilterInputStream}, no other way of reading goes around it.
 * {@link #read()} reads one byte through it (into a buffer the stream keeps: no allocation per read), {@link #skip}
 * reads and discards through it, and mark and reset are not supported. {@link VerifyingInputStream} is one.
 *
 * <p>{@link #in} may be null for a stream whose bytes do not come from one upstream stream (it then overrides
 * {@link #read(byte[], int, int)} and, when it holds anything, {@link #close()}); {@link #available()} is 0 then.
 */
public abstract class BlockFilterInputStream extends FilterInputStream {

    private static final int SKIP_BUFFER = 8192;
    private byte[] one;

    /**
     * @param in the upstream stream, or null when the subclass reads from elsewhere
     */
    protected BlockFilterInputStream(InputStream in) {
        super(in);
    }

    /** One byte, read through {@link #read(byte[], int, int)}. */
    @Override
    public int read() throws IOException {
        byte[] b = one;
        if (b == null) {
            b = new byte[1];
            one = b;
        }
        int n;
        do {
            n = read(b, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : b[0] & 0xff;
    }

    /** Reads and discards up to {@code n} bytes through {@link #read(byte[], int, int)}, so they count as read. */
    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        byte[] buffer = new byte[(int) Math.min(SKIP_BUFFER, n)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        InputStream upstream = in;
        return upstream == null ? 0 : upstream.available();
    }

    /** Closes the upstream stream, if there is one. */
    @Override
    public void close() throws IOException {
        InputStream upstream = in;
        if (upstream != null) {
            upstream.close();
        }
    }

    /** False: a reset would read bytes twice past the checks. */
    @Override
    public boolean markSupported() {
        return false;
    }

    /** Does nothing: marks are not supported. */
    @Override
    public void mark(int readlimit) {
        // not supported
    }

    /** @throws IOException always: marks are not supported */
    @Override
    public void reset() throws IOException {
        throw new IOException("mark and reset are not supported by " + getClass().getSimpleName());
    }
}
