// What a direct registry -> registry copy did.
package org.ocitransfer.api;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a {@link CopyRequest}.
 *
 * @param status          Succeeded, CompletedWithErrors (with ContinueOnErrors, some failed) or Failed (nothing was
 *                        tagged)
 * @param artifactResults one result per requested artifact, in request order (then each referrer copied with
 *                        IncludeReferrers)
 * @param message         why the copy failed or which artifacts did; null on success
 */
public record CopyResult(RunStatus status, List<ArtifactResult> artifactResults, String message) {

    /** Copies the list; a copy has ended, so the status is terminal. */
    public CopyResult {
        Objects.requireNonNull(status, "status");
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("A copy result has ended: " + status + " is not a final status");
        }
        artifactResults = artifactResults == null ? List.of() : List.copyOf(artifactResults);
    }
}
