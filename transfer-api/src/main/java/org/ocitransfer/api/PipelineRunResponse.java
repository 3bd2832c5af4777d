package org.ocitransfer.api;

import java.time.Instant;
import java.util.List;

/**
 * What a run did (read-only; the client fills it in).
 *
 * @param status                  Queued, Running, Succeeded, CompletedWithErrors or Failed
 * @param progress                bytes and artifacts done; {@link RunProgress#percentage()} is the model's
 *                                progress percentage
 * @param startTime               when it started
 * @param finishTime              when it ended, null while running
 * @param importedArtifacts       import: the references written into the target registry
 * @param artifactResults         per artifact: digest, outcome, message
 * @param catalogDigest           the digest of the archive's catalog.json (export: written; import: read)
 * @param source                  import: the archive blob, with its URI
 * @param target                  export: the archive blob, with its URI
 * @param trigger                 set when the source trigger started the run; null for a run created explicitly
 * @param pipelineRunErrorMessage what went wrong and what to do, null on success
 */
public record PipelineRunResponse(RunStatus status, RunProgress progress, Instant startTime, Instant finishTime,
                                  List<String> importedArtifacts, List<ArtifactResult> artifactResults,
                                  String catalogDigest, BlobLocation source, BlobLocation target,
                                  RunTrigger trigger, String pipelineRunErrorMessage) {

    /** Copies the lists. */
    public PipelineRunResponse {
        importedArtifacts = importedArtifacts == null ? List.of() : List.copyOf(importedArtifacts);
        artifactResults = artifactResults == null ? List.of() : List.copyOf(artifactResults);
        if (progress == null) {
            progress = RunProgress.NONE;
        }
    }
}
