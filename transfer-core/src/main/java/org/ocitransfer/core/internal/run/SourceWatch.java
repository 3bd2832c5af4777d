// Remembers the first failure of a source's stream, so a copy that fails while reading it names the source.
package org.ocitransfer.core.internal.run;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;

/** Remembers the first failure of the stream it wraps: a failure there is the source's (or the content's). */
final class SourceWatch extends FilterInputStream {
    private final AtomicReference<Exception> failure;

    SourceWatch(InputStream in, AtomicReference<Exception> failure) {
        super(in);
        this.failure = failure;
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
            throw e;
        }
    }
}
