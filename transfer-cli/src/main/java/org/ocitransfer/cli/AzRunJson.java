// The az form of one pipeline run: the service's PipelineRun fields, this project's detail under "ocitransfer".
package org.ocitransfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ocitransfer.api.BlobLocation;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.PipelineRunResponse;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.RunProgress;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.core.state.Json;

/**
 * One run as az prints the service's PipelineRun: {@code id}, {@code name}, {@code type}, {@code provisioningState},
 * {@code request}, {@code response} (status in the service's words, {@code progress.percentage} a string, times as
 * az prints them), {@code forceUpdateTag}, {@code resourceGroup}; then {@code ocitransfer} with this project's status
 * word, error category, bytes and artifact counts, and per-artifact results.
 */
final class AzRunJson {

    static final String TYPE = "Microsoft.ContainerRegistry/registries/pipelineRuns";

    private final AzJson az;

    AzRunJson(AzJson az) {
        this.az = az;
    }

    /**
     * The service's word for a status: Running (also for a queued run), Succeeded, Failed (also for a run that
     * completed with errors: ocitransfer.status says which).
     */
    static String serviceStatus(RunStatus status) {
        return switch (status) {
            case Queued, Running -> "Running";
            case Succeeded -> "Succeeded";
            case CompletedWithErrors, Failed -> "Failed";
        };
    }

    ObjectNode run(PipelineRun run) {
        PipelineRunRequest request = run.request();
        ResourceNames.PipelineId pipelineId = request.pipeline();
        Object pipeline = az.pipeline(pipelineId);
        String registry = pipeline instanceof ExportPipeline p ? p.registry()
                : pipeline instanceof ImportPipeline p ? p.registry() : null;
        StorageContainer container = pipeline instanceof ExportPipeline p ? p.target()
                : pipeline instanceof ImportPipeline p ? p.source() : null;

        ObjectNode json = AzJson.envelope(az.id(registry, ResourceNames.RUNS, run.name(), run.id()), run.name(), TYPE);
        json.put("provisioningState", AzJson.text(run.provisioningState()));
        ObjectNode req = json.putObject("request");
        req.put("pipelineResourceId", az.id(registry, pipelineId.kind().collection(), pipelineId.name(),
                request.pipelineResourceId()));
        if (request.artifacts().isEmpty()) {
            req.putNull("artifacts");
        } else {
            req.set("artifacts", AzJson.strings(request.artifacts()));
        }
        req.set("source", blobName(request.source()));
        req.set("target", blobName(request.target()));
        req.put("catalogDigest", request.catalogDigest());
        json.set("response", response(run.response(), container));
        json.put("forceUpdateTag", run.forceUpdateTag().isEmpty() ? null : run.forceUpdateTag());
        json.put("resourceGroup", ArmScope.resourceGroupOf(json.path("id").asText()));
        json.set(AzJson.EXTRA, extra(run));
        return json;
    }

    private static JsonNode response(PipelineRunResponse r, StorageContainer container) {
        if (r == null) {
            return Json.mapper().nullNode();
        }
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("status", serviceStatus(r.status()));
        if (r.importedArtifacts().isEmpty()) {
            json.putNull("importedArtifacts");
        } else {
            json.set("importedArtifacts", AzJson.strings(r.importedArtifacts()));
        }
        json.putObject("progress").put("percentage", Integer.toString(r.progress().percentage()));
        json.put("startTime", Formats.azTime(r.startTime()));
        json.put("finishTime", Formats.azTime(r.finishTime()));
        json.set("source", blob(r.source(), container));
        json.set("target", blob(r.target(), container));
        json.put("catalogDigest", r.catalogDigest());
        if (r.trigger() != null && r.trigger().sourceTrigger() != null) {
            json.putObject("trigger").putObject("sourceTrigger")
                    .put("timestamp", Formats.azTime(r.trigger().sourceTrigger().timestamp()));
        } else {
            json.putNull("trigger");
        }
        json.put("pipelineRunErrorMessage", r.pipelineRunErrorMessage());
        return json;
    }

    /** The request's blob: {@code {"type": "AzureStorageBlob", "name": ...}}, or null. */
    private static JsonNode blobName(BlobLocation blob) {
        if (blob == null) {
            return Json.mapper().nullNode();
        }
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("type", blob.type());
        json.put("name", blob.name());
        return json;
    }

    /** The response's blob as the service shows it: its URI with the pipeline container's access, or null. */
    private static JsonNode blob(BlobLocation blob, StorageContainer container) {
        if (blob == null) {
            return Json.mapper().nullNode();
        }
        ObjectNode json = AzJson.container(container, blob.type());
        json.put("uri", blob.uri());
        return json;
    }

    private static ObjectNode extra(PipelineRun run) {
        ObjectNode extra = Json.mapper().createObjectNode();
        extra.put("status", run.status().name());
        PipelineRunRequest request = run.request();
        AzJson.putIfSet(extra, "targetRepository", request.targetRepository());
        if (!request.baseBlobs().isEmpty()) {
            extra.set("baseBlobs", AzJson.strings(request.baseBlobs()));
        }
        if (request.maxPartSize() != null) {
            extra.put("maxPartSize", request.maxPartSize());
        }
        PipelineRunResponse r = run.response();
        if (r != null) {
            if (r.errorCategory() != null) {
                extra.put("errorCategory", r.errorCategory().name());
                extra.put("retryable", r.retryable());
            }
            RunProgress p = r.progress();
            ObjectNode progress = extra.putObject("progress");
            progress.put("percentage", p.percentage());
            progress.put("bytesDone", p.bytesDone());
            progress.put("bytesTotal", p.bytesTotal());
            progress.put("artifactsDone", p.artifactsDone());
            progress.put("artifactsTotal", p.artifactsTotal());
            extra.set("artifactResults", Json.mapper().valueToTree(r.artifactResults()));
        }
        return extra;
    }
}
