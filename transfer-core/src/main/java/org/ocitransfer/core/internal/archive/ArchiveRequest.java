package org.ocitransfer.core.internal.archive;

import java.util.List;
import java.util.Objects;
import org.ocitransfer.core.content.Descriptor;

/**
 * What to put into an archive. Input to {@link ArchivePlan#plan(ArchiveRequest)}.
 *
 * @param pipelineName   the export pipeline's name (recorded in catalog.json)
 * @param runName        the pipeline run's name (recorded in catalog.json)
 * @param sourceRegistry the source registry (recorded in catalog.json)
 * @param artifacts      the artifacts, in the order {@code index.json} lists them
 * @param blobs          every blob of every artifact's graph, already in archive order (manifests and configs before
 *                       layers); a digest listed more than once is stored once, at its first position
 * @param bases          a differential archive's base archives (recorded in catalog.json), empty for a whole archive;
 *                       {@code blobs} then leaves out what they hold, the artifacts' roots included
 */
public record ArchiveRequest(String pipelineName, String runName, String sourceRegistry,
                             List<ArchivedArtifact> artifacts, List<Descriptor> blobs, List<Catalog.Base> bases) {

    /** Copies the lists; every part is required. */
    public ArchiveRequest {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Objects.requireNonNull(runName, "runName");
        Objects.requireNonNull(sourceRegistry, "sourceRegistry");
        artifacts = List.copyOf(Objects.requireNonNull(artifacts, "artifacts"));
        blobs = List.copyOf(Objects.requireNonNull(blobs, "blobs"));
        bases = bases == null ? List.of() : List.copyOf(bases);
    }

    /** A whole archive: no bases. */
    public ArchiveRequest(String pipelineName, String runName, String sourceRegistry,
                          List<ArchivedArtifact> artifacts, List<Descriptor> blobs) {
        this(pipelineName, runName, sourceRegistry, artifacts, blobs, List.of());
    }
}
