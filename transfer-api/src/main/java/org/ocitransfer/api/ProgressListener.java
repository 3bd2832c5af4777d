package org.ocitransfer.api;

/**
 * Receives a run's progress. Called from the run's threads, often: keep it quick and thread-safe.
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
}
