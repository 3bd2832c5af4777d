package org.ocitransfer.api;

import java.util.Objects;
import java.util.Set;

/**
 * An export pipeline: reads artifacts from a registry and writes them as one archive blob into a container.
 *
 * @param name              5-50 alphanumerics
 * @param registry          the source registry: {@code https://host[:port]}, {@code http://host:port} or
 *                          {@code oci-layout:/path} (any URI the client has a registry factory for)
 * @param target            the container the archives are written to
 * @param options           a subset of OverwriteBlobs, ContinueOnErrors, IncludeReferrers
 * @param provisioningState set by the client; null in a request
 */
public record ExportPipeline(String name, String registry, StorageContainer target, Set<PipelineOption> options,
                             ProvisioningState provisioningState) {

    /** Validates the name and the options. */
    public ExportPipeline {
        ResourceNames.validate(name, "export pipeline");
        Objects.requireNonNull(registry, "registry of export pipeline " + name);
        Objects.requireNonNull(target, "target container of export pipeline " + name);
        options = PipelineOption.validate(options, PipelineKind.EXPORT);
    }

    /** A pipeline as a request: not yet provisioned. */
    public ExportPipeline(String name, String registry, StorageContainer target, Set<PipelineOption> options) {
        this(name, registry, target, options, null);
    }

    /** Its resource id: {@code /exportPipelines/<name>}. */
    public String id() {
        return ResourceNames.pipelineId(PipelineKind.EXPORT, name);
    }

    /** Whether the option is set. */
    public boolean has(PipelineOption option) {
        return options.contains(option);
    }

    /** This pipeline with the given provisioning state. */
    public ExportPipeline withProvisioningState(ProvisioningState state) {
        return new ExportPipeline(name, registry, target, options, state);
    }
}
