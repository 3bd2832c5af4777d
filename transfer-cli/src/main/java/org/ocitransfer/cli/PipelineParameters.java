// Writes pipelines as the ACR transfer templates' parameter files (`show --as-parameters`).
package org.ocitransfer.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.StorageContainer;

/**
 * A pipeline as an {@code azuredeploy.parameters.json} of the ExportPipelines or ImportPipelines template, which
 * {@code create --parameters} reads back into the same pipeline. Only the templates' parameter names are written, so
 * the file deploys with the official template too: registryName is the bare name of an Azure Container Registry
 * (else the registry's URI, which only this tool reads), keyVaultUri the secret URI. An identity the template cannot
 * express (system-assigned, or user-assigned by client id alone: the template takes a resource id) is left out,
 * with a note on stderr.
 */
final class PipelineParameters {

    private PipelineParameters() {
    }

    /** The export pipeline's parameter file. */
    static String export(ExportPipeline pipeline, PrintStream notes) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("registryName", registryName(pipeline.registry()));
        p.put("exportPipelineName", pipeline.name());
        p.put("targetUri", pipeline.target().uri().toString());
        container(p, pipeline.target());
        p.put("options", options(pipeline.options()));
        p.put("userAssignedIdentity", identity(pipeline.identity(), pipeline.name(), notes));
        return ParameterFile.write(p);
    }

    /** The import pipeline's parameter file. */
    static String importing(ImportPipeline pipeline, PrintStream notes) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("registryName", registryName(pipeline.registry()));
        p.put("importPipelineName", pipeline.name());
        p.put("sourceUri", pipeline.source().uri().toString());
        container(p, pipeline.source());
        p.put("sourceTriggerStatus", pipeline.sourceTrigger().name());
        p.put("options", options(pipeline.options()));
        p.put("userAssignedIdentity", identity(pipeline.identity(), pipeline.name(), notes));
        return ParameterFile.write(p);
    }

    /** The bare name of an ACR in any cloud, else the URI as it is. */
    private static String registryName(String registry) {
        for (AzureCloud cloud : AzureCloud.values()) {
            String name = cloud.registryName(registry);
            if (name != null) {
                return name;
            }
        }
        return registry;
    }

    private static void container(Map<String, Object> p, StorageContainer container) {
        p.put("keyVaultUri", container.secretUri());
        p.put("storageAccessMode", container.accessMode().name());
    }

    private static List<String> options(java.util.Set<PipelineOption> options) {
        return options.stream().map(Enum::name).toList();
    }

    private static String identity(PipelineIdentity identity, String pipeline, PrintStream notes) {
        if (identity == null) {
            return null;
        }
        if (identity.resourceId() != null) {
            return identity.resourceId();
        }
        notes.println("note: pipeline " + pipeline + "'s identity (" + (identity.clientId() == null
                ? "system-assigned" : "client id " + identity.clientId()) + ") is not in the file: the template's"
                + " userAssignedIdentity takes a resource id (empty means system-assigned there); give"
                + " --assign-identity beside --parameters");
        return null;
    }
}
