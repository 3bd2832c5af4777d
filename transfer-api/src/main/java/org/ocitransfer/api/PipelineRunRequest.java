package org.ocitransfer.api;

import java.util.List;
import java.util.Objects;

/**
 * What a pipeline run is asked to do.
 *
 * @param pipelineResourceId the pipeline's id, ending in {@code /exportPipelines/<name>} or
 *                           {@code /importPipelines/<name>}
 * @param artifacts          export only: references ({@code repo}, {@code repo:tag}, {@code repo@sha256:...})
 * @param source             import only: the archive blob to read
 * @param target             export only: the archive blob to write
 * @param catalogDigest      import: when set, the archive's catalog must have this digest; export: ignored
 * @param targetRepository   import only, optional: the repository for archive entries named by a bare tag (as
 *                           plain OCI layouts from other tools name them); entries naming their repository keep it
 * @param baseBlobs          export only, optional: earlier archives in the same container; the new archive leaves
 *                           out every blob and manifest they hold (a differential archive)
 * @param maxPartSize        export only, optional: overrides the pipeline's largest part size, in bytes
 */
public record PipelineRunRequest(String pipelineResourceId, List<String> artifacts, BlobLocation source,
                                 BlobLocation target, String catalogDigest, String targetRepository,
                                 List<String> baseBlobs, Long maxPartSize) {

    /** Validates the shape: an export names a target blob and artifacts; an import names a source blob. */
    public PipelineRunRequest {
        ResourceNames.PipelineId id = ResourceNames.parsePipelineId(pipelineResourceId);
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        baseBlobs = baseBlobs == null ? List.of() : List.copyOf(baseBlobs);
        if (maxPartSize != null && maxPartSize <= 0) {
            throw new IllegalArgumentException("The largest part size must be positive, not " + maxPartSize);
        }
        if (id.kind() == PipelineKind.EXPORT) {
            Objects.requireNonNull(target, "an export run needs a target blob name");
            if (artifacts.isEmpty()) {
                throw new IllegalArgumentException("An export run needs at least one artifact to export");
            }
            if (source != null) {
                throw new IllegalArgumentException("An export run takes a target blob, not a source blob");
            }
            if (targetRepository != null) {
                throw new IllegalArgumentException("An export run takes no target repository: the artifacts name"
                        + " their repositories");
            }
            for (String artifact : artifacts) {
                ArtifactRef.parse(artifact);
            }
        } else {
            Objects.requireNonNull(source, "an import run needs a source blob name");
            if (!baseBlobs.isEmpty() || maxPartSize != null) {
                throw new IllegalArgumentException("An import run takes no base archives and no part size: they"
                        + " shape an export's archive");
            }
            if (!artifacts.isEmpty()) {
                throw new IllegalArgumentException("An import run takes no artifact list: it imports what the"
                        + " archive holds");
            }
            if (target != null) {
                throw new IllegalArgumentException("An import run takes a source blob, not a target blob");
            }
            if (targetRepository != null) {
                new ArtifactRef(null, targetRepository, null, null);
            }
        }
    }

    /** A request with the service's fields only. */
    public PipelineRunRequest(String pipelineResourceId, List<String> artifacts, BlobLocation source,
                              BlobLocation target, String catalogDigest, String targetRepository) {
        this(pipelineResourceId, artifacts, source, target, catalogDigest, targetRepository, null, null);
    }

    /** An export of the artifacts into the named blob. */
    public static PipelineRunRequest export(String pipelineName, String targetBlob, List<String> artifacts) {
        return new PipelineRunRequest(ResourceNames.pipelineId(PipelineKind.EXPORT, pipelineName), artifacts,
                null, BlobLocation.named(targetBlob), null, null);
    }

    /** An import of the named blob. */
    public static PipelineRunRequest importBlob(String pipelineName, String sourceBlob) {
        return new PipelineRunRequest(ResourceNames.pipelineId(PipelineKind.IMPORT, pipelineName), List.of(),
                BlobLocation.named(sourceBlob), null, null, null);
    }

    /** This import request, with a repository for entries named by a bare tag. */
    public PipelineRunRequest withTargetRepository(String repository) {
        return new PipelineRunRequest(pipelineResourceId, artifacts, source, target, catalogDigest, repository,
                baseBlobs, maxPartSize);
    }

    /** This import request, requiring the archive's catalog to have this digest. */
    public PipelineRunRequest withCatalogDigest(String digest) {
        return new PipelineRunRequest(pipelineResourceId, artifacts, source, target, digest, targetRepository,
                baseBlobs, maxPartSize);
    }

    /** This export request, leaving out what the named earlier archives (in the same container) hold. */
    public PipelineRunRequest withBaseBlobs(List<String> blobs) {
        return new PipelineRunRequest(pipelineResourceId, artifacts, source, target, catalogDigest, targetRepository,
                blobs, maxPartSize);
    }

    /** This export request, writing the archive in parts of at most the given size (null: the pipeline's). */
    public PipelineRunRequest withMaxPartSize(Long bytes) {
        return new PipelineRunRequest(pipelineResourceId, artifacts, source, target, catalogDigest, targetRepository,
                baseBlobs, bytes);
    }

    /** The artifacts, parsed (export); {@link #artifacts()} is their wire form, as the request was written. */
    public List<ArtifactRef> artifactRefs() {
        return artifacts.stream().map(ArtifactRef::parse).toList();
    }

    /** The pipeline this request runs. */
    public ResourceNames.PipelineId pipeline() {
        return ResourceNames.parsePipelineId(pipelineResourceId);
    }
}
