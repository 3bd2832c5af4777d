// SIGTERM to a `transfer pipeline-run create` process stops its run cleanly: the record says Failed at once.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.testkit.proxy.Fault;
import org.ocitransfer.testkit.proxy.FaultProxy;
import org.ocitransfer.testkit.registry.RegistryExtension;

class InterruptTest {

    @RegisterExtension
    static RegistryExtension registry = RegistryExtension.open();

    @TempDir
    Path dir;

    @Test
    void sigtermMarksTheRunningRunFailedBeforeTheProcessExits() throws Exception {
        Path state = dir.resolve("state");
        Cli cli = new Cli(state);
        try (FaultProxy proxy = FaultProxy.start(registry.registry().host())) {
            // Every response is held for minutes: the run is stuck until it is stopped.
            proxy.inject(Fault.stall(Duration.ofMinutes(5)).always());
            assertThat(cli.run("export-pipeline", "create", "-n", "stallexport", "-r", proxy.url(),
                    "-c", Files.createDirectories(dir.resolve("container")).toUri().toString()).exitCode()).isZero();

            ChildProcess child = ChildProcess.start(dir, Map.of(), "--state-dir", state.toString(), "pipeline-run",
                    "create", "-n", "stalledrun", "-p", "stallexport", "-t", "export", "-b", "stalled.tar",
                    "-a", "samples/hello:1.0");
            Process process = child.process();
            try {
                awaitStatus(cli, "Running", process);
                process.destroy();
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the process ends after SIGTERM").isTrue();
            } finally {
                process.destroyForcibly();
            }
            JsonNode response = cli.run("pipeline-run", "show", "-n", "stalledrun", "-o", "json").json()
                    .path("response");
            assertThat(response.path("status").asText()).isEqualTo("Failed");
            assertThat(response.path("finishTime").asText()).isNotEmpty();
            // Written by the stopping process itself, not by the recovery of a later client (which says this).
            assertThat(response.path("pipelineRunErrorMessage").asText()).doesNotContain("stopped before it ended");
            assertThat(dir.resolve("container").resolve("stalled.tar")).doesNotExist();
            assertThat(child.err()).contains("Stopped: run stalledrun was marked Failed");
        }
    }

    private static void awaitStatus(Cli cli, String status, Process process) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            Cli.Result shown = cli.run("pipeline-run", "show", "-n", "stalledrun", "-o", "json");
            if (shown.exitCode() == 0 && shown.json().path("response").path("status").asText().equals(status)) {
                return;
            }
            assertThat(process.isAlive()).as("the run's process is still going").isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("Run stalledrun did not reach " + status + " within 60 s");
    }
}
