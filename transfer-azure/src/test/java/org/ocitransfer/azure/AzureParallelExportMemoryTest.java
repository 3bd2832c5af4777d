// Bounded memory on Azure: a parallel export of several 64 MiB layers to Azurite, and its import, under -Xmx64m.
package org.ocitransfer.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertSameGraph;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.registry.RegistryExtension;

/**
 * Runs {@link AzureParallelExportMemoryMain} in a JVM with {@code -Xmx64m -XX:+ExitOnOutOfMemoryError}: three images,
 * each of four 8 MiB layers and a large one, 512 MiB in the first and 64 MiB in the others (736 MiB, generated from a
 * printed seed; {@code -Dmemory.seed=N} repeats a run), are exported into Azurite at concurrency 8, so eight regions
 * stage 4 MiB blocks at once and later regions follow finished ones, then imported back into another registry. Both runs must succeed, the child must not
 * run out of memory, and the imported graphs must equal the source's. Before the fix the export died of
 * {@code OutOfMemoryError: Java heap space}: the JDK HTTP client's pooled connections kept the block of the request
 * that opened them (see JdkAzureHttpClientBodyReleaseTest), and each region allocated a new 4 MiB block buffer, a
 * humongous object that fragmented the small heap. And the import died the same way until a response asked the JDK
 * client for two lists of body buffers ahead, not Reactor's 256 (the 512 MiB layer's ranged reads from Azurite, which
 * serves faster than the registry takes in). The child's peak RSS is printed (a figure, not an assertion;
 * bench/run.sh measures speed).
 */
@Timeout(240) // a hang guard, not a performance assertion
class AzureParallelExportMemoryTest {

    static final String HEAP = "-Xmx64m";
    static final long LAYER = 64L << 20;
    static final long SMALL = 8L << 20;

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();
    @RegisterExtension
    static RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    static RegistryExtension target = RegistryExtension.open();

    @TempDir
    Path dir;

    @Test
    void parallelExportOfLargeLayersToAzuriteAndItsImportRunInA64MiBHeap() throws IOException, InterruptedException {
        long seed = Long.getLong("memory.seed", System.nanoTime());
        System.out.println("AzureParallelExportMemoryTest seed " + seed + " (repeat with -Dmemory.seed=" + seed + ")");
        ContentGenerator gen = new ContentGenerator(seed);
        List<String> artifacts = List.of("big/one:1", "big/two:1", "big/three:1");
        int images = 0;
        try (HttpRegistry registry = HttpRegistry.builder().uri(source.registry().url()).build()) {
            for (String artifact : artifacts) {
                long layer = images == 0 ? 8 * LAYER : LAYER; // one 512 MiB layer, as bench/run.sh's set has
                GeneratedArtifact image = gen.image(layer + images++ * 12_345, SMALL, SMALL + 1, SMALL + 2, SMALL + 3);
                String[] ref = artifact.split(":");
                image.pushTo(registry.repository(ref[0]), ref[1]);
            }
        }
        Azurite azurite = AZURITE.azurite();
        azurite.createContainer("memory");
        String sas = azurite.containerSas("memory", "racwdl", OffsetDateTime.now().plusHours(1));

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // The JDK client's body buffers at the size the registry client asks for (256 KiB), whichever JDK client is
        // made first: with Reactor's default prefetch the import's ranged reads held 161 of them and ran out of heap.
        List<String> command = new ArrayList<>(List.of(java.toString(), HEAP, "-XX:+ExitOnOutOfMemoryError",
                "-Djdk.httpclient.bufsize=262144",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                AzureParallelExportMemoryMain.class.getName(), dir.resolve("state").toString(),
                source.registry().url(), target.registry().url(), azurite.containerUri("memory").toString(), "8"));
        command.addAll(artifacts);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("MEMORY_SAS", sas);
        Process child = pb.start();
        String output;
        try {
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(200, TimeUnit.SECONDS)).as("the child ended").isTrue();
        } finally {
            child.destroyForcibly();
        }
        System.out.println("Peak RSS of the -Xmx64m export and import child: " + output.lines()
                .filter(l -> l.startsWith("PEAK ")).findFirst().orElse("not printed"));

        assertThat(output).as("child output").doesNotContain("OutOfMemoryError");
        assertThat(child.exitValue()).as("exit status; output:%n%s", output).isZero();
        String exported = runLine(output, "export");
        String imported = runLine(output, "import");
        assertThat(exported).as(output).startsWith("RUN export Succeeded sha256:");
        assertThat(imported).as(output).startsWith("RUN import Succeeded sha256:");
        assertThat(imported.split(" ")[3]).as("catalog digest of the import").isEqualTo(exported.split(" ")[3]);
        assertThat(output).contains("DONE");
        try (HttpRegistry from = HttpRegistry.builder().uri(source.registry().url()).build();
             HttpRegistry to = HttpRegistry.builder().uri(target.registry().url()).build()) {
            for (String artifact : artifacts) {
                String[] ref = artifact.split(":");
                assertSameGraph(from.repository(ref[0]), ref[1], to.repository(ref[0]), ref[1]);
            }
        }
        long archived = azurite.containerClient("memory").getBlobClient("large.tar").getProperties().getBlobSize();
        assertThat(archived).as("the archive holds every layer").isGreaterThan(10 * LAYER + 12 * SMALL);
    }

    private static String runLine(String output, String run) {
        return output.lines().filter(l -> l.startsWith("RUN " + run + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no result of run " + run + " in the child's output:\n"
                        + output));
    }
}
