package org.ocitransfer.api;

/**
 * What happened to one artifact in a run.
 *
 * @param artifact the artifact as requested (export) or as named in the archive (import)
 * @param digest   the manifest digest it resolved to, when known
 * @param status   the outcome
 * @param message  why it failed or was left alone; null on success
 * @param category what kind of failure it was (Failed only; null otherwise): whether to fix the input, get access, or
 *                 try again later ({@link #retryable()})
 */
public record ArtifactResult(String artifact, String digest, Status status, String message, ErrorCategory category) {

    /** Checks that only a failure has a category. */
    public ArtifactResult {
        if (status == null) {
            throw new IllegalArgumentException("An artifact result needs a status");
        }
        if (status != Status.Failed && category != null) {
            throw new IllegalArgumentException("Only a failed artifact has an error category, not a " + status + " one");
        }
        if (status == Status.Failed && category == null) {
            category = ErrorCategory.INTERNAL;
        }
    }

    /** A result with no error category (one that did not fail). */
    public ArtifactResult(String artifact, String digest, Status status, String message) {
        this(artifact, digest, status, message, null);
    }

    /** Whether it failed in a way that running it again unchanged can mend. */
    public boolean retryable() {
        return category != null && category.retryable();
    }

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

    /** A failure with its reason and its kind. */
    public static ArtifactResult failed(String artifact, String digest, String message, ErrorCategory category) {
        return new ArtifactResult(artifact, digest, Status.Failed, message, category);
    }

    /** A failure with its reason, of the kind of {@code cause} ({@link ErrorCategory#of}). */
    public static ArtifactResult failed(String artifact, String digest, String message, Throwable cause) {
        return new ArtifactResult(artifact, digest, Status.Failed, message, ErrorCategory.of(cause));
    }
}
