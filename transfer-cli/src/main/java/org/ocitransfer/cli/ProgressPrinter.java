// Shows a run's progress: a live one-line bar on a terminal, plain periodic lines otherwise, nothing when quiet.
package org.ocitransfer.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import org.ocitransfer.api.ProgressListener;
import org.ocitransfer.api.RunProgress;

/**
 * Prints progress to stderr (stdout stays clean for the result): on a terminal, one line redrawn with {@code \r}
 * at most every 100 ms (bar, percentage, bytes, rate, artifacts done); otherwise one plain line every few seconds.
 * Thread-safe: runs report from their own threads.
 */
final class ProgressPrinter implements ProgressListener {

    private static final int BAR = 24;
    private static final long REDRAW_NANOS = Duration.ofMillis(100).toNanos();

    private final PrintStream err;
    private final boolean terminal;
    private final boolean quiet;
    private final long lineIntervalNanos;
    private final long startNanos = System.nanoTime();
    private long lastPrintNanos;
    private int lastWidth;
    private RunProgress last;
    private String lastRun;

    /**
     * @param lineInterval how often a plain line is printed when not on a terminal
     */
    ProgressPrinter(PrintStream err, boolean terminal, boolean quiet, Duration lineInterval) {
        this.err = err;
        this.terminal = terminal;
        this.quiet = quiet;
        this.lineIntervalNanos = lineInterval.toNanos();
        this.lastPrintNanos = startNanos;
    }

    @Override
    public synchronized void onProgress(String runName, RunProgress progress) {
        last = progress;
        lastRun = runName;
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastPrintNanos >= (terminal ? REDRAW_NANOS : lineIntervalNanos)) {
            lastPrintNanos = now;
            print(runName, progress, now);
        }
    }

    /** Prints the last progress once more, ending the terminal line. */
    synchronized void finish() {
        if (quiet || last == null) {
            return;
        }
        print(lastRun, last, System.nanoTime());
        if (terminal) {
            err.println();
        }
    }

    private void print(String runName, RunProgress p, long now) {
        double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
        String rate = Formats.bytes((long) (p.bytesDone() / seconds)) + "/s";
        String bytes = Formats.bytes(p.bytesDone()) + (p.bytesTotal() > 0 ? " of " + Formats.bytes(p.bytesTotal()) : "");
        // A blob copy has no artifacts: nothing to show then.
        String artifacts = p.artifactsTotal() == 0 && p.artifactsDone() == 0 ? ""
                : "artifacts " + p.artifactsDone() + "/" + (p.artifactsTotal() > 0 ? p.artifactsTotal() : "?");
        if (terminal) {
            int filled = p.percentage() * BAR / 100;
            String line = String.format(Locale.ROOT, "%s [%s%s] %3d%%  %s  %s  %s", runName, "#".repeat(filled),
                    ".".repeat(BAR - filled), p.percentage(), bytes, rate, artifacts).stripTrailing();
            String padding = " ".repeat(Math.max(0, lastWidth - line.length()));
            lastWidth = line.length();
            err.print("\r" + line + padding);
            err.flush();
        } else {
            err.println(String.format(Locale.ROOT, "%s: %d%%, %s, %s%s", runName, p.percentage(), bytes, rate,
                    artifacts.isEmpty() ? "" : ", " + artifacts + " done"));
        }
    }
}
