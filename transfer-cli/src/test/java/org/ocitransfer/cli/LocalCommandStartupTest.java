// Commands that only read and write records start without the HTTP and TLS machinery they never use (start-up time).
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pipeline-run list} and {@code export-pipeline show} in a JVM of their own, with the classes it loads logged:
 * no {@code java.net.http} client and no TLS context is made (a client built for nothing cost about 0.2 CPU-seconds
 * and 700 classes of every command's start-up), while the command still works.
 */
class LocalCommandStartupTest {

    @TempDir
    Path dir;

    @Test
    void listAndShowLoadNoHttpClientAndNoTls() throws Exception {
        Path state = dir.resolve("state");
        String container = Files.createDirectories(dir.resolve("container")).toUri().toString();
        Cli.Result created = ChildProcess.start(dir, Map.of(), "--state-dir", state.toString(), "export-pipeline",
                "create", "-n", "startexport", "-r", "https://registry.example", "-c", container).await();
        assertThat(created.exitCode()).as(created.err()).isZero();

        for (List<String> command : List.of(List.of("pipeline-run", "list"),
                List.of("export-pipeline", "show", "-n", "startexport"))) {
            Path log = dir.resolve(String.join("-", command) + ".classes");
            String[] args = new String[command.size() + 2];
            args[0] = "--state-dir";
            args[1] = state.toString();
            for (int i = 0; i < command.size(); i++) {
                args[i + 2] = command.get(i);
            }
            Cli.Result result = ChildProcess.start(dir, Map.of("JAVA_TOOL_OPTIONS",
                    "-Xlog:class+load=info:file=" + log), args).await();
            assertThat(result.exitCode()).as(result.err()).isZero();
            List<String> loaded = Files.readAllLines(log);
            assertThat(loaded).as("classes loaded by %s", command)
                    .anyMatch(line -> line.contains(" org.ocitransfer.cli.Main "))
                    .noneMatch(line -> line.contains(" jdk.internal.net.http.HttpClientImpl "))
                    .noneMatch(line -> line.contains(" sun.security.ssl.SSLContextImpl "));
        }
    }
}
