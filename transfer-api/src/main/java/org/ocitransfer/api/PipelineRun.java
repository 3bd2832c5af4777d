package org.ocitransfer.api;

import java.util.Objects;

/**
 * A pipeline run: one execution of an export or an import pipeline.
 *
 * <p>Creating a run executes it. Re-submitting a run with identical properties and the same
 * {@code forceUpdateTag} returns the existing run without running it again; a changed {@code forceUpdateTag} runs
 * it again (the CLI's {@code --force-redeploy} sets it to the current time).
 *
 * @param name              5-50 alphanumerics
 * @param request           what to do
 * @param forceUpdateTag    an opaque string; change it to run the same request again (null is "")
 * @param response          what happened; null before the run starts
 * @param provisioningState the resource's state: Succeeded once the run is accepted and while it goes or after it
 *                          succeeded (also with errors); Failed once the run has failed, as the transfer service
 *                          reports a failed run
 */
public record PipelineRun(String name, PipelineRunRequest request, String forceUpdateTag,
                          PipelineRunResponse response, ProvisioningState provisioningState) {

    /** Validates the name. */
    public PipelineRun {
        ResourceNames.validate(name, "pipeline run");
        Objects.requireNonNull(request, "request of pipeline run " + name);
        if (forceUpdateTag == null) {
            forceUpdateTag = "";
        }
    }

    /** Its resource id: {@code /pipelineRuns/<name>}. */
    public String id() {
        return ResourceNames.runId(name);
    }

    /** The status, Queued when it has no response yet. */
    public RunStatus status() {
        return response == null ? RunStatus.Queued : response.status();
    }

    /** This run with another response. */
    public PipelineRun withResponse(PipelineRunResponse newResponse) {
        return new PipelineRun(name, request, forceUpdateTag, newResponse, provisioningState);
    }

    /** This run with another provisioning state. */
    public PipelineRun withProvisioningState(ProvisioningState state) {
        return new PipelineRun(name, request, forceUpdateTag, response, state);
    }
}
