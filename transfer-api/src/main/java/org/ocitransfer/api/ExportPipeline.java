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
 * @param identity          optional: the identity for Key Vault and Storage access; null: the default credential
 * @param signingKeyUri     optional: a secret holding the PEM private key the archives' catalogs are signed with
 * @param maxPartSize       optional: the largest part in bytes; when set, archives are written as parts
 *                          {@code NAME.001}, {@code NAME.002}, ... (a run may override it)
 */
public record ExportPipeline(String name, String registry, StorageContainer target, Set<PipelineOption> options,
                             ProvisioningState provisioningState, PipelineIdentity identity, String signingKeyUri,
                             Long maxPartSize) {

    /** Validates the name and the options. */
    public ExportPipeline {
        ResourceNames.validate(name, "export pipeline");
        Objects.requireNonNull(registry, "registry of export pipeline " + name);
        Objects.requireNonNull(target, "target container of export pipeline " + name);
        options = PipelineOption.validate(options, PipelineKind.EXPORT);
        if (maxPartSize != null && maxPartSize <= 0) {
            throw new IllegalArgumentException("The largest part size of export pipeline " + name
                    + " must be positive, not " + maxPartSize);
        }
    }

    /** A pipeline with the service's fields only. */
    public ExportPipeline(String name, String registry, StorageContainer target, Set<PipelineOption> options,
                          ProvisioningState provisioningState) {
        this(name, registry, target, options, provisioningState, null, null, null);
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
        return new ExportPipeline(name, registry, target, options, state, identity, signingKeyUri, maxPartSize);
    }

    /** This pipeline with the given identity (null: the default credential). */
    public ExportPipeline withIdentity(PipelineIdentity newIdentity) {
        return new ExportPipeline(name, registry, target, options, provisioningState, newIdentity, signingKeyUri,
                maxPartSize);
    }

    /** This pipeline signing its archives with the private key in the given secret (null: unsigned). */
    public ExportPipeline withSigningKeyUri(String secretUri) {
        return new ExportPipeline(name, registry, target, options, provisioningState, identity, secretUri,
                maxPartSize);
    }

    /** This pipeline writing archives in parts of at most the given size (null: one blob). */
    public ExportPipeline withMaxPartSize(Long bytes) {
        return new ExportPipeline(name, registry, target, options, provisioningState, identity, signingKeyUri, bytes);
    }
}
