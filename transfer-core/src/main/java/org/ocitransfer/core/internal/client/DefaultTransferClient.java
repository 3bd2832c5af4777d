package org.ocitransfer.core.internal.client;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.BlobLocation;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
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
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreFactory;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryFactory;
import org.ocitransfer.core.internal.run.ExportRunner;
import org.ocitransfer.core.internal.run.ImportRunner;
import org.ocitransfer.core.internal.run.ProgressTracker;
import org.ocitransfer.core.internal.run.RunFailedException;
import org.ocitransfer.core.internal.run.RunOutcome;
import org.ocitransfer.core.secret.SecretStore;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.core.state.RecordConflictException;
import org.ocitransfer.core.state.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client: pipelines and runs as records in a {@link RecordStore}, runs executed on the client's own threads.
 * Build it with {@link org.ocitransfer.core.client.TransferClientBuilder}.
 */
public final class DefaultTransferClient implements TransferClient, SourceTriggerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultTransferClient.class);
    private static final String RUNS = ResourceNames.RUNS;
    /** A run whose owner on another host has not shown life for this long is taken to be dead. */
    private static final Duration STALE_AFTER = Duration.ofMinutes(5);
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /**
     * A run that shows no progress (a registry slow to answer, a long wait for a lock) still writes its record this
     * often, so that a client on another host sharing the records never takes it for dead (STALE_AFTER) and marks it
     * Failed while it goes.
     */
    public static final Duration QUIET_HEARTBEAT = Duration.ofSeconds(30);

    private final RecordStore records;
    private final List<RegistryFactory> registryFactories;
    private final Map<String, Registry> registries;
    private final List<BlobStoreFactory> blobStoreFactories;
    private final SecretStore secrets;
    private final int maxArtifacts;
    private final int concurrency;
    private final ExecutorService executor;
    private final ScheduledExecutorService heartbeats;
    private final Duration quietHeartbeat;
    private final String owner;
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();

    public DefaultTransferClient(RecordStore records, List<RegistryFactory> registryFactories,
                          Map<String, Registry> registries, List<BlobStoreFactory> blobStoreFactories,
                          SecretStore secrets, int maxArtifacts, int maxConcurrentRuns, int concurrency,
                          Duration quietHeartbeat) {
        this.records = records;
        this.registryFactories = List.copyOf(registryFactories);
        this.registries = registries;
        this.blobStoreFactories = List.copyOf(blobStoreFactories);
        this.secrets = secrets;
        this.maxArtifacts = maxArtifacts;
        this.concurrency = concurrency;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(maxConcurrentRuns, r -> {
            Thread t = new Thread(r, "transfer-run-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.quietHeartbeat = quietHeartbeat;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "transfer-run-heartbeat");
            t.setDaemon(true);
            return t;
        });
        this.owner = ProcessHandle.current().pid() + "@" + hostName();
        recoverInterruptedRuns();
    }

    // ---------------------------------------------------------------- pipelines

    @Override
    public ExportPipeline createOrUpdateExportPipeline(ExportPipeline pipeline) {
        Objects.requireNonNull(pipeline, "pipeline");
        checkReachable(pipeline.registry(), pipeline.target());
        ExportPipeline stored = pipeline.withProvisioningState(ProvisioningState.Succeeded);
        records.put(PipelineKind.EXPORT.collection(), pipeline.name(), Json.write(stored), null);
        return stored;
    }

    @Override
    public ExportPipeline getExportPipeline(String name) {
        return records.get(PipelineKind.EXPORT.collection(), name)
                .map(r -> Json.read(r.content(), ExportPipeline.class))
                .orElseThrow(() -> new ResourceNotFoundException("Export pipeline", name));
    }

    @Override
    public List<ExportPipeline> listExportPipelines() {
        return records.list(PipelineKind.EXPORT.collection()).stream()
                .map(r -> Json.read(r.content(), ExportPipeline.class)).toList();
    }

    @Override
    public void deleteExportPipeline(String name) {
        if (!records.delete(PipelineKind.EXPORT.collection(), name)) {
            throw new ResourceNotFoundException("Export pipeline", name);
        }
    }

    @Override
    public ImportPipeline createOrUpdateImportPipeline(ImportPipeline pipeline) {
        Objects.requireNonNull(pipeline, "pipeline");
        checkReachable(pipeline.registry(), pipeline.source());
        ImportPipeline stored = pipeline.withProvisioningState(ProvisioningState.Succeeded);
        records.put(PipelineKind.IMPORT.collection(), pipeline.name(), Json.write(stored), null);
        return stored;
    }

    @Override
    public ImportPipeline getImportPipeline(String name) {
        return records.get(PipelineKind.IMPORT.collection(), name)
                .map(r -> Json.read(r.content(), ImportPipeline.class))
                .orElseThrow(() -> new ResourceNotFoundException("Import pipeline", name));
    }

    @Override
    public List<ImportPipeline> listImportPipelines() {
        return records.list(PipelineKind.IMPORT.collection()).stream()
                .map(r -> Json.read(r.content(), ImportPipeline.class)).toList();
    }

    @Override
    public void deleteImportPipeline(String name) {
        if (!records.delete(PipelineKind.IMPORT.collection(), name)) {
            throw new ResourceNotFoundException("Import pipeline", name);
        }
    }

    private void checkReachable(String registryUri, StorageContainer container) {
        if (!registries.containsKey(registryUri) && registryFactories.stream().noneMatch(f -> f.supports(registryUri))) {
            throw new IllegalArgumentException("No registry client opens '" + registryUri + "': use https://host[:port],"
                    + " http://host:port (plain HTTP) or oci-layout:/path");
        }
        blobFactory(container).validate(container);
    }

    private BlobStoreFactory blobFactory(StorageContainer container) {
        return blobStoreFactories.stream().filter(f -> f.supports(container)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No storage client opens container '"
                        + container.uri() + "': use file:///path/dir, https://<account>.blob.core.windows.net/"
                        + "<container> (with the Azure module) or Azurite's http://127.0.0.1:PORT/devstoreaccount1/"
                        + "<container>"));
    }

    private Registry openRegistry(String uri) {
        Registry fixed = registries.get(uri);
        if (fixed != null) {
            return new Registry() {
                @Override
                public org.ocitransfer.core.registry.Repository repository(String name) {
                    return fixed.repository(name);
                }

                @Override
                public String location() {
                    return fixed.location();
                }
            };
        }
        for (RegistryFactory factory : registryFactories) {
            if (factory.supports(uri)) {
                return factory.open(uri);
            }
        }
        throw new IllegalArgumentException("No registry client opens '" + uri + "'");
    }

    // ---------------------------------------------------------------- runs

    @Override
    public RunOperation beginCreateOrUpdatePipelineRun(String name, PipelineRunRequest request, String forceUpdateTag,
                                                       ProgressListener listener) {
        PipelineRun submitted = new PipelineRun(name, request, forceUpdateTag, null, ProvisioningState.Creating);
        ResourceNames.PipelineId pipelineId = request.pipeline();
        if (pipelineId.kind() == PipelineKind.EXPORT) {
            getExportPipeline(pipelineId.name());
            if (request.artifacts().size() > maxArtifacts) {
                throw new IllegalArgumentException("Run " + name + " names " + request.artifacts().size()
                        + " artifacts; a run takes at most " + maxArtifacts + ". Split them into several runs"
                        + " (each with its own target blob), or raise the limit on the client builder.");
            }
        } else {
            getImportPipeline(pipelineId.name());
        }
        // Whoever writes the run's record first (a conditional create, or a conditional replace of a previous
        // record) executes it; every other caller, in this process or another, gets that run and waits on its record.
        synchronized (this) {
            while (true) {
                Execution running = executions.get(name);
                Optional<RecordStore.StoredRecord> stored = records.get(RUNS, name);
                String expectedEtag = RecordStore.ABSENT;
                if (stored.isPresent()) {
                    RunRecord record = Json.read(stored.get().content(), RunRecord.class);
                    PipelineRun previous = record.run();
                    boolean same = previous.request().equals(request)
                            && previous.forceUpdateTag().equals(submitted.forceUpdateTag());
                    if (same) {
                        LOG.info("Run {} was submitted again with identical properties and forceUpdateTag: not run"
                                + " again{}", name, running != null || previous.status().isTerminal() ? ""
                                : " (it is being executed by " + record.owner() + ")");
                        return running != null ? running : new RecordedOperation(name);
                    }
                    if ((running != null && !running.future.isDone())
                            || (running == null && !previous.status().isTerminal() && !ownerIsDead(record))) {
                        throw new TransferException("Run " + name + " is still running" + (running != null ? ""
                                : " (executed by " + record.owner() + ")") + ": wait for it to end before"
                                + " submitting it again with other properties, or use another run name");
                    }
                    expectedEtag = stored.get().etag();
                }
                try {
                    Execution execution = start(submitted, listener == null ? ProgressListener.NONE : listener, null,
                            expectedEtag, null);
                    executions.put(name, execution);
                    return execution;
                } catch (RecordConflictException e) {
                    LOG.debug("Run {} was written by another process at the same time: reading it again", name);
                }
            }
        }
    }

    @Override
    public RunOperation startTriggeredRun(String name, PipelineRunRequest request, String forceUpdateTag,
                                          RunTrigger trigger, String expectedEtag, BlobStore source,
                                          ProgressListener listener) {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(expectedEtag, "expectedEtag");
        Objects.requireNonNull(source, "source");
        if (request.pipeline().kind() != PipelineKind.IMPORT) {
            throw new IllegalArgumentException("Only import runs are started by a source trigger, not " + name);
        }
        getImportPipeline(request.pipeline().name());
        PipelineRun submitted = new PipelineRun(name, request, forceUpdateTag, null, ProvisioningState.Creating);
        synchronized (this) {
            Execution execution = start(submitted, listener == null ? ProgressListener.NONE : listener, trigger,
                    expectedEtag, source);
            executions.put(name, execution);
            return execution;
        }
    }

    @Override
    public BlobStore openContainer(StorageContainer container) {
        return blobFactory(container).open(container, secrets);
    }

    @Override
    public Optional<StoredRun> findRun(String name) {
        return records.get(RUNS, name).map(r -> {
            RunRecord record = Json.read(r.content(), RunRecord.class);
            return new StoredRun(record.run(), r.etag(), record.wasInterrupted());
        });
    }

    @Override
    public void markInterrupted(String name, String message) {
        Execution running = executions.get(name);
        if (running != null && !running.isDone()) {
            return;
        }
        records.get(RUNS, name).ifPresent(stored -> {
            PipelineRun run = Json.read(stored.content(), RunRecord.class).run();
            if (run.status().isTerminal()) {
                records.put(RUNS, name, Json.write(new RunRecord(failed(run, message), null, Instant.now(), true)),
                        stored.etag());
            }
        });
    }

    /**
     * Writes the run's Running record (only if the stored one is at {@code expectedEtag}, when set), then runs it,
     * reading an import's archive through {@code sourceStore} when set (else through a store it opens).
     */
    private Execution start(PipelineRun submitted, ProgressListener listener, RunTrigger trigger,
                            String expectedEtag, BlobStore sourceStore) {
        Instant started = Instant.now();
        BlobLocation source = submitted.request().source();
        BlobLocation target = submitted.request().target();
        PipelineRunResponse response = new PipelineRunResponse(RunStatus.Running, RunProgress.NONE, started, null,
                null, null, null, source, target, trigger, null);
        PipelineRun running = new PipelineRun(submitted.name(), submitted.request(), submitted.forceUpdateTag(),
                response, ProvisioningState.Succeeded);
        Execution execution = new Execution(running, listener, sourceStore);
        records.put(RUNS, running.name(), Json.write(new RunRecord(running, owner, Instant.now())), expectedEtag);
        long every = quietHeartbeat.toMillis();
        execution.beat = heartbeats.scheduleWithFixedDelay(execution::beatIfQuiet, every, every,
                TimeUnit.MILLISECONDS);
        execution.future = CompletableFuture.supplyAsync(execution::execute, executor);
        return execution;
    }

    private final class Execution implements RunOperation {
        private final String name;
        private final AtomicReference<PipelineRun> latest;
        private final ProgressListener listener;
        private final BlobStore source;
        private volatile CompletableFuture<PipelineRun> future;
        private volatile ScheduledFuture<?> beat;
        /** Guards the record's writes while the run goes, and {@link #ended}: none follows the last one. */
        private final Object writes = new Object();
        private Instant lastWrite = Instant.EPOCH;
        private boolean ended;

        Execution(PipelineRun initial, ProgressListener listener, BlobStore source) {
            this.name = initial.name();
            this.latest = new AtomicReference<>(initial);
            this.listener = listener;
            this.source = source;
        }

        PipelineRun execute() {
            PipelineRun run = latest.get();
            PipelineRunRequest request = run.request();
            ProgressTracker progress = new ProgressTracker(name, this::onProgress);
            RunOutcome outcome;
            String blobUri = null;
            try {
                ResourceNames.PipelineId id = request.pipeline();
                if (id.kind() == PipelineKind.EXPORT) {
                    ExportPipeline pipeline = getExportPipeline(id.name());
                    try (Registry registry = openRegistry(pipeline.registry());
                         BlobStore store = blobFactory(pipeline.target()).open(pipeline.target(), secrets)) {
                        blobUri = store.blobUri(request.target().name());
                        outcome = new ExportRunner(name, pipeline, registry, store, request.target().name(),
                                request.artifacts(), progress, concurrency).run();
                    }
                } else {
                    ImportPipeline pipeline = getImportPipeline(id.name());
                    // A triggered run reads (and deletes) through the trigger's store, which holds the claim.
                    try (Registry registry = openRegistry(pipeline.registry());
                         BlobStore opened = source != null ? null
                                 : blobFactory(pipeline.source()).open(pipeline.source(), secrets)) {
                        BlobStore store = source != null ? source : opened;
                        blobUri = store.blobUri(request.source().name());
                        outcome = new ImportRunner(name, pipeline, registry, store, request, progress, concurrency)
                                .run();
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
                outcome = new RunOutcome(RunStatus.Failed, results, List.of(), null, message);
            }
            PipelineRun finished = finish(latest.get(), outcome, progress.snapshot(), blobUri);
            latest.set(finished);
            stopWrites();
            writeRun(finished, null);
            LOG.info("Run {} {}", name, finished.status());
            return finished;
        }

        private void onProgress(String runName, RunProgress progress) {
            PipelineRun current = latest.get();
            PipelineRunResponse r = current.response();
            PipelineRun updated = current.withResponse(new PipelineRunResponse(r.status(), progress, r.startTime(),
                    null, null, null, null, r.source(), r.target(), r.trigger(), null));
            latest.set(updated);
            listener.onProgress(runName, progress);
            writeIfOlderThan(HEARTBEAT);
        }

        /** The quiet run's heartbeat: its record again, when nothing was written for {@link #quietHeartbeat}. */
        void beatIfQuiet() {
            try {
                writeIfOlderThan(quietHeartbeat);
            } catch (RuntimeException e) {
                LOG.warn("Run {}: its record could not be written as a heartbeat ({}); trying again in {} s", name,
                        e.getMessage(), quietHeartbeat.toSeconds());
            }
        }

        private void writeIfOlderThan(Duration age) {
            synchronized (writes) {
                Instant now = Instant.now();
                if (!ended && Duration.between(lastWrite, now).compareTo(age) >= 0) {
                    lastWrite = now;
                    writeRun(latest.get(), owner);
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

    private static PipelineRun finish(PipelineRun run, RunOutcome outcome, RunProgress progress, String blobUri) {
        PipelineRunResponse r = run.response();
        BlobLocation source = r.source() != null && blobUri != null ? r.source().withUri(blobUri) : r.source();
        BlobLocation target = r.target() != null && blobUri != null ? r.target().withUri(blobUri) : r.target();
        return run.withResponse(new PipelineRunResponse(outcome.status(), progress, r.startTime(), Instant.now(),
                outcome.importedArtifacts(), outcome.artifactResults(), outcome.catalogDigest(), source, target,
                r.trigger(), outcome.errorMessage())).withProvisioningState(outcome.status() == RunStatus.Failed
                ? ProvisioningState.Failed : ProvisioningState.Succeeded);
    }

    /**
     * A run executed elsewhere (another client or process), or that ended before this call: poll reads its record,
     * and a wait ends when the record does. A run whose executing process is found gone is marked Failed, as when a
     * client starts.
     */
    private final class RecordedOperation implements RunOperation {
        private final String name;

        RecordedOperation(String name) {
            this.name = name;
        }

        @Override
        public String runName() {
            return name;
        }

        @Override
        public PipelineRun poll() {
            Execution running = executions.get(name);
            if (running != null && !running.isDone()) {
                return running.poll();
            }
            RecordStore.StoredRecord stored = records.get(RUNS, name)
                    .orElseThrow(() -> new ResourceNotFoundException("Pipeline run", name));
            RunRecord record = Json.read(stored.content(), RunRecord.class);
            if (!record.run().status().isTerminal() && running == null && ownerIsDead(record)) {
                return failOrphaned(stored, record).orElseGet(() -> getPipelineRun(name));
            }
            return record.run();
        }

        @Override
        public boolean isDone() {
            return poll().status().isTerminal();
        }

        @Override
        public PipelineRun await() {
            return await(Duration.ofDays(365));
        }

        @Override
        public PipelineRun await(Duration timeout) {
            Instant deadline = Instant.now().plus(timeout);
            PipelineRun run = poll();
            while (!run.status().isTerminal()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new TransferException("Run " + name + " has not ended after " + timeout + "; it goes on");
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransferException("Interrupted while waiting for run " + name, e);
                }
                run = poll();
            }
            return run;
        }
    }

    @Override
    public PipelineRun getPipelineRun(String name) {
        Execution running = executions.get(name);
        if (running != null && !running.isDone()) {
            return running.poll();
        }
        return readRun(name).map(RunRecord::run).orElseThrow(() -> new ResourceNotFoundException("Pipeline run", name));
    }

    @Override
    public List<PipelineRun> listPipelineRuns() {
        List<PipelineRun> runs = new ArrayList<>();
        for (RecordStore.StoredRecord r : records.list(RUNS)) {
            PipelineRun run = Json.read(r.content(), RunRecord.class).run();
            Execution running = executions.get(run.name());
            runs.add(running != null && !running.isDone() ? running.poll() : run);
        }
        runs.sort(Comparator.comparing((PipelineRun r) -> r.response() == null ? Instant.EPOCH
                : r.response().startTime()).reversed());
        return runs;
    }

    @Override
    public void deletePipelineRun(String name) {
        Execution running = executions.get(name);
        if (running != null && !running.isDone()) {
            throw new TransferException("Run " + name + " is still running: wait for it to end, then delete it");
        }
        if (!records.delete(RUNS, name)) {
            throw new ResourceNotFoundException("Pipeline run", name);
        }
        executions.remove(name);
    }

    @Override
    public void close() {
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
                PipelineRun run = e.poll();
                records.put(RUNS, run.name(), Json.write(new RunRecord(failed(run, "The client was closed while the"
                        + " run was going; nothing was committed. Run it again with a new forceUpdateTag."), null,
                        Instant.now(), true)), null);
            }
        }
    }

    // ---------------------------------------------------------------- records

    private Optional<RunRecord> readRun(String name) {
        return records.get(RUNS, name).map(r -> Json.read(r.content(), RunRecord.class));
    }

    private void writeRun(PipelineRun run, String runOwner) {
        // A run stopped by close() has an interrupted thread, and file channels refuse interrupted threads: clear the
        // flag while the record is written, so the run's end is recorded, then restore it.
        boolean interrupted = Thread.interrupted();
        try {
            records.put(RUNS, run.name(), Json.write(new RunRecord(run, runOwner, Instant.now())), null);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static PipelineRun failed(PipelineRun run, String message) {
        PipelineRunResponse r = run.response();
        return run.withResponse(new PipelineRunResponse(RunStatus.Failed, r.progress(), r.startTime(), Instant.now(),
                r.importedArtifacts(), r.artifactResults(), r.catalogDigest(), r.source(), r.target(), r.trigger(),
                message)).withProvisioningState(ProvisioningState.Failed);
    }

    private void recoverInterruptedRuns() {
        for (RecordStore.StoredRecord stored : records.list(RUNS)) {
            RunRecord record = Json.read(stored.content(), RunRecord.class);
            PipelineRun run = record.run();
            if (run.status().isTerminal()) {
                continue;
            }
            if (ownerIsDead(record)) {
                failOrphaned(stored, record);
            }
        }
    }

    /**
     * Marks Failed (as interrupted) a run left unfinished by a process that is gone, unless another writer changed
     * its record meanwhile. @return the run as marked; empty when another writer got there first
     */
    private Optional<PipelineRun> failOrphaned(RecordStore.StoredRecord stored, RunRecord record) {
        PipelineRun run = record.run();
        LOG.warn("Run {} was left {} by {}, which is gone: marking it Failed", run.name(), run.status(),
                record.owner());
        PipelineRun started = run.response() != null ? run : run.withResponse(new PipelineRunResponse(
                RunStatus.Failed, null, null, null, null, null, null, null, null, null, null));
        PipelineRun marked = failed(started, "The run was interrupted: the process executing it (" + record.owner()
                + ") stopped before it ended. Nothing partial was committed. Run it again with a new"
                + " forceUpdateTag.");
        try {
            records.put(RUNS, run.name(), Json.write(new RunRecord(marked, null, Instant.now(), true)),
                    stored.etag());
            return Optional.of(marked);
        } catch (RecordConflictException e) {
            LOG.info("Run {} was updated by another process while being marked Failed: left as that one wrote it",
                    run.name());
            return Optional.empty();
        }
    }

    private boolean ownerIsDead(RunRecord record) {
        String recordOwner = record.owner();
        if (recordOwner == null) {
            return true;
        }
        int at = recordOwner.indexOf('@');
        String host = at >= 0 ? recordOwner.substring(at + 1) : "";
        if (host.equals(hostName())) {
            long pid = Long.parseLong(recordOwner.substring(0, at));
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }
        return record.heartbeat() == null || record.heartbeat().plus(STALE_AFTER).isBefore(Instant.now());
    }

    private static String hostName() {
        return HostName.VALUE;
    }

    /** This host's name, looked up once (the lookup can be slow). */
    private static final class HostName {
        static final String VALUE = lookUp();

        private static String lookUp() {
            String env = System.getenv("HOSTNAME");
            if (env != null && !env.isBlank()) {
                return env;
            }
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                LoggerFactory.getLogger(DefaultTransferClient.class).debug("No host name ({}); using localhost",
                        e.getMessage());
                return "localhost";
            }
        }
    }

    /** A direct copy between two registries: see {@link org.ocitransfer.core.internal.run.DirectCopy}. */
    @Override
    public org.ocitransfer.api.CopyResult copy(org.ocitransfer.api.CopyRequest request,
                                               org.ocitransfer.api.ProgressListener listener) {
        return new org.ocitransfer.core.internal.run.DirectCopy(this::openRegistry, concurrency, request, listener)
                .run();
    }
}
