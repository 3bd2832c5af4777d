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
        Failed
    }

    /** A success. */
    public static ArtifactResult succeeded(String artifact, String digest) {
        return new ArtifactResult(artifact, digest, Status.Succeeded, null);
    }

    /** A failure with its reason. */
    public static ArtifactResult failed(String artifact, String digest, String message) {
        return new ArtifactResult(artifact, digest, Status.Failed, message);
    }
}
