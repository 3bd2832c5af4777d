// Bounded memory: the corpus's large cases and a 1 GiB gzip bomb imported in a JVM with a 64 MiB heap.
package org.ocitransfer.core.internal.archive.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.testing.Seeds;

/**
 * Runs {@link HostileImportMain} in a separate JVM with {@code -Xmx64m -XX:+ExitOnOutOfMemoryError}: the corpus's
 * large cases (100,000 entries, a manifest over 4 MiB, a gzip bomb with a wrong digest) must each be refused with
 * their clear error and leave the target unchanged (they run only here, not in {@link HostileArchiveImportTest}), and
 * an image whose layer expands to 1 GiB must import, and so must one index of 2,000 manifests under 300 tags (issue
 * 12 item 2) and this SDK's archive with a consistent catalog.json at the 16 MiB limit, while one listing 90,000
 * absent blobs at that size is refused (item 3), all without running out of a heap far smaller than the inputs (or
 * than the bomb's expansion). The peak RSS of the child is printed.
 */
class HostileArchiveMemoryTest {

    static final String HEAP = "-Xmx64m";

    @TempDir
    Path dir;

    @Test
    void largeHostileArchivesAreHandledInASmallHeap() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), HEAP, "-XX:+ExitOnOutOfMemoryError",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-D" + Seeds.PROPERTY + "=" + Seeds.seed(),
                "-cp", System.getProperty("java.class.path"),
                HostileImportMain.class.getName(), dir.resolve("work").toString())
                .redirectErrorStream(true).start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the child ended").isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).as("exit status; output:%n%s", output).isZero();
        assertThat(output).doesNotContain("OutOfMemoryError").contains("DONE");
        System.out.println("Peak RSS of the -Xmx64m import child: " + output.lines()
                .filter(l -> l.startsWith("PEAK ")).findFirst().orElse("not printed"));

        Map<String, String[]> results = new LinkedHashMap<>();
        output.lines().filter(l -> l.startsWith("RESULT\t")).map(l -> l.split("\t"))
                .forEach(r -> results.put(r[1], r));
        List<HostileArchives.Case> large = HostileArchives.corpus().stream().filter(HostileArchives.Case::large)
                .toList();
        assertThat(large).hasSizeGreaterThanOrEqualTo(3);
        for (HostileArchives.Case c : large) {
            assertThat(results).as("output:%n%s", output).containsKey(c.name());
            assertThat(results.get(c.name())[2]).as(c.name()).isEqualTo("Failed");
            assertThat(results.get(c.name())[3]).as(c.name()).isEqualTo("target-unchanged");
            assertThat(results.get(c.name())[4]).as(c.name()).contains(c.expected())
                    .containsPattern("file://\\S+/big\\d+\\.tar");
        }
        for (String imports : List.of(HostileImportMain.FAN_OUT, HostileImportMain.CATALOG_AT_LIMIT)) {
            assertThat(results.get(imports)).as("output:%n%s", output).isNotNull();
            assertThat(results.get(imports)[2]).as(String.join(" ", results.get(imports))).isEqualTo("Succeeded");
        }
        String[] absent = results.get(HostileImportMain.CATALOG_AT_LIMIT_INCONSISTENT);
        assertThat(absent).as("output:%n%s", output).isNotNull();
        assertThat(absent[2]).as(String.join(" ", absent)).isEqualTo("Failed");
        assertThat(absent[3]).isEqualTo("target-unchanged");
        assertThat(absent[4]).contains("entry 'catalog.json' places blob sha256:").contains("the archive does not hold it");
        assertThat(results.get("valid gzip bomb")).as("output:%n%s", output).isNotNull();
        assertThat(results.get("valid gzip bomb")[2]).as(String.join(" ", results.get("valid gzip bomb")))
                .isEqualTo("Succeeded");
    }
}
