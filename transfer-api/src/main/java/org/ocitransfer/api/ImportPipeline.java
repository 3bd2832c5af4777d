package org.ocitransfer.api;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An import pipeline: reads archive blobs from a container and writes their artifacts into a registry. With its
 * source trigger enabled (the default), a blob that lands in the container starts an import run by itself.
 *
 * @param name              5-50 alphanumerics
 * @param registry          the target registry: {@code https://host[:port]}, {@code http://host:port} or
 *                          {@code oci-layout:/path}
 * @param source            the container the archives are read from
 * @param sourceTrigger     Enabled (the default when null) or Disabled
 * @param options           a subset of OverwriteTags, DeleteSourceBlobOnSuccess, ContinueOnErrors
 * @param provisioningState set by the client; null in a request
 * @param identity          optional: the identity for Key Vault and Storage access; null: the default credential
 * @param verifyKeys        the public keys (files or secret URIs) one of which must have signed an archive's catalog
 *                          before anything is imported; empty: signatures are not required
 */
public record ImportPipeline(String name, String registry, StorageContainer source, TriggerStatus sourceTrigger,
                             Set<PipelineOption> options, ProvisioningState provisioningState,
                             PipelineIdentity identity, List<String> verifyKeys) {

    /** Validates the name and the options; the trigger defaults to Enabled. */
    public ImportPipeline {
        ResourceNames.validate(name, "import pipeline");
        Objects.requireNonNull(registry, "registry of import pipeline " + name);
        Objects.requireNonNull(source, "source container of import pipeline " + name);
        options = PipelineOption.validate(options, PipelineKind.IMPORT);
        if (sourceTrigger == null) {
            sourceTrigger = TriggerStatus.Enabled;
        }
        verifyKeys = verifyKeys == null ? List.of() : List.copyOf(verifyKeys);
    }

    /** A pipeline with the service's fields only. */
    public ImportPipeline(String name, String registry, StorageContainer source, TriggerStatus sourceTrigger,
                          Set<PipelineOption> options, ProvisioningState provisioningState) {
        this(name, registry, source, sourceTrigger, options, provisioningState, null, List.of());
    }

    /** A pipeline as a request, its trigger enabled. */
    public ImportPipeline(String name, String registry, StorageContainer source, Set<PipelineOption> options) {
        this(name, registry, source, TriggerStatus.Enabled, options, null);
    }

    /** Its resource id: {@code /importPipelines/<name>}. */
    public String id() {
        return ResourceNames.pipelineId(PipelineKind.IMPORT, name);
    }

    /** Whether the option is set. */
    public boolean has(PipelineOption option) {
        return options.contains(option);
    }

    /** This pipeline with the given provisioning state. */
    public ImportPipeline withProvisioningState(ProvisioningState state) {
        return new ImportPipeline(name, registry, source, sourceTrigger, options, state, identity, verifyKeys);
    }

    /** This pipeline with its source trigger set. */
    public ImportPipeline withSourceTrigger(TriggerStatus status) {
        return new ImportPipeline(name, registry, source, status, options, provisioningState, identity, verifyKeys);
    }

    /** This pipeline with the given identity (null: the default credential). */
    public ImportPipeline withIdentity(PipelineIdentity newIdentity) {
        return new ImportPipeline(name, registry, source, sourceTrigger, options, provisioningState, newIdentity,
                verifyKeys);
    }

    /** This pipeline requiring archives signed by one of the given public keys (empty: no signature required). */
    public ImportPipeline withVerifyKeys(List<String> keys) {
        return new ImportPipeline(name, registry, source, sourceTrigger, options, provisioningState, identity, keys);
    }
}
