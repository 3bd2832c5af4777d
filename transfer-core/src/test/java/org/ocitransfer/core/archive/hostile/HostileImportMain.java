// Imports the corpus's large cases (and a gzip bomb) in a JVM started with a small heap: one line per result.
package org.ocitransfer.core.archive.hostile;

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

    private HostileImportMain() {
    }

    /** @param args the work directory */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        List<HostileArchives.Case> cases = new ArrayList<>(HostileArchives.corpus().stream()
                .filter(HostileArchives.Case::large).toList());
        byte[] bomb = GzipBomb.bytes();
        Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, bomb);
        cases.add(new HostileArchives.Case("valid gzip bomb", "", t -> HostileArchives.writeImage(t, layer, bomb),
                null, true));
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
        System.out.println("DONE " + Runtime.getRuntime().maxMemory());
    }
}
