// A blob's push body that reports the run's progress as it is read and remembers a failure of the source's stream.
package org.ocitransfer.core.internal.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;
import org.ocitransfer.core.content.ContentSource;

/**
 * A blob's push body for {@link GraphCopy} that reports progress as it is read (bytes re-read by a retried push are
 * not counted again; {@link #finish()} counts what did not need to move) and remembers a failure of the source's
 * stream ({@link #failedReading()}), so a push that fails on it names the source.
 */
final class ProgressingSource implements ContentSource {
    private final ContentSource body;
    private final long size;
    private final ProgressTracker progress;
    private volatile long reported;
    private final AtomicReference<Exception> readFailure = new AtomicReference<>();

    ProgressingSource(ContentSource body, long size, ProgressTracker progress) {
        this.body = body;
        this.size = size;
        this.progress = progress;
    }

    @Override
    public InputStream open() throws IOException {
        long[] position = {0}; // of this opening: a retried push reads from 0 again
        InputStream in;
        try {
            in = body.open();
        } catch (IOException | RuntimeException e) {
            readFailure.compareAndSet(null, e);
            throw e;
        }
        return new MeteredInputStream(new SourceWatch(in, readFailure), n -> {
            position[0] += n;
            if (position[0] > reported + (1 << 20) || position[0] == size) {
                report(position[0]);
            }
        });
    }

    private synchronized void report(long position) {
        long upTo = Math.min(position, size);
        if (upTo > reported) {
            progress.bytes(upTo - reported);
            reported = upTo;
        }
    }

    /** Counts the rest of the blob as moved: it was there already, or mounted. */
    void finish() {
        report(size);
    }

    /** Whether opening or reading the source's stream failed. */
    boolean failedReading() {
        return readFailure.get() != null;
    }

    @Override
    public boolean replayable() {
        return body.replayable();
    }
}
