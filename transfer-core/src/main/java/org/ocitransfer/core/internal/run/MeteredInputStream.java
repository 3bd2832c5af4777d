// Passes bytes through and tells a consumer how many each read gave: how a run sees bytes go by on a read path.
package org.ocitransfer.core.internal.run;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** An input stream that reports to {@code onRead} how many bytes each read returned (nothing at the end). */
final class MeteredInputStream extends FilterInputStream {

    private final LongConsumer onRead;

    MeteredInputStream(InputStream in, LongConsumer onRead) {
        super(in);
        this.onRead = onRead;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            onRead.accept(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            onRead.accept(n);
        }
        return n;
    }
}
