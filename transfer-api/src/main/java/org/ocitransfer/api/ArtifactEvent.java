package org.ocitransfer.api;

/**
 * One artifact's step in a run, as a {@link ProgressListener} hears it: it started, went through, or failed.
 *
 * @param artifact the artifact as the run's results name it (see {@link ArtifactResult#artifact()})
 * @param digest   its manifest digest, when known
 * @param kind     what happened
 * @param result   the artifact's result, for {@link Kind#SUCCEEDED} and {@link Kind#FAILED}; null when started
 */
public record ArtifactEvent(String artifact, String digest, Kind kind, ArtifactResult result) {

    /** What happened to the artifact. */
    public enum Kind {
        /** The run began to work on it. */
        STARTED,
        /** It went through (Succeeded, or TagKept). */
        SUCCEEDED,
        /** It failed; {@link ArtifactResult#category()} says what kind of failure. */
        FAILED
    }

    /** Its error category when it failed; null otherwise. */
    public ErrorCategory category() {
        return result == null ? null : result.category();
    }
}
