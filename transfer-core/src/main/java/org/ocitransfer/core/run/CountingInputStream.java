// Passes bytes through and reports how many went by, in chunks, to a progress tracker.
package org.ocitransfer.core.run;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read through it into a progress tracker, reporting every MiB and at close. */
final class CountingInputStream extends FilterInputStream {

    private static final long REPORT_EVERY = 1 << 20;
    private final ProgressTracker progress;
    private long pending;

    CountingInputStream(InputStream in, ProgressTracker progress) {
        super(in);
        this.progress = progress;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(long n) {
        pending += n;
        if (pending >= REPORT_EVERY) {
            progress.bytes(pending);
            pending = 0;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } finally {
            if (pending > 0) {
                progress.bytes(pending);
                pending = 0;
            }
        }
    }
}
