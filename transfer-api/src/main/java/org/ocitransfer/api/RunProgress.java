package org.ocitransfer.api;

/**
 * How far a run has got: what moved, also for a run that failed.
 *
 * <p>An artifact here is an entry of the run's {@link PipelineRunResponse#artifactResults()}: for an export, each
 * artifact requested (its referrers, with IncludeReferrers, travel as part of it); for an import, each entry of the
 * archive's index (referrers included, as the archive lists them).
 *
 * @param bytesDone      content bytes moved (or found already present)
 * @param bytesTotal     content bytes the run will move, once known (0 before)
 * @param artifactsDone  artifacts that went through (Succeeded or TagKept); failed and skipped ones are not counted
 * @param artifactsTotal artifacts in the run, once known (0 before)
 */
public record RunProgress(long bytesDone, long bytesTotal, int artifactsDone, int artifactsTotal) {

    /** Nothing done yet. */
    public static final RunProgress NONE = new RunProgress(0, 0, 0, 0);

    /** The percentage done, by bytes when they are known, else by artifacts; 0 to 100. */
    public int percentage() {
        if (bytesTotal > 0) {
            return (int) Math.min(100, bytesDone * 100 / bytesTotal);
        }
        if (artifactsTotal > 0) {
            return Math.min(100, artifactsDone * 100 / artifactsTotal);
        }
        return 0;
    }
}
