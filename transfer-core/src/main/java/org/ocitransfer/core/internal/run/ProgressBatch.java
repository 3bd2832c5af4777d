// Hands byte counts to a run's progress tracker a MiB at a time, so its listener is not called on every read.
package org.ocitransfer.core.internal.run;

import java.util.function.LongConsumer;

/** Collects the byte counts of one stream (one thread) and reports them in MiB batches; {@link #flush} the rest. */
final class ProgressBatch implements LongConsumer {

    private static final long REPORT_EVERY = 1 << 20;
    private final ProgressTracker progress;
    private long pending;

    ProgressBatch(ProgressTracker progress) {
        this.progress = progress;
    }

    @Override
    public void accept(long bytes) {
        pending += bytes;
        if (pending >= REPORT_EVERY) {
            flush();
        }
    }

    /** Reports what has not been reported yet. */
    void flush() {
        if (pending > 0) {
            progress.bytes(pending);
            pending = 0;
        }
    }
}
