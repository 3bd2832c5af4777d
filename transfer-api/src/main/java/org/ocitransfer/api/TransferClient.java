package org.ocitransfer.api;

import java.util.List;

/**
 * The client of the transfer model: export pipelines, import pipelines and pipeline runs, with the
 * create-or-update / get / list / delete semantics of the resources users know. Build one with the core module's
 * {@code TransferClientBuilder}. Thread-safe; close it to stop its runs' threads.
 */
public interface TransferClient extends AutoCloseable {

    /** Creates or replaces an export pipeline. @throws IllegalArgumentException when it is invalid */
    ExportPipeline createOrUpdateExportPipeline(ExportPipeline pipeline);

    /** @throws ResourceNotFoundException when there is none of that name */
    ExportPipeline getExportPipeline(String name);

    /** Every export pipeline, by name. */
    List<ExportPipeline> listExportPipelines();

    /** Deletes it. @throws ResourceNotFoundException when there is none of that name */
    void deleteExportPipeline(String name);

    /** Creates or replaces an import pipeline. @throws IllegalArgumentException when it is invalid */
    ImportPipeline createOrUpdateImportPipeline(ImportPipeline pipeline);

    /** @throws ResourceNotFoundException when there is none of that name */
    ImportPipeline getImportPipeline(String name);

    /** Every import pipeline, by name. */
    List<ImportPipeline> listImportPipelines();

    /** Deletes it. @throws ResourceNotFoundException when there is none of that name */
    void deleteImportPipeline(String name);

    /**
     * Creates (or re-submits) a run and starts it. Validation (names, the pipeline, artifact references, the
     * artifact limit, the storage preflight) happens before this returns: an invalid request throws and moves
     * nothing. A run re-submitted with identical properties and the same forceUpdateTag is returned as it is,
     * without running again.
     *
     * @param name           the run's name
     * @param request        what to run
     * @param forceUpdateTag change it to run an identical request again
     * @param listener       receives progress
     */
    RunOperation beginCreateOrUpdatePipelineRun(String name, PipelineRunRequest request, String forceUpdateTag,
                                                ProgressListener listener);

    /** Creates (or re-submits) a run and waits for it to end. A failed run is returned, not thrown. */
    default PipelineRun createOrUpdatePipelineRun(String name, PipelineRunRequest request, String forceUpdateTag) {
        return beginCreateOrUpdatePipelineRun(name, request, forceUpdateTag, ProgressListener.NONE).await();
    }

    /** @throws ResourceNotFoundException when there is none of that name */
    PipelineRun getPipelineRun(String name);

    /** Every run, newest first. */
    List<PipelineRun> listPipelineRuns();

    /** Deletes a run's record (not what it moved). @throws ResourceNotFoundException when there is none */
    void deletePipelineRun(String name);

    /**
     * Copies artifacts straight from one registry into another (the connected case: no archive, no pipeline, no
     * run record). The whole content of each artifact is in the target before its tag moves; without
     * ContinueOnErrors, any failure leaves every tag as it was. A failed copy is returned, not thrown.
     *
     * @param request  what to copy, from where, to where
     * @param listener receives progress (its run name is {@code copy})
     * @throws IllegalArgumentException when a registry URI opens no registry
     */
    CopyResult copy(CopyRequest request, ProgressListener listener);

    /** {@link #copy(CopyRequest, ProgressListener)} without progress. */
    default CopyResult copy(CopyRequest request) {
        return copy(request, ProgressListener.NONE);
    }

    /** Stops the client's threads; runs still going are marked Failed. */
    @Override
    void close();
}
