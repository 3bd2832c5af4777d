package org.ocitransfer.core.internal.run;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.ocitransfer.api.ArtifactEvent;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ProgressListener;
import org.ocitransfer.api.RunPhase;
import org.ocitransfer.api.RunProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a run's bytes and artifacts and tells its listener, with each artifact's steps and the run's phase.
 * Thread-safe: a run's worker threads report into it concurrently, and the listener is called by one thread at a
 * time, with counts that never go backwards. A listener that throws is isolated: its first exception is logged
 * (once per run) and the run goes on.
 */
public final class ProgressTracker {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressTracker.class);

    private final String runName;
    private final ProgressListener listener;
    private final AtomicLong bytesDone = new AtomicLong();
    private final AtomicLong bytesTotal = new AtomicLong();
    private final AtomicInteger artifactsDone = new AtomicInteger();
    private final AtomicInteger artifactsTotal = new AtomicInteger();
    private final AtomicBoolean listenerFailed = new AtomicBoolean();
    private final Supplier<? extends RuntimeException> stop;

    /** For one run. */
    public ProgressTracker(String runName, ProgressListener listener) {
        this(runName, listener, () -> null);
    }

    /**
     * For one run that its client may stop: at each step (progress, an artifact starting) {@code stop} is asked, and
     * what it returns, when not null, is thrown there (on the run's thread or a worker's), which stops the run. Unlike
     * a listener's exception, it is not isolated.
     */
    public ProgressTracker(String runName, ProgressListener listener, Supplier<? extends RuntimeException> stop) {
        this.runName = runName;
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.stop = stop;
    }

    private void checkStop() {
        RuntimeException stopping = stop.get();
        if (stopping != null) {
            throw stopping;
        }
    }

    /** Sets the totals once known. */
    public void totals(long bytes, int artifacts) {
        bytesTotal.set(bytes);
        artifactsTotal.set(artifacts);
        emit();
    }

    /** Sets the bytes' total once known, the artifacts' staying as set. */
    public void totalBytes(long bytes) {
        bytesTotal.set(bytes);
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

    /** The run began to work on an artifact. */
    public void artifactStarted(String artifact, String digest) {
        checkStop();
        tell(() -> listener.onArtifact(runName, new ArtifactEvent(artifact, digest, ArtifactEvent.Kind.STARTED,
                null)));
    }

    /**
     * An artifact's final result: Succeeded or TagKept counts it done and is heard as {@code SUCCEEDED}; Failed is
     * heard as {@code FAILED}; Skipped is not an event (the run stopped before it, at a failure heard already).
     */
    public void artifactFinished(ArtifactResult result) {
        switch (result.status()) {
            case Succeeded, TagKept -> {
                artifactDone();
                tell(() -> listener.onArtifact(runName, new ArtifactEvent(result.artifact(), result.digest(),
                        ArtifactEvent.Kind.SUCCEEDED, result)));
            }
            case Failed -> tell(() -> listener.onArtifact(runName, new ArtifactEvent(result.artifact(),
                    result.digest(), ArtifactEvent.Kind.FAILED, result)));
            case Skipped -> {
            }
        }
    }

    /** The run entered a phase. */
    public void phase(RunPhase phase) {
        tell(() -> listener.onPhase(runName, phase));
    }

    /** The progress so far. */
    public RunProgress snapshot() {
        return new RunProgress(bytesDone.get(), bytesTotal.get(), artifactsDone.get(), artifactsTotal.get());
    }

    private void emit() {
        checkStop();
        tell(() -> listener.onProgress(runName, snapshot()));
    }

    /** Calls the listener, one call at a time; what it throws is logged the first time and otherwise ignored. */
    private synchronized void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            if (listenerFailed.compareAndSet(false, true)) {
                LOG.warn("Run {}: its progress listener threw {}; the run goes on, and later failures of the"
                        + " listener are not logged", runName, e.toString(), e);
            }
        }
    }
}
