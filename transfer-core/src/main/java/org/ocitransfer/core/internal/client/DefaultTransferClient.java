package org.ocitransfer.core.internal.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.ocitransfer.api.CopyRequest;
import org.ocitransfer.api.CopyResult;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.ProgressListener;
import org.ocitransfer.api.RunOperation;
import org.ocitransfer.api.RunTrigger;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.trigger.SourceTriggerSupport;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreFactory;
import org.ocitransfer.core.internal.run.DirectCopy;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryFactory;
import org.ocitransfer.core.secret.SecretStore;
import org.ocitransfer.core.signing.CatalogSignerFactory;
import org.ocitransfer.core.state.RecordStore;

/**
 * The client: a facade over pipelines as records ({@link PipelineRecords}), backend routing
 * ({@link BackendRouting}), run execution ({@link RunExecutor}) and the recovery of runs whose process died
 * ({@link RunRecovery}). Build it with {@link org.ocitransfer.core.client.TransferClientBuilder}.
 */
public final class DefaultTransferClient implements TransferClient, SourceTriggerSupport {

    /**
     * A run that shows no progress (a registry slow to answer, a long wait for a lock) still writes its record this
     * often, so that a client on another host sharing the records never takes it for dead (after
     * {@link RunRecords#STALE_AFTER}) and marks it Failed while it goes.
     */
    public static final Duration QUIET_HEARTBEAT = Duration.ofSeconds(30);

    private final PipelineRecords pipelines;
    private final BackendRouting backends;
    private final RunExecutor runs;
    private final RunRecovery recovery;
    /** Whether runs left by a dead process were marked Failed (see {@link #runs()}). */
    private volatile boolean recovered;
    private final int concurrency;

    /** Marks runs left unfinished by a process that is gone Failed now. */
    public DefaultTransferClient(RecordStore records, List<RegistryFactory> registryFactories,
                                 Map<String, Registry> registries, List<BlobStoreFactory> blobStoreFactories,
                                 SecretStore secrets, int maxArtifacts, int maxConcurrentRuns, int concurrency,
                                 Duration quietHeartbeat, List<CatalogSignerFactory> signerFactories) {
        this.concurrency = concurrency;
        this.backends = new BackendRouting(registryFactories, registries, blobStoreFactories, secrets,
                signerFactories);
        this.pipelines = new PipelineRecords(records, backends);
        RunRecords runRecords = new RunRecords(records);
        this.recovery = new RunRecovery(runRecords);
        this.runs = new RunExecutor(pipelines, backends, runRecords, recovery, maxArtifacts, maxConcurrentRuns,
                concurrency, quietHeartbeat);
    }

    /**
     * The runs, once runs left unfinished by a process that is gone are marked Failed: done at the client's first
     * use of runs, not as it is built, so that commands about pipelines alone do not read every run record.
     */
    private RunExecutor runs() {
        if (!recovered) {
            synchronized (recovery) {
                if (!recovered) {
                    recovery.recoverInterruptedRuns();
                    recovered = true;
                }
            }
        }
        return runs;
    }

    @Override
    public ExportPipeline createOrUpdateExportPipeline(ExportPipeline pipeline) {
        return pipelines.createOrUpdate(pipeline);
    }

    @Override
    public ExportPipeline getExportPipeline(String name) {
        return pipelines.getExport(name);
    }

    @Override
    public List<ExportPipeline> listExportPipelines() {
        return pipelines.listExport();
    }

    @Override
    public void deleteExportPipeline(String name) {
        pipelines.deleteExport(name);
    }

    @Override
    public ImportPipeline createOrUpdateImportPipeline(ImportPipeline pipeline) {
        return pipelines.createOrUpdate(pipeline);
    }

    @Override
    public ImportPipeline getImportPipeline(String name) {
        return pipelines.getImport(name);
    }

    @Override
    public List<ImportPipeline> listImportPipelines() {
        return pipelines.listImport();
    }

    @Override
    public void deleteImportPipeline(String name) {
        pipelines.deleteImport(name);
    }

    @Override
    public RunOperation beginCreateOrUpdatePipelineRun(String name, PipelineRunRequest request, String forceUpdateTag,
                                                       ProgressListener listener) {
        return runs().begin(name, request, forceUpdateTag, listener);
    }

    @Override
    public PipelineRun getPipelineRun(String name) {
        return runs().get(name);
    }

    @Override
    public List<PipelineRun> listPipelineRuns() {
        // The listing marks every orphaned run Failed on its way: the recovery pass is not needed before it.
        List<PipelineRun> list = runs.list();
        recovered = true;
        return list;
    }

    @Override
    public void deletePipelineRun(String name) {
        runs().delete(name);
    }

    @Override
    public RunOperation startTriggeredRun(String name, PipelineRunRequest request, String forceUpdateTag,
                                          RunTrigger trigger, String expectedEtag, BlobStore source,
                                          Supplier<String> stopReason) {
        return runs().startTriggered(name, request, forceUpdateTag, trigger, expectedEtag, source, stopReason);
    }

    @Override
    public BlobStore openContainer(StorageContainer container) {
        return backends.openContainer(container, null);
    }

    @Override
    public BlobStore openContainer(StorageContainer container, PipelineIdentity identity) {
        return backends.openContainer(container, identity);
    }

    @Override
    public Optional<StoredRun> findRun(String name) {
        return runs().find(name);
    }

    @Override
    public void markInterrupted(String name, String message) {
        runs().markInterrupted(name, message);
    }

    @Override
    public void close() {
        runs.close();
    }

    /** A direct copy between two registries, opened as pipelines open theirs: see {@link DirectCopy}. */
    @Override
    public CopyResult copy(CopyRequest request, ProgressListener listener) {
        return new DirectCopy(backends::openRegistry, concurrency, request, listener).run();
    }
}
