package org.ocitransfer.core.internal.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.ocitransfer.api.BlobLocation;
import org.ocitransfer.api.PipelineKind;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.PipelineRunResponse;
import org.ocitransfer.api.ProgressListener;
import org.ocitransfer.api.ProvisioningState;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.ResourceNotFoundException;
import org.ocitransfer.api.RunOperation;
import org.ocitransfer.api.RunProgress;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.RunTrigger;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.trigger.SourceTriggerSupport;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.state.RecordConflictException;
import org.ocitransfer.core.state.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts runs on the client's run threads (at most maxConcurrentRuns at once) and tracks them: exactly one execution
 * per run across processes sharing the records (the writer of its Running record executes it), the executions of this
 * client, and the runs as stored.
 */
final class RunExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);

    private final PipelineRecords pipelines;
    private final RunRecords runs;
    private final RunRecovery recovery;
    private final Execution.Context context;
    private final int maxArtifacts;
    private final ExecutorService executor;
    private final ScheduledExecutorService heartbeats;
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();

    RunExecutor(PipelineRecords pipelines, BackendRouting backends, RunRecords runs, RunRecovery recovery,
                int maxArtifacts, int maxConcurrentRuns, int concurrency, Duration quietHeartbeat) {
        this.pipelines = pipelines;
        this.runs = runs;
        this.recovery = recovery;
        this.context = new Execution.Context(pipelines, backends, runs, concurrency, quietHeartbeat);
        this.maxArtifacts = maxArtifacts;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(maxConcurrentRuns, r -> {
            Thread t = new Thread(r, "transfer-run-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "transfer-run-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    RunOperation begin(String name, PipelineRunRequest request, String forceUpdateTag, ProgressListener listener) {
        PipelineRun submitted = new PipelineRun(name, request, forceUpdateTag, null, ProvisioningState.Creating);
        ResourceNames.PipelineId pipelineId = request.pipeline();
        if (pipelineId.kind() == PipelineKind.EXPORT) {
            pipelines.getExport(pipelineId.name());
            if (request.artifacts().size() > maxArtifacts) {
                throw new IllegalArgumentException("Run " + name + " names " + request.artifacts().size()
                        + " artifacts; a run takes at most " + maxArtifacts + ". Split them into several runs"
                        + " (each with its own target blob), or raise the limit on the client builder.");
            }
        } else {
            pipelines.getImport(pipelineId.name());
        }
        // Whoever writes the run's record first (a conditional create, or a conditional replace of a previous
        // record) executes it; every other caller, in this process or another, gets that run and waits on its record.
        synchronized (this) {
            while (true) {
                Execution running = executions.get(name);
                Optional<RecordStore.StoredRecord> stored = runs.stored(name);
                String expectedEtag = RecordStore.ABSENT;
                if (stored.isPresent()) {
                    RunRecord record = RunRecords.parse(stored.get());
                    PipelineRun previous = record.run();
                    boolean same = previous.request().equals(request)
                            && previous.forceUpdateTag().equals(submitted.forceUpdateTag());
                    if (same) {
                        LOG.info("Run {} was submitted again with identical properties and forceUpdateTag: not run"
                                + " again{}", name, running != null || previous.status().isTerminal() ? ""
                                : " (it is being executed by " + record.owner() + ")");
                        return running != null ? running : new RecordedOperation(name, this);
                    }
                    if ((running != null && !running.isDone())
                            || (running == null && !previous.status().isTerminal() && !runs.ownerIsDead(record))) {
                        throw new TransferException("Run " + name + " is still running" + (running != null ? ""
                                : " (executed by " + record.owner() + ")") + ": wait for it to end before"
                                + " submitting it again with other properties, or use another run name");
                    }
                    expectedEtag = stored.get().etag();
                }
                try {
                    return start(submitted, listener, null, expectedEtag, null, () -> null);
                } catch (RecordConflictException e) {
                    LOG.debug("Run {} was written by another process at the same time: reading it again", name);
                }
            }
        }
    }

    /** See {@link SourceTriggerSupport#startTriggeredRun}. */
    RunOperation startTriggered(String name, PipelineRunRequest request, String forceUpdateTag, RunTrigger trigger,
                                String expectedEtag, BlobStore source, Supplier<String> stopReason) {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(expectedEtag, "expectedEtag");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(stopReason, "stopReason");
        if (request.pipeline().kind() != PipelineKind.IMPORT) {
            throw new IllegalArgumentException("Only import runs are started by a source trigger, not " + name);
        }
        pipelines.getImport(request.pipeline().name());
        PipelineRun submitted = new PipelineRun(name, request, forceUpdateTag, null, ProvisioningState.Creating);
        synchronized (this) {
            return start(submitted, null, trigger, expectedEtag, source, stopReason);
        }
    }

    /**
     * Writes the run's Running record (only if the stored one is at {@code expectedEtag}, when set), then runs it,
     * reading an import's archive through {@code sourceStore} when set (else through a store it opens).
     */
    private Execution start(PipelineRun submitted, ProgressListener listener, RunTrigger trigger, String expectedEtag,
                            BlobStore sourceStore, Supplier<String> stopReason) {
        BlobLocation source = submitted.request().source();
        BlobLocation target = submitted.request().target();
        PipelineRunResponse response = PipelineRunResponse.builder().status(RunStatus.Running)
                .progress(RunProgress.NONE).startTime(Instant.now()).source(source).target(target).trigger(trigger)
                .build();
        PipelineRun running = new PipelineRun(submitted.name(), submitted.request(), submitted.forceUpdateTag(),
                response, ProvisioningState.Succeeded);
        Execution execution = new Execution(context, running, listener == null ? ProgressListener.NONE : listener,
                sourceStore, stopReason);
        runs.put(new RunRecord(running, runs.owner(), Instant.now()), expectedEtag);
        execution.start(executor, heartbeats);
        executions.put(running.name(), execution);
        return execution;
    }

    /**
     * The run now: this client's execution while it goes, else its record; a record left unfinished by a process
     * that is gone is marked Failed first.
     */
    PipelineRun current(String name) {
        Execution running = executions.get(name);
        if (running != null && !running.isDone()) {
            return running.poll();
        }
        RecordStore.StoredRecord stored = runs.stored(name)
                .orElseThrow(() -> new ResourceNotFoundException("Pipeline run", name));
        return settled(stored, RunRecords.parse(stored), running);
    }

    /** A stored run not executing here: its record's run, marked Failed first when its process is gone. */
    private PipelineRun settled(RecordStore.StoredRecord stored, RunRecord record, Execution running) {
        if (!record.run().status().isTerminal() && running == null && runs.ownerIsDead(record)) {
            return recovery.failOrphaned(stored, record).orElseGet(() -> get(record.run().name()));
        }
        return record.run();
    }

    PipelineRun get(String name) {
        Execution running = executions.get(name);
        if (running != null && !running.isDone()) {
            return running.poll();
        }
        return runs.read(name).map(RunRecord::run).orElseThrow(() -> new ResourceNotFoundException("Pipeline run",
                name));
    }

    /**
     * Every run, newest first; a record left unfinished by a process that is gone is marked Failed on the way (so
     * one pass, each record parsed once, also recovers every run).
     */
    List<PipelineRun> list() {
        List<PipelineRun> list = new ArrayList<>();
        for (RecordStore.StoredRecord stored : runs.list()) {
            RunRecord record = RunRecords.parse(stored);
            Execution running = executions.get(record.run().name());
            list.add(running != null && !running.isDone() ? running.poll() : settled(stored, record, running));
        }
        list.sort(Comparator.comparing((PipelineRun r) -> r.response() == null ? Instant.EPOCH
                : r.response().startTime()).reversed());
        return list;
    }

    void delete(String name) {
        Execution running = executions.get(name);
        if (running != null && !running.isDone()) {
            throw new TransferException("Run " + name + " is still running: wait for it to end, then delete it");
        }
        if (!runs.delete(name)) {
            throw new ResourceNotFoundException("Pipeline run", name);
        }
        executions.remove(name);
    }

    /** See {@link SourceTriggerSupport#findRun}. */
    Optional<SourceTriggerSupport.StoredRun> find(String name) {
        return runs.stored(name).map(r -> {
            RunRecord record = RunRecords.parse(r);
            return new SourceTriggerSupport.StoredRun(record.run(), r.etag(), record.wasInterrupted());
        });
    }

    /** See {@link SourceTriggerSupport#markInterrupted}. */
    void markInterrupted(String name, String message) {
        Execution running = executions.get(name);
        if (running != null && !running.isDone()) {
            return;
        }
        runs.stored(name).ifPresent(stored -> {
            PipelineRun run = RunRecords.parse(stored).run();
            if (run.status().isTerminal()) {
                runs.put(new RunRecord(RunRecords.interrupted(run, message), null, Instant.now(), true),
                        stored.etag());
            }
        });
    }

    /** Stops every run going on (each is recorded Failed, as interrupted) and the threads. */
    void close() {
        executions.values().forEach(Execution::stopWrites);
        heartbeats.shutdownNow();
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Some runs did not stop within 10 s of closing the client");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Execution e : executions.values()) {
            if (!e.isDone()) {
                runs.put(new RunRecord(RunRecords.interrupted(e.poll(), "The client was closed while the run was"
                        + " going; nothing was committed. Run it again with a new forceUpdateTag."), null,
                        Instant.now(), true), null);
            }
        }
    }
}
