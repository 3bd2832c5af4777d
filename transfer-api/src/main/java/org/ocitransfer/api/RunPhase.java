package org.ocitransfer.api;

/** The phases a run goes through, in order; a run that fails stops in the phase it was in. */
public enum RunPhase {
    /** Checking access to the storage and the registry, resolving the artifacts and walking their graphs. */
    PLANNING,
    /** Moving blobs and manifests (export: writing the archive; import and copy: pushing into the registry). */
    COPYING,
    /** Import and copy: moving tags, last, once all content is in. */
    TAGGING,
    /** Committing the archive (export) or deleting the source blob (import with DeleteSourceBlobOnSuccess). */
    COMMITTING,
    /** Over: the run has its final status. */
    DONE
}
