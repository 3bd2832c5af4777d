// What a direct registry -> registry copy is asked to do (the connected case, like `az acr import` or `oras cp`).
package org.ocitransfer.api;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A direct copy of artifacts from one registry into another, without an archive in between. Registries are named as
 * pipelines name them: {@code https://host}, {@code http://host:port}, {@code oci-layout:/path}. Each artifact keeps
 * its repository and tag (or digest) on the target side.
 *
 * @param sourceRegistry the registry to read from
 * @param targetRegistry the registry to write into
 * @param artifacts      the artifacts to copy ({@code repo}, {@code repo:tag}, {@code repo@sha256:...}); a registry
 *                       host in a reference is refused (the registries are named above)
 * @param options        {@link PipelineOption#IncludeReferrers}, {@link PipelineOption#OverwriteTags},
 *                       {@link PipelineOption#ContinueOnErrors}; the others are refused
 */
public record CopyRequest(String sourceRegistry, String targetRegistry, List<ArtifactRef> artifacts,
                          Set<PipelineOption> options) {

    /** The options a copy takes. */
    public static final Set<PipelineOption> OPTIONS = Collections.unmodifiableSet(EnumSet.of(
            PipelineOption.IncludeReferrers, PipelineOption.OverwriteTags, PipelineOption.ContinueOnErrors));

    /** Validates the request: both registries, at least one artifact, and only the options a copy takes. */
    public CopyRequest {
        Objects.requireNonNull(sourceRegistry, "a copy needs a source registry");
        Objects.requireNonNull(targetRegistry, "a copy needs a target registry");
        if (sourceRegistry.isBlank() || targetRegistry.isBlank()) {
            throw new IllegalArgumentException("A copy needs a source and a target registry URI (https://host,"
                    + " http://host:port or oci-layout:/path)");
        }
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        if (artifacts.isEmpty()) {
            throw new IllegalArgumentException("A copy needs at least one artifact to copy");
        }
        for (ArtifactRef artifact : artifacts) {
            if (artifact.registry() != null) {
                throw new IllegalArgumentException("Artifact " + artifact + " names a registry host: name only"
                        + " the repository and tag or digest (" + artifact.withRegistry(null) + "); the source"
                        + " registry is " + sourceRegistry);
            }
        }
        EnumSet<PipelineOption> copy = EnumSet.noneOf(PipelineOption.class);
        for (PipelineOption option : options == null ? Set.<PipelineOption>of() : options) {
            if (!OPTIONS.contains(option)) {
                throw new IllegalArgumentException("Option " + option + " does not apply to a copy: it takes "
                        + "IncludeReferrers, OverwriteTags and ContinueOnErrors");
            }
            copy.add(option);
        }
        options = Collections.unmodifiableSet(copy);
    }

    /** A copy of artifacts given as references ({@code repo:tag}, ...). */
    public static CopyRequest of(String sourceRegistry, String targetRegistry, List<String> artifacts,
                                 Set<PipelineOption> options) {
        return new CopyRequest(sourceRegistry, targetRegistry,
                artifacts == null ? null : artifacts.stream().map(ArtifactRef::parse).toList(), options);
    }

    /** Whether the copy has this option. */
    public boolean has(PipelineOption option) {
        return options.contains(option);
    }
}
