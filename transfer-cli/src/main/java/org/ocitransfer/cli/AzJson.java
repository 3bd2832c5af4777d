// The --output json form of pipelines and runs: what `az acr export-pipeline|import-pipeline|pipeline-run show -o json`
// prints, field for field, with what this project adds kept under "ocitransfer".
package org.ocitransfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.PipelineKind;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.ResourceNotFoundException;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.state.Json;

/**
 * Renders pipelines and runs as az renders the service's resources: the ARM envelope ({@code id}, {@code name},
 * {@code type}), the resource's properties flattened beside it, every field of az's model present (null when
 * unknown, as az prints it), {@code resourceGroup} as az adds it, and this project's additions in one
 * {@code ocitransfer} object. Runs are rendered by {@link AzRunJson}; docs/migrating-from-acr.md lists every field.
 */
final class AzJson {

    /** The name of the object holding what this project adds to the service's fields. */
    static final String EXTRA = "ocitransfer";

    static final String EXPORT_TYPE = "Microsoft.ContainerRegistry/registries/exportPipelines";
    static final String IMPORT_TYPE = "Microsoft.ContainerRegistry/registries/importPipelines";

    /** The options the service knows; others (IncludeReferrers) are listed under ocitransfer.options. */
    private static final Set<PipelineOption> SERVICE_OPTIONS = Set.of(PipelineOption.OverwriteBlobs,
            PipelineOption.ContinueOnErrors, PipelineOption.OverwriteTags, PipelineOption.DeleteSourceBlobOnSuccess);

    /** A pipeline looked up and not found (deleted since its runs). */
    private static final Object ABSENT = new Object();

    private final ArmScope scope;
    private final TransferClient client;
    private final Map<String, Object> pipelines = new HashMap<>();

    /**
     * @param scope  the subscription and group of ARM ids
     * @param client where a run's pipeline is looked up (its registry makes the run's id)
     */
    AzJson(ArmScope scope, TransferClient client) {
        this.scope = scope;
        this.client = client;
    }

    /** A pipeline, a run, or a list of them, in az's form; any other value in the API's JSON form. */
    JsonNode of(Object value) {
        if (value instanceof Collection<?> list) {
            ArrayNode array = Json.mapper().createArrayNode();
            list.forEach(item -> array.add(of(item)));
            return array;
        }
        if (value instanceof ExportPipeline p) {
            return exportPipeline(p);
        }
        if (value instanceof ImportPipeline p) {
            return importPipeline(p);
        }
        if (value instanceof PipelineRun run) {
            return new AzRunJson(this).run(run);
        }
        // Not a service resource (a copy's result): the API's own JSON form.
        return Json.mapper().valueToTree(value);
    }

    ObjectNode exportPipeline(ExportPipeline p) {
        ObjectNode json = envelope(id(p.registry(), PipelineKind.EXPORT.collection(), p.name(), p.id()), p.name(),
                EXPORT_TYPE);
        json.putNull("location");
        json.set("identity", identity(p.identity()));
        json.set("target", container(p.target(), StorageContainer.TYPE));
        json.set("options", options(p.options(), true));
        json.put("provisioningState", text(p.provisioningState()));
        json.put("resourceGroup", ArmScope.resourceGroupOf(json.path("id").asText()));
        ObjectNode extra = extra(json, p.registry(), p.options(), p.identity());
        putIfSet(extra, "signingKeyUri", p.signingKeyUri());
        if (p.maxPartSize() != null) {
            extra.put("maxPartSize", p.maxPartSize());
        }
        return json;
    }

    ObjectNode importPipeline(ImportPipeline p) {
        ObjectNode json = envelope(id(p.registry(), PipelineKind.IMPORT.collection(), p.name(), p.id()), p.name(),
                IMPORT_TYPE);
        json.putNull("location");
        json.set("identity", identity(p.identity()));
        json.set("source", container(p.source(), StorageContainer.TYPE));
        json.putObject("trigger").putObject("sourceTrigger").put("status", p.sourceTrigger().name());
        json.set("options", options(p.options(), true));
        json.put("provisioningState", text(p.provisioningState()));
        json.put("resourceGroup", ArmScope.resourceGroupOf(json.path("id").asText()));
        ObjectNode extra = extra(json, p.registry(), p.options(), p.identity());
        if (!p.verifyKeys().isEmpty()) {
            extra.set("verifyKeys", strings(p.verifyKeys()));
        }
        return json;
    }

    /** The id of a registry's resource: ARM form for an ACR, the library's local id otherwise. */
    String id(String registry, String collection, String name, String localId) {
        return scope.id(registry, collection, name, localId);
    }

    /** The pipeline a run names ({@link ExportPipeline} or {@link ImportPipeline}), or null when it is gone. */
    Object pipeline(ResourceNames.PipelineId id) {
        Object found = pipelines.computeIfAbsent(id.id(), key -> lookUp(id));
        return found == ABSENT ? null : found;
    }

    private Object lookUp(ResourceNames.PipelineId id) {
        try {
            return id.kind() == PipelineKind.EXPORT ? client.getExportPipeline(id.name())
                    : client.getImportPipeline(id.name());
        } catch (ResourceNotFoundException gone) {
            return ABSENT;
        }
    }

    /** {@code {"id": ..., "name": ..., "type": ...}}. */
    static ObjectNode envelope(String id, String name, String type) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("id", id);
        json.put("name", name);
        json.put("type", type);
        return json;
    }

    /** A container as the service shows a pipeline's target/source: type, uri, storageAccessMode, keyVaultUri. */
    static ObjectNode container(StorageContainer c, String type) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("type", type);
        json.put("uri", c == null ? null : c.uri().toString());
        json.put("storageAccessMode", c == null ? null : c.accessMode().name());
        json.put("keyVaultUri", c == null ? null : c.secretUri());
        return json;
    }

    /**
     * The service's identity block: type, and for a user-assigned identity its resource id mapped to
     * {@code {principalId, clientId}}. Principal and tenant ids are the service's to assign: null here.
     */
    static JsonNode identity(PipelineIdentity identity) {
        if (identity == null) {
            return Json.mapper().nullNode();
        }
        ObjectNode json = Json.mapper().createObjectNode();
        json.putNull("principalId");
        json.putNull("tenantId");
        json.put("type", identity.type().name());
        if (identity.type() == PipelineIdentity.Type.UserAssigned && identity.resourceId() != null) {
            ObjectNode user = json.putObject("userAssignedIdentities").putObject(identity.resourceId());
            user.putNull("principalId");
            user.put("clientId", identity.clientId());
        } else {
            json.putNull("userAssignedIdentities");
        }
        return json;
    }

    /** The options the service knows ({@code service}), or the others. */
    private static ArrayNode options(Set<PipelineOption> options, boolean service) {
        ArrayNode array = Json.mapper().createArrayNode();
        options.stream().filter(o -> SERVICE_OPTIONS.contains(o) == service).map(Enum::name).sorted()
                .forEach(array::add);
        return array;
    }

    /** The ocitransfer object of a pipeline: its registry, options the service lacks, an identity's bare client id. */
    private static ObjectNode extra(ObjectNode json, String registry, Set<PipelineOption> options,
                                    PipelineIdentity identity) {
        ObjectNode extra = json.putObject(EXTRA);
        extra.put("registry", registry);
        ArrayNode own = options(options, false);
        if (!own.isEmpty()) {
            extra.set("options", own);
        }
        if (identity != null && identity.type() == PipelineIdentity.Type.UserAssigned && identity.resourceId() == null) {
            extra.put("identityClientId", identity.clientId());
        }
        return extra;
    }

    static void putIfSet(ObjectNode json, String field, String value) {
        if (value != null && !value.isEmpty()) {
            json.put(field, value);
        }
    }

    static String text(Object value) {
        return value == null ? null : value.toString();
    }

    static ArrayNode strings(List<String> values) {
        ArrayNode array = Json.mapper().createArrayNode();
        values.forEach(array::add);
        return array;
    }
}
