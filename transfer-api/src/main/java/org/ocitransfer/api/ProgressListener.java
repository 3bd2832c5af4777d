package org.ocitransfer.api;

/**
 * Receives a run's progress: byte and artifact counts, each artifact's steps, and the run's phase. Called from the
 * run's threads, often: keep it quick and thread-safe. A listener that throws does not fail the run: the first
 * exception is logged, and the run goes on.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores progress. */
    ProgressListener NONE = (run, progress) -> { };

    /**
     * @param runName  the run reporting
     * @param progress its progress so far
     */
    void onProgress(String runName, RunProgress progress);

    /**
     * An artifact started, went through, or failed. Does nothing unless overridden.
     *
     * @param runName the run reporting
     * @param event   what happened to which artifact
     */
    default void onArtifact(String runName, ArtifactEvent event) {
    }

    /**
     * The run entered a phase. Does nothing unless overridden.
     *
     * @param runName the run reporting
     * @param phase   the phase it is in now
     */
    default void onPhase(String runName, RunPhase phase) {
    }
}
