package org.ocitransfer.core.trigger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.RunOperation;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.RunTrigger;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.api.TriggerStatus;
import org.ocitransfer.core.blob.BlobClaim;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.PartSet;
import org.ocitransfer.core.trigger.SourceTriggerSupport.StoredRun;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.state.RecordConflictException;
import org.ocitransfer.core.state.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source trigger of one import pipeline: polls the pipeline's container and starts one import run for each blob
 * that lands (new, or replaced with new content), exactly once across every watcher of the pipeline sharing the
 * container and the record store.
 *
 * <p>How exactly-once holds: each blob version (name and ETag) has one run, whose name is derived from the pipeline,
 * the blob's name and its version ({@link #runName}). A watcher imports a blob only while it holds the blob's claim
 * ({@link BlobStore#tryClaim}: an Azure lease, a claim file), renewed while the run goes and released only after the
 * run's final record is written; and it creates the run's record with the record store's ETag precondition, so of
 * watchers racing for a blob only one starts it. The run record is the durable fact: a blob whose run ended
 * (Succeeded, CompletedWithErrors, or Failed for a reason of its own, such as "not a transfer archive") is never
 * imported again, after any restart. A run that never got to end is imported again: one left Running by a watcher
 * that died (its claim lapsed, so whoever gets the claim knows its owner is gone), or marked Failed as interrupted
 * (by a client that found its process dead, by a client closed mid-run, or by {@link #close()}).
 *
 * <p>Only blobs last modified within {@link Builder#maxBlobAge} are considered; the stores only list committed
 * blobs, so a blob still being written is never seen. The pipeline is read again at every poll: while its
 * source trigger is Disabled no run starts, and enabling it again imports only what has no run yet. With
 * DeleteSourceBlobOnSuccess the run deletes the blob after a wholly successful import; without it the run records
 * remember it. Deleting a triggered run's record makes its blob look new again.
 *
 * <p>A watcher has a client of its own, built by the {@link TransferClientBuilder} it came from ({@link #client()},
 * closed with the watcher).
 *
 * <pre>{@code
 * try (SourceTriggerWatcher watcher = new TransferClientBuilder().stateDirectory(state)
 *         .sourceTriggerWatcher("importer").pollInterval(Duration.ofSeconds(10)).build()) {
 *     watcher.start();
 *     ... // until told to stop; close() stops promptly, releases every claim and closes the client
 * }
 * }</pre>
 */
public final class SourceTriggerWatcher implements AutoCloseable {

    /** How often the container is listed unless told otherwise. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(60);
    /** The shortest poll interval. */
    public static final Duration MIN_POLL_INTERVAL = Duration.ofSeconds(1);
    /** Blobs last modified longer ago are not considered unless told otherwise. */
    public static final Duration DEFAULT_MAX_BLOB_AGE = Duration.ofDays(60);
    /** How long a claim lasts without renewal unless told otherwise (an Azure lease takes 15 to 60 s). */
    public static final Duration DEFAULT_CLAIM_DURATION = Duration.ofSeconds(30);
    /** How long {@link #close()} waits for imports going on to stop unless told otherwise. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    /** Imports at once per watcher unless told otherwise. */
    public static final int DEFAULT_MAX_CONCURRENT_IMPORTS = 2;
    /** The most imports at once a watcher may be given. */
    public static final int MAX_CONCURRENT_IMPORTS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(SourceTriggerWatcher.class);
    private static final String RUN_NAME_PREFIX = "trigger";
    private static final Duration SUPERVISE_STEP = Duration.ofMillis(100);

    private final SourceTriggerSupport client;
    private final String pipelineName;
    private final Duration pollInterval;
    private final Duration maxBlobAge;
    private final Duration claimDuration;
    private final Duration stopTimeout;
    private final Clock clock;
    private final int maxConcurrentImports;
    private final Semaphore permits;
    private final ExecutorService supervisors;
    private final Object pollLock = new Object();
    /** Runs known to have ended for good: a cache of what the run records say, pruned to the listed blobs. */
    private final Set<String> settled = ConcurrentHashMap.newKeySet();
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;
    private volatile boolean closed;
    /** The pipeline's container as last opened (guarded by pollLock until close). */
    private BlobStore store;
    private StorageContainer storeContainer;
    private PipelineIdentity storeIdentity;
    /** Containers given up (after an error, or a changed pipeline) while imports still read them. */
    private final List<BlobStore> retired = new ArrayList<>();

    private SourceTriggerWatcher(Builder b, SourceTriggerSupport client) {
        this.client = client;
        this.pipelineName = b.pipelineName;
        this.pollInterval = b.pollInterval;
        this.maxBlobAge = b.maxBlobAge;
        this.claimDuration = b.claimDuration;
        this.stopTimeout = b.stopTimeout;
        this.clock = b.clock;
        this.maxConcurrentImports = b.maxConcurrentImports;
        this.permits = new Semaphore(b.maxConcurrentImports);
        this.supervisors = Executors.newFixedThreadPool(b.maxConcurrentImports,
                daemonThreads("source-trigger-" + pipelineName + "-import-"));
    }

    /**
     * A builder for the watcher of an import pipeline, for {@link TransferClientBuilder#sourceTriggerWatcher}: the
     * way applications get one.
     *
     * @param clients      builds the watcher's own client, when the watcher is built
     * @param pipelineName the import pipeline whose container is watched
     */
    public static Builder builder(Supplier<? extends SourceTriggerSupport> clients, String pipelineName) {
        return new Builder(clients, pipelineName);
    }

    /** The watcher's client (closed with the watcher): to read the pipeline and the runs it started. */
    public TransferClient client() {
        return client;
    }

    /**
     * The name of the run that imports a blob version: {@code trigger} and 40 hex digits of the sha256 of the
     * pipeline's name, the blob's name and its version (the ETag, else size and last-modified time).
     */
    public static String runName(String pipelineName, BlobItem blob) {
        String key = pipelineName + "\n" + blob.name() + "\n" + version(blob);
        return RUN_NAME_PREFIX + Digest.sha256(key.getBytes(StandardCharsets.UTF_8)).hex().substring(0, 40);
    }

    private static String version(BlobItem blob) {
        return blob.etag() != null ? blob.etag()
                : blob.size() + "@" + (blob.lastModified() == null ? "" : blob.lastModified().toEpochMilli());
    }

    /** The watched import pipeline's name. */
    public String pipelineName() {
        return pipelineName;
    }

    /**
     * Starts polling every poll interval on a thread of its own, first right away. A failed poll is logged and the
     * next one goes on.
     *
     * @throws IllegalStateException when already started or closed
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("The source trigger watcher of pipeline " + pipelineName
                    + " is closed: build a new one");
        }
        if (scheduler != null) {
            throw new IllegalStateException("The source trigger watcher of pipeline " + pipelineName
                    + " is already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("source-trigger-" + pipelineName
                + "-poll-"));
        scheduler.scheduleWithFixedDelay(this::pollLogged, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Source trigger of import pipeline {} started: polling every {} s, at most {} imports at once,"
                + " blobs modified within {} days", pipelineName, pollInterval.toSeconds(), maxConcurrentImports,
                maxBlobAge.toDays());
    }

    private void pollLogged() {
        try {
            List<String> started = pollOnce();
            if (!started.isEmpty()) {
                LOG.debug("Poll of pipeline {} started {}", pipelineName, started);
            }
        } catch (RuntimeException e) {
            LOG.warn("Source trigger of import pipeline {}: this poll failed, the next one tries again in {} s: {}",
                    pipelineName, pollInterval.toSeconds(), e.getMessage());
            LOG.debug("The failed poll of pipeline {}", pipelineName, e);
        }
    }

    /**
     * Polls once, now: reads the pipeline; unless its trigger is Disabled, lists its container and starts an import
     * run for each blob version within the max age that has no run yet (or whose run never got to end), up to the
     * free import slots. The runs go on in the background ({@link #awaitIdle}).
     *
     * @return the names of the runs this poll started
     * @throws TransferException when the pipeline cannot be read or the container cannot be listed
     */
    public List<String> pollOnce() {
        synchronized (pollLock) {
            if (closed) {
                return List.of();
            }
            closeRetired(false);
            ImportPipeline pipeline = client.getImportPipeline(pipelineName);
            if (pipeline.sourceTrigger() == TriggerStatus.Disabled) {
                LOG.debug("Source trigger of import pipeline {} is Disabled: no runs start", pipelineName);
                return List.of();
            }
            BlobStore container = container(pipeline.source(), pipeline.identity());
            List<BlobItem> blobs;
            try {
                blobs = container.list();
            } catch (RuntimeException e) {
                forgetContainer();
                throw e;
            }
            Instant oldest = clock.instant().minus(maxBlobAge);
            List<BlobItem> candidates = blobs.stream()
                    .filter(b -> b.lastModified() != null && !b.lastModified().isBefore(oldest))
                    .sorted(Comparator.comparing(BlobItem::lastModified).thenComparing(BlobItem::name))
                    .toList();
            Set<String> listed = new HashSet<>();
            List<String> started = new ArrayList<>();
            for (BlobItem blob : candidates) {
                String archive = PartSet.importedAs(blob, blobs).orElse(null);
                if (archive == null) {
                    continue; // a later part, or a part set not whole yet: imported from its first part, once
                }
                String name = runName(pipeline.name(), blob);
                listed.add(name);
                if (closed || settled.contains(name) || inFlight.containsKey(name)) {
                    continue;
                }
                Optional<StoredRun> seen = client.findRun(name);
                if (seen.isPresent() && endedForGood(seen.get())) {
                    settled.add(name);
                    continue;
                }
                if (!permits.tryAcquire()) {
                    LOG.debug("Pipeline {}: {} imports going on, the most at once; blob '{}' waits for a later poll",
                            pipelineName, maxConcurrentImports, blob.name());
                    continue;
                }
                boolean handedOver = false;
                try {
                    handedOver = tryStart(pipeline, container, blob, archive, name);
                    if (handedOver) {
                        started.add(name);
                    }
                } catch (TransferException e) {
                    LOG.warn("Pipeline {}: blob '{}' could not be started now, a later poll tries again: {}",
                            pipelineName, blob.name(), e.getMessage(), e);
                } finally {
                    if (!handedOver) {
                        permits.release();
                    }
                }
            }
            settled.retainAll(listed);
            return started;
        }
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
            if (current.isEmpty() || !version(current.get()).equals(version(blob))) {
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

    private BlobStore container(StorageContainer wanted, PipelineIdentity identity) {
        if (store != null && !(wanted.equals(storeContainer) && Objects.equals(identity, storeIdentity))) {
            forgetContainer();
        }
        if (store == null) {
            store = client.openContainer(wanted, identity);
            storeContainer = wanted;
            storeIdentity = identity;
        }
        return store;
    }

    /** Drops the open container (it is opened again, with a fresh secret, at the next poll). */
    private void forgetContainer() {
        if (store != null) {
            retired.add(store);
        }
        store = null;
        storeContainer = null;
        storeIdentity = null;
        closeRetired(false);
    }

    private void closeRetired(boolean all) {
        if (all || inFlight.isEmpty()) {
            retired.forEach(BlobStore::close);
            retired.clear();
        }
    }

    /** How many imports this watcher has going on now. */
    public int importsInFlight() {
        return inFlight.size();
    }

    /**
     * Waits until this watcher has no import going on.
     *
     * @return whether that happened within the timeout
     */
    public boolean awaitIdle(Duration timeout) {
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

    /**
     * Stops: no poll starts any more; each import going on is stopped at its next step (it ends Failed, marked as
     * interrupted, so a watcher imports its blob again later), waiting at most the stop timeout; then every claim is
     * released. An import that has not stopped by then goes on in the client (closing the client stops it) but its
     * claim is released all the same. The client is not closed. Idempotent.
     */
    @Override
    public void close() {
        ScheduledExecutorService poller;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            poller = scheduler;
        }
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        if (poller != null) {
            poller.shutdown();
        }
        synchronized (pollLock) {
            // A poll going on has ended: nothing new starts from here.
            supervisors.shutdown();
        }
        try {
            long left = deadline - System.nanoTime();
            if (left > 0 && !supervisors.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                LOG.warn("Source trigger of pipeline {}: imports {} did not stop within {} s; releasing their claims"
                        + " (closing the client stops them)", pipelineName, inFlight.keySet(), stopTimeout.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Stops the imports still going (each recorded Failed, as interrupted) before their claims are released.
        client.close();
        for (InFlight flight : inFlight.values()) {
            release(flight.claim);
        }
        supervisors.shutdownNow();
        synchronized (pollLock) {
            if (store != null) {
                store.close();
                store = null;
            }
            closeRetired(true);
        }
        LOG.info("Source trigger of import pipeline {} stopped", pipelineName);
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
            if (!closed) {
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

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Builds a {@link SourceTriggerWatcher}. */
    public static final class Builder {
        private final Supplier<? extends SourceTriggerSupport> clients;
        private final String pipelineName;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration maxBlobAge = DEFAULT_MAX_BLOB_AGE;
        private Duration claimDuration = DEFAULT_CLAIM_DURATION;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private int maxConcurrentImports = DEFAULT_MAX_CONCURRENT_IMPORTS;
        private Clock clock = Clock.systemUTC();

        private Builder(Supplier<? extends SourceTriggerSupport> clients, String pipelineName) {
            this.clients = Objects.requireNonNull(clients, "clients");
            this.pipelineName = ResourceNames.validate(pipelineName, "import pipeline");
        }

        /** How often the container is listed: at least 1 s (default 60 s). */
        public Builder pollInterval(Duration interval) {
            if (interval == null || interval.compareTo(MIN_POLL_INTERVAL) < 0) {
                throw new IllegalArgumentException("The poll interval must be at least 1 s, got " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /** Blobs last modified longer ago than this are not considered (default 60 days). */
        public Builder maxBlobAge(Duration age) {
            if (age == null || age.isNegative() || age.isZero()) {
                throw new IllegalArgumentException("The max blob age must be positive, got " + age);
            }
            this.maxBlobAge = age;
            return this;
        }

        /** The most imports going on at once in this watcher: 1 to 64 (default 2). */
        public Builder maxConcurrentImports(int max) {
            if (max < 1 || max > MAX_CONCURRENT_IMPORTS) {
                throw new IllegalArgumentException("maxConcurrentImports must be 1 to " + MAX_CONCURRENT_IMPORTS
                        + ", got " + max);
            }
            this.maxConcurrentImports = max;
            return this;
        }

        /**
         * How long a claim on a blob lasts unless renewed (default 30 s; renewed every third of it while the import
         * goes): a watcher that dies loses its blob to another this long after. At least 1 s; an Azure lease is held
         * for 15 to 60 s and renewed for longer claims.
         */
        public Builder claimDuration(Duration duration) {
            if (duration == null || duration.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("The claim duration must be at least 1 s, got " + duration);
            }
            this.claimDuration = duration;
            return this;
        }

        /** How long {@link SourceTriggerWatcher#close()} waits for imports going on to stop (default 10 s). */
        public Builder stopTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("The stop timeout must not be negative, got " + timeout);
            }
            this.stopTimeout = timeout;
            return this;
        }

        /** The clock for blob ages and trigger timestamps (default the system's, UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Builds the watcher (not started) and its client. */
        public SourceTriggerWatcher build() {
            return new SourceTriggerWatcher(this, clients.get());
        }
    }
}
