// Imports the corpus's large cases (and a gzip bomb) in a JVM started with a small heap: one line per result.
package org.ocitransfer.core.internal.archive.hostile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;

/**
 * The child process of {@link HostileArchiveMemoryTest}: imports every large corpus case and a valid image whose
 * layer is a 1 GiB gzip bomb through the client, printing {@code RESULT<TAB>case<TAB>status<TAB>target-check<TAB>message<TAB>time} per run.
 * Started with a small {@code -Xmx} and {@code -XX:+ExitOnOutOfMemoryError}, so buffering any of them whole (or
 * expanding the bomb into memory) ends the process instead of passing.
 */
public final class HostileImportMain {

    /**
     * Issue 12 item 2, as the test runs it: one index of 2,000 manifests named under 300 tags; it imports (before
     * the fix, planning read and held the whole graph once per tag: 600,000 manifest copies).
     */
    static final String FAN_OUT = "fan-out: one index of 2,000 manifests under 300 tags";
    /** Issue 12 item 2 at the size (8,000 manifests, 300 tags), run only when named on the command line. */
    static final String FAN_OUT_FULL = "fan-out: one index of 8,000 manifests under 300 tags";
    /** Issue 12 item 3: a consistent catalog.json just under the 16 MiB limit; it imports. */
    static final String CATALOG_AT_LIMIT = "catalog.json at the 16 MiB limit";
    /** Issue 12 item 3: a catalog.json just under the limit listing 90,000 blobs the archive lacks; refused. */
    static final String CATALOG_AT_LIMIT_INCONSISTENT = "catalog.json at the 16 MiB limit listing absent blobs";

    private HostileImportMain() {
    }

    /** The process's peak resident set (VmHWM from /proc/self/status), or "unknown" off Linux. */
    static String peakRss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** @param args the work directory, then optionally the names of the only cases to run */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        List<HostileArchives.Case> cases = new ArrayList<>(HostileArchives.corpus().stream()
                .filter(HostileArchives.Case::large).toList());
        byte[] bomb = GzipBomb.bytes();
        Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, bomb);
        cases.add(new HostileArchives.Case("valid gzip bomb", "", t -> HostileArchives.writeImage(t, layer, bomb),
                null, true));
        cases.add(new HostileArchives.Case(FAN_OUT, "", t -> HostileArchives.fanOut(t, 2000, 300), null, true));
        if (List.of(args).contains(FAN_OUT_FULL)) { // by hand only: its 8,001 manifest pushes take half a minute
            cases.add(new HostileArchives.Case(FAN_OUT_FULL, "", t -> HostileArchives.fanOut(t, 8000, 300), null,
                    true));
        }
        cases.add(new HostileArchives.Case(CATALOG_AT_LIMIT, "",
                t -> HostileArchives.ownArchiveWithCatalogAtLimit(t, true), null, true));
        cases.add(new HostileArchives.Case(CATALOG_AT_LIMIT_INCONSISTENT, "",
                t -> HostileArchives.ownArchiveWithCatalogAtLimit(t, false), null, true));
        if (args.length > 1) { // run by hand: only the cases named
            List<String> only = List.of(args).subList(1, args.length);
            cases.removeIf(c -> !only.contains(c.name()));
        }
        try (HostileImport bench = new HostileImport(dir)) {
            int n = 0;
            for (HostileArchives.Case c : cases) {
                n++;
                long started = System.nanoTime();
                bench.freshTarget("big" + n);
                HostileImport.Snapshot before = bench.snapshot();
                PipelineRun run = bench.importCase(c, "hostilebig" + n, "big" + n + ".tar");
                Files.delete(bench.container.resolve("big" + n + ".tar"));
                String message = run.response().pipelineRunErrorMessage();
                List<String> problems = bench.problemsSince(before);
                System.out.println("RESULT\t" + c.name() + "\t" + run.status() + "\t"
                        + (problems.isEmpty() ? "target-unchanged" : String.join("; ", problems)) + "\t"
                        + (message == null ? "" : message.replace('\n', ' ')) + "\t"
                        + (System.nanoTime() - started) / 1_000_000 + " ms");
            }
        }
        System.out.println("PEAK " + peakRss());
        System.out.println("DONE " + Runtime.getRuntime().maxMemory());
    }
}
