package org.ocitransfer.core.run;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Passes bytes through and reports how many went by, in chunks, to a progress tracker. */
final class CountingOutputStream extends FilterOutputStream {

    private static final long REPORT_EVERY = 1 << 20;
    private final ProgressTracker progress;
    private long pending;

    CountingOutputStream(OutputStream out, ProgressTracker progress) {
        super(out);
        this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        count(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        count(len);
    }

    private void count(long n) {
        pending += n;
        if (pending >= REPORT_EVERY) {
            progress.bytes(pending);
            pending = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
        if (pending > 0) {
            progress.bytes(pending);
            pending = 0;
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
