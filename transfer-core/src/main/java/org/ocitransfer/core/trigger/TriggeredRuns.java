// A source trigger's import runs: claims a blob, starts its run once, renews the claim, records the end, releases.
package org.ocitransfer.core.trigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunOperation;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.RunTrigger;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.blob.BlobClaim;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.state.RecordConflictException;
import org.ocitransfer.core.state.RecordStore;
import org.ocitransfer.core.trigger.SourceTriggerSupport.StoredRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run bookkeeping of a {@link SourceTriggerWatcher}: for a blob offered by a poll, takes an import slot, claims the
 * blob, checks under the claim that its run is still to do (its record ended for good, or the blob changed: nothing
 * starts), starts the run with the record store's ETag precondition, then watches it on a thread of its own: renews
 * the claim while the run goes, records how it ended (settled, or marked interrupted when the watcher stopped it) and
 * only then releases the claim and the slot. Remembers the runs known to have ended for good, so a poll need not read
 * their records again. Logs under {@link SourceTriggerWatcher}'s category.
 */
final class TriggeredRuns {

    private static final Logger LOG = LoggerFactory.getLogger(SourceTriggerWatcher.class);
    private static final Duration SUPERVISE_STEP = Duration.ofMillis(100);

    private final SourceTriggerSupport client;
    private final String pipelineName;
    private final Duration claimDuration;
    private final Clock clock;
    private final int maxConcurrentImports;
    private final BooleanSupplier closed;
    private final Semaphore permits;
    private final ExecutorService supervisors;
    /** Runs known to have ended for good: a cache of what the run records say, pruned to the listed blobs. */
    private final Set<String> settled = ConcurrentHashMap.newKeySet();
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();

    /**
     * @param closed      whether the watcher is closing: nothing starts, and a run going on stops at its next step
     * @param supervisors one thread per import slot, to watch the runs
     */
    TriggeredRuns(SourceTriggerSupport client, String pipelineName, Duration claimDuration, Clock clock,
                  int maxConcurrentImports, BooleanSupplier closed, ExecutorService supervisors) {
        this.client = client;
        this.pipelineName = pipelineName;
        this.claimDuration = claimDuration;
        this.clock = clock;
        this.maxConcurrentImports = maxConcurrentImports;
        this.closed = closed;
        this.permits = new Semaphore(maxConcurrentImports);
        this.supervisors = supervisors;
    }

    /**
     * Starts the run {@code name}, an import of {@code archive} for the blob, unless it ended for good, is going on,
     * or no import slot is free; a failure to start is logged and left to a later poll.
     *
     * @param blob the blob the run is for (an archive, or a part set's first part): the one claimed
     * @return whether the run started
     */
    boolean offer(ImportPipeline pipeline, BlobStore container, BlobItem blob, String archive, String name) {
        if (closed.getAsBoolean() || settled.contains(name) || inFlight.containsKey(name)) {
            return false;
        }
        Optional<StoredRun> seen = client.findRun(name);
        if (seen.isPresent() && endedForGood(seen.get())) {
            settled.add(name);
            return false;
        }
        if (!permits.tryAcquire()) {
            LOG.debug("Pipeline {}: {} imports going on, the most at once; blob '{}' waits for a later poll",
                    pipelineName, maxConcurrentImports, blob.name());
            return false;
        }
        boolean handedOver = false;
        try {
            handedOver = tryStart(pipeline, container, blob, archive, name);
            return handedOver;
        } catch (TransferException e) {
            LOG.warn("Pipeline {}: blob '{}' could not be started now, a later poll tries again: {}",
                    pipelineName, blob.name(), e.getMessage(), e);
            return false;
        } finally {
            if (!handedOver) {
                permits.release();
            }
        }
    }

    /** Forgets the settled runs of blobs no longer listed (so their names may be used again). */
    void retainSettled(Set<String> listed) {
        settled.retainAll(listed);
    }

    /**
     * Claims the blob (an archive, or a part set's first part), checks again under the claim that its run is still to
     * do, and starts it: an import of {@code archive}.
     */
    private boolean tryStart(ImportPipeline pipeline, BlobStore container, BlobItem blob, String archive,
                             String name) {
        Optional<BlobClaim> claimed = container.tryClaim(blob.name(), claimDuration);
        if (claimed.isEmpty()) {
            LOG.debug("Blob '{}' is claimed by another watcher", blob.name());
            return false;
        }
        BlobClaim claim = claimed.get();
        boolean handedOver = false;
        try {
            Optional<BlobItem> current = container.properties(blob.name());
            if (current.isEmpty() || !SourceTriggerWatcher.version(current.get())
                    .equals(SourceTriggerWatcher.version(blob))) {
                LOG.debug("Blob '{}' changed or went since it was listed: left to the next poll", blob.name());
                return false;
            }
            // Read under the claim: whoever held it before wrote the run's final record before releasing it.
            Optional<StoredRun> stored = client.findRun(name);
            if (stored.isPresent() && endedForGood(stored.get())) {
                settled.add(name);
                return false;
            }
            stored.ifPresent(s -> LOG.warn("Run {} of blob '{}' never ended ({}): importing the blob again",
                    name, blob.name(), s.interrupted() ? s.run().response().pipelineRunErrorMessage()
                            : "it was left " + s.run().status() + " by a watcher whose claim lapsed, so it stopped"));
            Instant now = clock.instant();
            StopOnClose stop = new StopOnClose(name, blob.name());
            RunOperation operation;
            try {
                operation = client.startTriggeredRun(name, PipelineRunRequest.importBlob(pipeline.name(),
                                archive), now.toString(), RunTrigger.source(now),
                        stored.map(StoredRun::etag).orElse(RecordStore.ABSENT), container, stop);
            } catch (RecordConflictException e) {
                LOG.info("Run {} of blob '{}' was written by another writer first: left to it", name, blob.name());
                return false;
            }
            LOG.info("Blob '{}' landed in {}: started import run {} of '{}'", blob.name(), container.location(), name,
                    archive);
            InFlight flight = new InFlight(name, claim, operation, stop);
            inFlight.put(name, flight);
            supervisors.execute(flight);
            handedOver = true;
            return true;
        } finally {
            if (!handedOver) {
                claim.close();
            }
        }
    }

    private static boolean endedForGood(StoredRun stored) {
        return stored.run().status().isTerminal() && !stored.interrupted();
    }

    /** How many runs are going on now. */
    int inFlight() {
        return inFlight.size();
    }

    /** See {@link SourceTriggerWatcher#awaitIdle}. */
    boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (inFlight) {
            while (!inFlight.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    inFlight.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransferException("Interrupted while waiting for the imports of pipeline "
                            + pipelineName + " to end", e);
                }
            }
            return true;
        }
    }

    /** No run is watched from here on (the watcher closes; a poll going on has ended). */
    void shutdown() {
        supervisors.shutdown();
    }

    /** Waits until {@code deadline} ({@link System#nanoTime()}) for the runs going on to stop. */
    void awaitStopped(long deadline, Duration stopTimeout) {
        try {
            long left = deadline - System.nanoTime();
            if (left > 0 && !supervisors.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                LOG.warn("Source trigger of pipeline {}: imports {} did not stop within {} s; releasing their claims"
                        + " (closing the client stops them)", pipelineName, inFlight.keySet(), stopTimeout.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Releases the claim of every run still watched, and stops watching them. */
    void releaseClaims() {
        for (InFlight flight : inFlight.values()) {
            release(flight.claim);
        }
        supervisors.shutdownNow();
    }

    /** Watches one run: renews its claim while it goes, records how it ended, then releases the claim. */
    private final class InFlight implements Runnable {
        private final String name;
        private final BlobClaim claim;
        private final RunOperation operation;
        private final StopOnClose stop;

        InFlight(String name, BlobClaim claim, RunOperation operation, StopOnClose stop) {
            this.name = name;
            this.claim = claim;
            this.operation = operation;
            this.stop = stop;
        }

        @Override
        public void run() {
            try {
                supervise();
            } catch (RuntimeException e) {
                LOG.error("Source trigger of pipeline {}: watching run {} failed; its claim is released and its"
                        + " record says how far it got", pipelineName, name, e);
            } finally {
                release(claim);
                permits.release();
                synchronized (inFlight) {
                    inFlight.remove(name);
                    inFlight.notifyAll();
                }
            }
        }

        private void supervise() {
            Duration renewEvery = claimDuration.dividedBy(3);
            long nextRenewal = System.nanoTime() + renewEvery.toNanos();
            while (!operation.isDone()) {
                try {
                    Thread.sleep(SUPERVISE_STEP.toMillis());
                } catch (InterruptedException e) {
                    // close() gave up waiting for this run: it releases the claim; the client's close ends the run.
                    Thread.currentThread().interrupt();
                    return;
                }
                if (System.nanoTime() - nextRenewal >= 0) {
                    if (!claim.renew(claimDuration)) {
                        LOG.warn("Run {} lost its claim on blob '{}' (it was not renewed in time): another watcher"
                                + " may import the blob again", name, stop.blobName);
                    }
                    nextRenewal = System.nanoTime() + renewEvery.toNanos();
                }
            }
            PipelineRun ended = operation.await();
            if (stop.stopped && ended.status() != RunStatus.Succeeded) {
                client.markInterrupted(name, "The source trigger watcher of pipeline " + pipelineName
                        + " stopped while this run was importing blob '" + stop.blobName + "'. A watcher"
                        + " imports the blob again when it runs.");
                LOG.info("Run {} stopped with its watcher: blob '{}' will be imported again", name,
                        stop.blobName);
            } else {
                settled.add(name);
                LOG.info("Import run {} of blob '{}' ended {}{}", name, stop.blobName, ended.status(),
                        ended.response().pipelineRunErrorMessage() == null ? ""
                                : ": " + ended.response().pipelineRunErrorMessage());
            }
        }
    }

    /** Stops a run at its next step once the watcher is closing: the reason it stops, asked by the run. */
    private final class StopOnClose implements Supplier<String> {
        private final String runName;
        private final String blobName;
        private volatile boolean stopped;

        StopOnClose(String runName, String blobName) {
            this.runName = runName;
            this.blobName = blobName;
        }

        @Override
        public String get() {
            if (!closed.getAsBoolean()) {
                return null;
            }
            stopped = true;
            return "The source trigger watcher of pipeline " + pipelineName + " is stopping: run " + runName
                    + " stops here; blob '" + blobName + "' will be imported again";
        }
    }

    private static void release(BlobClaim claim) {
        try {
            claim.close();
        } catch (RuntimeException e) {
            LOG.warn("Could not release the claim on blob '{}'; it lapses at {}: {}", claim.blobName(),
                    claim.expiresAt(), e.getMessage(), e);
        }
    }
}
