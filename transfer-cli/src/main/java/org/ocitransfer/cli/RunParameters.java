// Fills `pipeline-run create`'s options from a PipelineRun-Export or PipelineRun-Import parameter file.
package org.ocitransfer.cli;

import java.util.Set;
import org.ocitransfer.api.PipelineKind;

/**
 * The PipelineRun templates' parameters: pipelineRunName ({@code -n}), pipelineResourceId (its last two segments,
 * {@code exportPipelines/NAME} or {@code importPipelines/NAME}, give {@code -p} and {@code -t}; the rest of the id,
 * subscription, group and registry, is not used: the pipeline's record names its registry), targetName (export) or
 * sourceName (import) ({@code -b}), artifacts ({@code -a}), catalogDigest ({@code --catalog-digest}) and
 * forceUpdateTag (the run's tag: a new tag runs it again, as a redeployment does). registryName and location are
 * accepted and not used. Options given beside the file win.
 */
final class RunParameters {

    static final Set<String> PARAMETERS = Set.of("registryName", "pipelineRunName", "pipelineResourceId",
            "targetName", "sourceName", "artifacts", "catalogDigest", "forceUpdateTag", "location");

    private RunParameters() {
    }

    /**
     * Fills the command's unset options from its parameter file (when it has one) and checks the required ones.
     *
     * @return the file's forceUpdateTag, or null
     */
    static String apply(PipelineRunCommand.Create c) {
        ParameterFile file = c.parameters == null ? null : ParameterFile.read(c.parameters, PARAMETERS);
        String tag = null;
        if (file != null) {
            c.name = file.or(c.name, "pipelineRunName");
            String resourceId = file.string("pipelineResourceId");
            if (resourceId != null && (c.pipeline == null || c.kind == null)) {
                String[] segments = resourceId.replaceAll("/+$", "").split("/");
                String type = segments.length >= 2 ? segments[segments.length - 2] : "";
                PipelineKind named = type.equalsIgnoreCase("exportPipelines") ? PipelineKind.EXPORT
                        : type.equalsIgnoreCase("importPipelines") ? PipelineKind.IMPORT : null;
                if (named == null) {
                    throw new IllegalArgumentException("pipelineResourceId '" + resourceId + "' does not end in"
                            + " exportPipelines/<name> or importPipelines/<name>: give the pipeline's resource id,"
                            + " or --pipeline and --pipeline-type");
                }
                c.pipeline = c.pipeline != null ? c.pipeline : segments[segments.length - 1];
                c.kind = c.kind != null ? c.kind : named;
            }
            if (c.blob == null) {
                c.blob = file.string(c.kind == PipelineKind.IMPORT ? "sourceName" : "targetName");
            }
            if (c.artifacts == null) {
                c.artifacts = file.strings("artifacts");
                if (c.artifacts != null) {
                    c.artifacts.forEach(a -> new Arguments.Artifact().check(a));
                }
            }
            if (c.catalogDigest == null && file.string("catalogDigest") != null) {
                c.catalogDigest = file.string("catalogDigest");
                new Arguments.Digest().check(c.catalogDigest);
            }
            tag = file.string("forceUpdateTag");
        }
        require(c.name, "--name", "pipelineRunName");
        new Arguments.Name().check(c.name);
        require(c.pipeline, "--pipeline", "pipelineResourceId");
        require(c.kind, "--pipeline-type", "pipelineResourceId");
        require(c.blob, "--storage-blob", c.kind == PipelineKind.IMPORT ? "sourceName" : "targetName");
        return tag;
    }

    private static void require(Object value, String option, String parameter) {
        if (value == null) {
            throw new IllegalArgumentException("Missing " + option + " (or " + parameter + " in a --parameters"
                    + " file)");
        }
    }
}
