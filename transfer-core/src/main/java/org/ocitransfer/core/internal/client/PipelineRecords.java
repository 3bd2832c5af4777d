package org.ocitransfer.core.internal.client;

import java.util.List;
import java.util.Objects;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineKind;
import org.ocitransfer.api.ProvisioningState;
import org.ocitransfer.api.ResourceNotFoundException;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.core.state.RecordStore;

/** Export and import pipelines as records in a {@link RecordStore}: create (after checking its ends), read, list, delete. */
final class PipelineRecords {

    private final RecordStore records;
    private final BackendRouting backends;

    PipelineRecords(RecordStore records, BackendRouting backends) {
        this.records = records;
        this.backends = backends;
    }

    ExportPipeline createOrUpdate(ExportPipeline pipeline) {
        Objects.requireNonNull(pipeline, "pipeline");
        backends.checkReachable(pipeline.registry(), pipeline.target());
        backends.checkSigningKey(pipeline.signingKeyUri());
        ExportPipeline stored = pipeline.withProvisioningState(ProvisioningState.Succeeded);
        records.put(PipelineKind.EXPORT.collection(), pipeline.name(), Json.write(stored), null);
        return stored;
    }

    ImportPipeline createOrUpdate(ImportPipeline pipeline) {
        Objects.requireNonNull(pipeline, "pipeline");
        backends.checkReachable(pipeline.registry(), pipeline.source());
        ImportPipeline stored = pipeline.withProvisioningState(ProvisioningState.Succeeded);
        records.put(PipelineKind.IMPORT.collection(), pipeline.name(), Json.write(stored), null);
        return stored;
    }

    ExportPipeline getExport(String name) {
        return get(PipelineKind.EXPORT, name, ExportPipeline.class, "Export pipeline");
    }

    ImportPipeline getImport(String name) {
        return get(PipelineKind.IMPORT, name, ImportPipeline.class, "Import pipeline");
    }

    List<ExportPipeline> listExport() {
        return list(PipelineKind.EXPORT, ExportPipeline.class);
    }

    List<ImportPipeline> listImport() {
        return list(PipelineKind.IMPORT, ImportPipeline.class);
    }

    void deleteExport(String name) {
        delete(PipelineKind.EXPORT, name, "Export pipeline");
    }

    void deleteImport(String name) {
        delete(PipelineKind.IMPORT, name, "Import pipeline");
    }

    private <T> T get(PipelineKind kind, String name, Class<T> type, String label) {
        return records.get(kind.collection(), name).map(r -> Json.read(r.content(), type))
                .orElseThrow(() -> new ResourceNotFoundException(label, name));
    }

    private <T> List<T> list(PipelineKind kind, Class<T> type) {
        return records.list(kind.collection()).stream().map(r -> Json.read(r.content(), type)).toList();
    }

    private void delete(PipelineKind kind, String name, String label) {
        if (!records.delete(kind.collection(), name)) {
            throw new ResourceNotFoundException(label, name);
        }
    }
}
