package org.ocitransfer.core.internal.run;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Passes bytes through and reports how many went by, in MiB batches, to a progress tracker. */
final class CountingOutputStream extends FilterOutputStream {

    private final ProgressBatch counted;

    CountingOutputStream(OutputStream out, ProgressTracker progress) {
        super(out);
        this.counted = new ProgressBatch(progress);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        counted.accept(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        counted.accept(len);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
        counted.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
