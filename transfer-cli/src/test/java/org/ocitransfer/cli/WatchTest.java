// `transfer watch` in its own process: blobs that land in the container (before and while it runs) are each imported
// once, finished runs are printed, and SIGTERM stops it with no claim left behind.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchTest {

    @TempDir
    Path dir;

    @Test
    void everyLandedBlobIsImportedOnceAndSigtermStopsTheWatcher() throws Exception {
        Path state = dir.resolve("state");
        Cli cli = new Cli(state);
        Path source = Samples.copyLayout(dir.resolve("source"));
        Path target = dir.resolve("target");
        Path container = Files.createDirectories(dir.resolve("container"));
        ok(cli.run("export-pipeline", "create", "-n", "watchexport", "-r", "oci-layout:" + source,
                "-c", container.toUri().toString()));
        ok(cli.run("import-pipeline", "create", "-n", "watchimport", "-r", "oci-layout:" + target,
                "-c", container.toUri().toString()));
        ok(cli.run("pipeline-run", "create", "-n", "exportone", "-p", "watchexport", "-t", "export", "-b", "one.tar",
                "-a", Samples.HELLO));
        ok(cli.run("pipeline-run", "create", "-n", "exporttwo", "-p", "watchexport", "-t", "export", "-b", "two.tar",
                "-a", Samples.WORLD));

        ChildProcess watch = ChildProcess.start(dir, Map.of(), "--state-dir", state.toString(), "watch",
                "--pipeline", "watchimport", "--poll-interval", "1");
        Cli.Result ended;
        try {
            awaitSucceededImports(cli, 2, watch);
            // A blob that lands while it watches.
            ok(cli.run("pipeline-run", "create", "-n", "exportthree", "-p", "watchexport", "-t", "export",
                    "-b", "three.tar", "-a", Samples.MULTI));
            awaitSucceededImports(cli, 3, watch);
            // One more poll finds nothing new.
            Thread.sleep(2500);
            watch.process().destroy();
            assertThat(watch.process().waitFor(60, TimeUnit.SECONDS)).as("watch ends after SIGTERM").isTrue();
            ended = watch.await();
        } finally {
            watch.process().destroyForcibly();
        }

        List<JsonNode> imports = imports(cli);
        assertThat(imports).hasSize(3);
        assertThat(imports).extracting(r -> r.path("request").path("source").path("name").asText())
                .containsExactlyInAnyOrder("one.tar", "two.tar", "three.tar");
        for (JsonNode run : imports) {
            assertThat(run.path("name").asText()).startsWith("trigger");
            assertThat(run.path("response").path("status").asText()).isEqualTo("Succeeded");
            assertThat(run.path("response").path("trigger").path("sourceTrigger").path("timestamp").asText())
                    .isNotEmpty();
        }
        assertThat(Samples.digests(target)).isEqualTo(Samples.digests(source));
        assertThat(ended.out()).contains("(blob one.tar): Succeeded", "(blob two.tar): Succeeded",
                "(blob three.tar): Succeeded");
        assertThat(ended.err()).contains("Watching import pipeline watchimport", "Stopped watching");
        try (Stream<Path> claims = Files.exists(container.resolve(".claims")) ? Files.list(container.resolve(".claims"))
                : Stream.empty()) {
            assertThat(claims.filter(p -> p.getFileName().toString().endsWith(".claim"))).as("claims left behind")
                    .isEmpty();
        }
    }

    @Test
    void watchingAPipelineThatDoesNotExistExits2() {
        Cli.Result result = new Cli(dir.resolve("state")).run("watch", "-p", "nosuchpipeline");
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("nosuchpipeline", "does not exist");
    }

    private static void awaitSucceededImports(Cli cli, int count, ChildProcess watch) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            if (imports(cli).stream().filter(r -> r.path("response").path("status").asText().equals("Succeeded"))
                    .count() >= count) {
                return;
            }
            assertThat(watch.process().isAlive()).as("watch is running; its stderr: %s", watch.err()).isTrue();
            Thread.sleep(250);
        }
        throw new AssertionError(count + " imports did not succeed within 120 s; watch stderr:\n" + watch.err());
    }

    private static List<JsonNode> imports(Cli cli) {
        List<JsonNode> imports = new ArrayList<>();
        for (JsonNode run : ok(cli.run("pipeline-run", "list", "-o", "json")).json()) {
            if (run.path("request").path("pipelineResourceId").asText().endsWith("/importPipelines/watchimport")) {
                imports.add(run);
            }
        }
        return imports;
    }

    private static Cli.Result ok(Cli.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }
}
