package org.ocitransfer.core.internal.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.ocitransfer.api.ArtifactEvent;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.BlobLocation;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineKind;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.PipelineRunResponse;
import org.ocitransfer.api.ProgressListener;
import org.ocitransfer.api.ProvisioningState;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.RunOperation;
import org.ocitransfer.api.RunPhase;
import org.ocitransfer.api.RunProgress;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.internal.run.ExportRunner;
import org.ocitransfer.core.internal.run.ImportRunner;
import org.ocitransfer.core.internal.run.ProgressTracker;
import org.ocitransfer.core.internal.run.RunFailedException;
import org.ocitransfer.core.internal.run.RunOutcome;
import org.ocitransfer.core.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One run executing in this client: runs the export or import on a run thread (with the run's name in the MDC under
 * {@value #MDC_KEY}), keeps its latest state, writes its record as it progresses (at most every
 * {@link #HEARTBEAT}) and when quiet (every quiet heartbeat), and writes its final record.
 */
final class Execution implements RunOperation {

    /** The MDC key holding the run's name on every thread working for it. */
    static final String MDC_KEY = "pipelineRun";
    private static final Logger LOG = LoggerFactory.getLogger(Execution.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);

    /** What a run needs from its client: pipelines, backends, run records, how many blobs at once. */
    record Context(PipelineRecords pipelines, BackendRouting backends, RunRecords runs, int concurrency,
                   Duration quietHeartbeat) {
    }

    private final Context context;
    private final String name;
    private final AtomicReference<PipelineRun> latest;
    private final ProgressListener listener;
    private final BlobStore source;
    private final Supplier<String> stopReason;
    private volatile CompletableFuture<PipelineRun> future;
    private volatile ScheduledFuture<?> beat;
    /** Guards the record's writes while the run goes, and {@link #ended}: none follows the last one. */
    private final Object writes = new Object();
    private Instant lastWrite = Instant.EPOCH;
    private boolean ended;

    /**
     * @param source     an import's container, opened by the caller (a source trigger holding the blob's claim); null
     *                   to open the pipeline's
     * @param stopReason asked at each step: when it returns a reason, the run stops there, Failed with it
     */
    Execution(Context context, PipelineRun initial, ProgressListener listener, BlobStore source,
              Supplier<String> stopReason) {
        this.context = context;
        this.name = initial.name();
        this.latest = new AtomicReference<>(initial);
        this.listener = listener;
        this.source = source;
        this.stopReason = stopReason;
    }

    /** Starts it on {@code runThreads}, its quiet heartbeat on {@code heartbeats}. */
    void start(java.util.concurrent.Executor runThreads, java.util.concurrent.ScheduledExecutorService heartbeats) {
        long every = context.quietHeartbeat().toMillis();
        beat = heartbeats.scheduleWithFixedDelay(this::beatIfQuiet, every, every, TimeUnit.MILLISECONDS);
        future = CompletableFuture.supplyAsync(this::execute, runThreads);
    }

    private PipelineRun execute() {
        MDC.put(MDC_KEY, name);
        try {
            return executeInContext();
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    private PipelineRun executeInContext() {
        PipelineRun run = latest.get();
        PipelineRunRequest request = run.request();
        ProgressListener forwarding = new ProgressListener() {
            @Override
            public void onProgress(String runName, RunProgress progress) {
                Execution.this.onProgress(runName, progress);
            }

            @Override
            public void onArtifact(String runName, ArtifactEvent event) {
                listener.onArtifact(runName, event);
            }

            @Override
            public void onPhase(String runName, RunPhase phase) {
                listener.onPhase(runName, phase);
            }
        };
        ProgressTracker progress = new ProgressTracker(name, forwarding, () -> {
            String reason = stopReason.get();
            return reason == null ? null : new TransferException(reason, ErrorCategory.UNAVAILABLE);
        });
        RunOutcome outcome;
        ErrorCategory category = null;
        String blobUri = null;
        try {
            ResourceNames.PipelineId id = request.pipeline();
            if (id.kind() == PipelineKind.EXPORT) {
                ExportPipeline pipeline = context.pipelines().getExport(id.name());
                try (Registry registry = context.backends().openRegistry(pipeline.registry());
                     BlobStore store = context.backends().openContainer(pipeline.target(),
                             pipeline.identity())) {
                    blobUri = store.blobUri(request.target().name());
                    outcome = new ExportRunner(name, pipeline, registry, store, request.target().name(),
                            request.artifacts(), progress, context.concurrency(),
                            context.backends().signer(pipeline.signingKeyUri(), pipeline.identity()),
                            request.baseBlobs())
                            .maxPartSize(request.maxPartSize() != null ? request.maxPartSize() : pipeline.maxPartSize())
                            .run();
                }
            } else {
                ImportPipeline pipeline = context.pipelines().getImport(id.name());
                // A triggered run reads (and deletes) through the trigger's store, which holds the claim.
                try (Registry registry = context.backends().openRegistry(pipeline.registry());
                     BlobStore opened = source != null ? null : context.backends()
                             .openContainer(pipeline.source(), pipeline.identity())) {
                    BlobStore store = source != null ? source : opened;
                    blobUri = store.blobUri(request.source().name());
                    outcome = new ImportRunner(name, pipeline, registry, store, request, progress,
                            context.concurrency(), context.backends().verifyKeys(pipeline.verifyKeys())).run();
                }
            }
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (!(e instanceof TransferException) && !(e instanceof IllegalArgumentException)) {
                LOG.error("Run {} failed unexpectedly", name, e);
                message = "Unexpected " + e.getClass().getSimpleName() + ": " + message
                        + " (please report this with the log)";
            } else {
                LOG.warn("Run {} failed: {}", name, message);
            }
            List<ArtifactResult> results = e instanceof RunFailedException stopped ? stopped.artifactResults()
                    : List.of();
            if (results.isEmpty() && request.pipeline().kind() == PipelineKind.EXPORT) {
                String reason = "not exported: the run stopped before any artifact moved: " + message;
                results = request.artifacts().stream().map(a -> ArtifactResult.skipped(a, null, reason)).toList();
            }
            category = ErrorCategory.of(e);
            if (category == ErrorCategory.INTERNAL && e instanceof RunFailedException) {
                // Stopped by the artifacts' failures themselves (none could be read): theirs is the run's kind.
                category = firstFailure(results, category);
            }
            outcome = new RunOutcome(RunStatus.Failed, results, List.of(), null, message);
        }
        if (outcome.status() == RunStatus.CompletedWithErrors) {
            category = firstFailure(outcome.artifactResults(), ErrorCategory.INTERNAL);
        }
        PipelineRun finished = finish(latest.get(), outcome, category, progress.snapshot(), blobUri);
        latest.set(finished);
        stopWrites();
        context.runs().write(finished, null);
        LOG.info("Run {} {}", name, finished.status());
        return finished;
    }

    private static ErrorCategory firstFailure(List<ArtifactResult> results, ErrorCategory otherwise) {
        return results.stream().filter(r -> r.status() == ArtifactResult.Status.Failed).findFirst()
                .map(ArtifactResult::category).orElse(otherwise);
    }

    private static PipelineRun finish(PipelineRun run, RunOutcome outcome, ErrorCategory category,
                                      RunProgress progress, String blobUri) {
        PipelineRunResponse r = run.response();
        BlobLocation source = r.source() != null && blobUri != null ? r.source().withUri(blobUri) : r.source();
        BlobLocation target = r.target() != null && blobUri != null ? r.target().withUri(blobUri) : r.target();
        return run.withResponse(r.toBuilder().status(outcome.status()).progress(progress).finishTime(Instant.now())
                .importedArtifacts(outcome.importedArtifacts()).artifactResults(outcome.artifactResults())
                .catalogDigest(outcome.catalogDigest()).source(source).target(target)
                .pipelineRunErrorMessage(outcome.errorMessage()).errorCategory(category).build())
                .withProvisioningState(outcome.status() == RunStatus.Failed ? ProvisioningState.Failed
                        : ProvisioningState.Succeeded);
    }

    private void onProgress(String runName, RunProgress progress) {
        PipelineRun current = latest.get();
        PipelineRun updated = current.withResponse(current.response().toBuilder().progress(progress).build());
        latest.set(updated);
        listener.onProgress(runName, progress);
        writeIfOlderThan(HEARTBEAT);
    }

    /** The quiet run's heartbeat: its record again, when nothing was written for the quiet heartbeat. */
    private void beatIfQuiet() {
        try {
            writeIfOlderThan(context.quietHeartbeat());
        } catch (RuntimeException e) {
            LOG.warn("Run {}: its record could not be written as a heartbeat ({}); trying again in {} s", name,
                    e.getMessage(), context.quietHeartbeat().toSeconds());
        }
    }

    private void writeIfOlderThan(Duration age) {
        synchronized (writes) {
            Instant now = Instant.now();
            if (!ended && Duration.between(lastWrite, now).compareTo(age) >= 0) {
                lastWrite = now;
                context.runs().write(latest.get(), context.runs().owner());
            }
        }
    }

    /** No write of the running record follows this (waits for one under way). */
    void stopWrites() {
        if (beat != null) {
            beat.cancel(false);
        }
        synchronized (writes) {
            ended = true;
        }
    }

    @Override
    public String runName() {
        return name;
    }

    @Override
    public PipelineRun poll() {
        return latest.get();
    }

    @Override
    public boolean isDone() {
        return future.isDone();
    }

    @Override
    public PipelineRun await() {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferException("Interrupted while waiting for run " + name + "; it goes on", e);
        } catch (ExecutionException e) {
            throw new TransferException("Run " + name + " failed unexpectedly: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public PipelineRun await(Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TransferException("Run " + name + " has not ended after " + timeout + "; it goes on");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferException("Interrupted while waiting for run " + name + "; it goes on", e);
        } catch (ExecutionException e) {
            throw new TransferException("Run " + name + " failed unexpectedly: " + e.getCause(), e.getCause());
        }
    }
}
