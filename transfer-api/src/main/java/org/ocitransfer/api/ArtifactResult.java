package org.ocitransfer.api;

/**
 * What happened to one artifact in a run.
 *
 * @param artifact the artifact as requested (export) or as named in the archive (import)
 * @param digest   the manifest digest it resolved to, when known
 * @param status   the outcome
 * @param message  why it failed or was left alone; null on success
 */
public record ArtifactResult(String artifact, String digest, Status status, String message) {

    /** The outcome for one artifact. */
    public enum Status {
        /** Moved (and tagged, on import). */
        Succeeded,
        /** Content moved, but an existing tag pointing elsewhere was left alone (OverwriteTags off). */
        TagKept,
        /** Did not move; the message says why. */
        Failed,
        /**
         * Not transferred because the run stopped first, at another artifact's failure (or at a failure of the run
         * as a whole, which the message names): nothing of it was committed. An export writes no archive then; an
         * import may have pushed some of its content, but moved no tag. Run it again once the failure is fixed.
         */
        Skipped
    }

    /** A success. */
    public static ArtifactResult succeeded(String artifact, String digest) {
        return new ArtifactResult(artifact, digest, Status.Succeeded, null);
    }

    /** An artifact the run did not get to, with why it stopped. */
    public static ArtifactResult skipped(String artifact, String digest, String message) {
        return new ArtifactResult(artifact, digest, Status.Skipped, message);
    }

    /** A failure with its reason. */
    public static ArtifactResult failed(String artifact, String digest, String message) {
        return new ArtifactResult(artifact, digest, Status.Failed, message);
    }
}
