package org.ocitransfer.core.run;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.ocitransfer.api.ProgressListener;
import org.ocitransfer.api.RunProgress;

/**
 * Counts a run's bytes and artifacts and tells its listener. Thread-safe: a run's worker threads report into it
 * concurrently, and the listener is called by one thread at a time, with counts that never go backwards.
 */
public final class ProgressTracker {

    private final String runName;
    private final ProgressListener listener;
    private final AtomicLong bytesDone = new AtomicLong();
    private final AtomicLong bytesTotal = new AtomicLong();
    private final AtomicInteger artifactsDone = new AtomicInteger();
    private final AtomicInteger artifactsTotal = new AtomicInteger();

    /** For one run. */
    public ProgressTracker(String runName, ProgressListener listener) {
        this.runName = runName;
        this.listener = listener == null ? ProgressListener.NONE : listener;
    }

    /** Sets the totals once known. */
    public void totals(long bytes, int artifacts) {
        bytesTotal.set(bytes);
        artifactsTotal.set(artifacts);
        emit();
    }

    /** Adds moved (or already present) bytes. */
    public void bytes(long n) {
        bytesDone.addAndGet(n);
        emit();
    }

    /** One more artifact finished. */
    public void artifactDone() {
        artifactsDone.incrementAndGet();
        emit();
    }

    /** The progress so far. */
    public RunProgress snapshot() {
        return new RunProgress(bytesDone.get(), bytesTotal.get(), artifactsDone.get(), artifactsTotal.get());
    }

    private synchronized void emit() {
        listener.onProgress(runName, snapshot());
    }
}
