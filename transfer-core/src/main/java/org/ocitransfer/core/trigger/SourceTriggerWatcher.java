package org.ocitransfer.core.trigger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Digest;
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
 *
 * <p>This class holds the lifecycle (start, poll schedule, close) and the settings; each poll is a
 * {@code ContainerPoll}, and the runs it starts are claimed, started and watched by {@code TriggeredRuns}.
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

    private final SourceTriggerSupport client;
    private final String pipelineName;
    private final Duration pollInterval;
    private final Duration maxBlobAge;
    private final Duration stopTimeout;
    private final int maxConcurrentImports;
    private final TriggeredRuns runs;
    /** Each poll, and the container it lists (guarded by pollLock). */
    private final ContainerPoll poll;
    private final Object pollLock = new Object();
    private ScheduledExecutorService scheduler;
    private volatile boolean closed;

    private SourceTriggerWatcher(Builder b, SourceTriggerSupport client) {
        this.client = client;
        this.pipelineName = b.pipelineName;
        this.pollInterval = b.pollInterval;
        this.maxBlobAge = b.maxBlobAge;
        this.stopTimeout = b.stopTimeout;
        this.maxConcurrentImports = b.maxConcurrentImports;
        this.runs = new TriggeredRuns(client, pipelineName, b.claimDuration, b.clock, b.maxConcurrentImports,
                () -> closed, Executors.newFixedThreadPool(b.maxConcurrentImports,
                daemonThreads("source-trigger-" + pipelineName + "-import-")));
        this.poll = new ContainerPoll(client, pipelineName, b.maxBlobAge, b.clock, runs);
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

    /** A blob's version: its ETag, else its size and last-modified time. */
    static String version(BlobItem blob) {
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
            return poll.pollOnce();
        }
    }

    /** How many imports this watcher has going on now. */
    public int importsInFlight() {
        return runs.inFlight();
    }

    /**
     * Waits until this watcher has no import going on.
     *
     * @return whether that happened within the timeout
     */
    public boolean awaitIdle(Duration timeout) {
        return runs.awaitIdle(timeout);
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
            runs.shutdown();
        }
        runs.awaitStopped(deadline, stopTimeout);
        // Stops the imports still going (each recorded Failed, as interrupted) before their claims are released.
        client.close();
        runs.releaseClaims();
        synchronized (pollLock) {
            poll.close();
        }
        LOG.info("Source trigger of import pipeline {} stopped", pipelineName);
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
