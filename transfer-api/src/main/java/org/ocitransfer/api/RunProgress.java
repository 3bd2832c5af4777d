package org.ocitransfer.api;

/**
 * How far a run has got.
 *
 * @param bytesDone      content bytes moved (or found already present)
 * @param bytesTotal     content bytes the run will move, once known (0 before)
 * @param artifactsDone  artifacts finished, successfully or not
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
