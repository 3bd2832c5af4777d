package org.ocitransfer.core.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;

/**
 * Four processes create the identical run at once against one local state directory (as four
 * {@code pipeline-run create} commands would): the record store's conditional create lets exactly one of them
 * execute it, and every one of them gets that run's outcome.
 */
class IdenticalRunsAcrossProcessesTest {

    private static final int PROCESSES = 4;

    @TempDir
    Path dir;

    @Test
    void theIdenticalRunCreatedByFourProcessesAtOnceExecutesOnceAndAllGetItsOutcome() throws Exception {
        OciLayoutRegistry source = OciLayoutRegistry.open(dir.resolve("source"));
        new TestImages(12).image(source.repository("app"), "1", List.of(new TestImages(13).randomBytes(2000)));
        Path state = dir.resolve("state");
        try (TransferClient client = new TransferClientBuilder().stateDirectory(state).buildClient()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", source.location(),
                    StorageContainer.of(Files.createDirectories(dir.resolve("container")).toUri()), Set.of()));
        }
        Path go = dir.resolve("go");
        Path executions = dir.resolve("executions");
        List<Process> children = new ArrayList<>();
        List<CompletableFuture<List<String>>> outputs = new ArrayList<>();
        List<CompletableFuture<Void>> readies = new ArrayList<>();
        try {
            for (int i = 0; i < PROCESSES; i++) {
                Process child = new ProcessBuilder(javaCommand(), "-XX:TieredStopAtLevel=1", "-Xmx128m", "-cp",
                        classPath(), IdenticalRunProcess.class.getName(), state.toString(), go.toString(),
                        executions.toString())
                        .redirectErrorStream(true).start();
                children.add(child);
                CompletableFuture<List<String>> lines = new CompletableFuture<>();
                CompletableFuture<Void> ready = new CompletableFuture<>();
                Thread reader = new Thread(() -> {
                    List<String> read = new ArrayList<>();
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                            StandardCharsets.UTF_8))) {
                        for (String line; (line = in.readLine()) != null; ) {
                            read.add(line);
                            if (line.equals("READY")) {
                                ready.complete(null);
                            }
                        }
                    } catch (IOException e) {
                        read.add("(unreadable: " + e + ")");
                    }
                    ready.complete(null);
                    lines.complete(read);
                });
                reader.setDaemon(true);
                reader.start();
                outputs.add(lines);
                readies.add(ready);
            }
            CompletableFuture.allOf(readies.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            Files.createFile(go);
            List<String> ended = new ArrayList<>();
            for (int i = 0; i < PROCESSES; i++) {
                assertThat(children.get(i).waitFor(90, TimeUnit.SECONDS)).as("process %d ended", i).isTrue();
                List<String> lines = outputs.get(i).get(10, TimeUnit.SECONDS);
                String end = lines.stream().filter(l -> l.startsWith("ENDED ")).findFirst().orElse(null);
                assertThat(end).as("process %d's output:\n%s", i, String.join("\n", lines)).isNotNull();
                ended.add(end);
            }

            assertThat(Files.exists(executions) ? Files.readAllLines(executions) : List.<String>of()).as("processes that executed the run").hasSize(1);
            assertThat(ended).as("what each process got").allSatisfy(e -> assertThat(e).startsWith("ENDED Succeeded ")
                    .endsWith(" Succeeded"));
            assertThat(Set.copyOf(ended)).as("one run: the same start time and catalog digest for all")
                    .hasSize(1);
            try (TransferClient client = new TransferClientBuilder().stateDirectory(state).buildClient()) {
                PipelineRun stored = client.getPipelineRun(IdenticalRunProcess.RUN);
                assertThat(stored.status()).isEqualTo(RunStatus.Succeeded);
                assertThat(ended.get(0)).contains(stored.response().catalogDigest());
            }
            assertThat(dir.resolve("container/same.tar")).exists();
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Surefire's real test class path (java.class.path may be a manifest-only jar, which also works). */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
