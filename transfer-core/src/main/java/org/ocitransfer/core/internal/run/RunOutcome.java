package org.ocitransfer.core.internal.run;

import java.util.List;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.RunStatus;

/**
 * What a run's execution produced.
 *
 * @param status            the final status
 * @param artifactResults   per artifact
 * @param importedArtifacts import: references written into the target
 * @param catalogDigest     the archive's catalog digest, when known
 * @param errorMessage      what went wrong and what to do; null on success
 */
public record RunOutcome(RunStatus status, List<ArtifactResult> artifactResults, List<String> importedArtifacts,
                         String catalogDigest, String errorMessage) {
}
