// The live progress bar is drawn when stderr is a terminal, whatever stdout and stdin are; TRANSFER_PROGRESS overrides.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.testkit.tools.ExternalTool;

class ProgressTerminalTest {

    @TempDir
    Path dir;

    @Test
    void autoDrawsTheBarWhenStderrIsATerminalDevice() {
        assertThat(StderrTerminal.decide(null, Optional.of("/dev/pts/3"), false)).isTrue();
        assertThat(StderrTerminal.decide("auto", Optional.of("/dev/tty1"), false)).isTrue();
        assertThat(StderrTerminal.decide("", Optional.of("/dev/console"), false)).isTrue();
        // Redirected or piped stderr: plain lines, even when the JVM has a console.
        assertThat(StderrTerminal.decide(null, Optional.of("/tmp/run.log"), true)).isFalse();
        assertThat(StderrTerminal.decide(null, Optional.of("pipe:[4711]"), true)).isFalse();
        assertThat(StderrTerminal.decide(null, Optional.of("/dev/null"), true)).isFalse();
        // No /proc: the console decides.
        assertThat(StderrTerminal.decide(null, Optional.empty(), true)).isTrue();
        assertThat(StderrTerminal.decide(null, Optional.empty(), false)).isFalse();
    }

    @Test
    void theEnvironmentOverridesEitherWayAndABadValueIsNamed() {
        assertThat(StderrTerminal.decide("always", Optional.of("pipe:[1]"), false)).isTrue();
        assertThat(StderrTerminal.decide("NEVER", Optional.of("/dev/pts/0"), true)).isFalse();
        assertThatThrownBy(() -> StderrTerminal.decide("yes", Optional.of("/dev/pts/0"), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TRANSFER_PROGRESS='yes'").hasMessageContaining("always");
    }

    @Test
    void theLinkOfThisProcessStderrIsReadOnLinux() {
        // Surefire pipes the test JVM's stderr: not a terminal.
        Optional<String> target = StderrTerminal.stderrTarget(Path.of("/proc/self/fd/2"));
        assertThat(target).isPresent();
        assertThat(StderrTerminal.isTerminalDevice(target.get())).as(target.get()).isFalse();
        assertThat(StderrTerminal.stderrTarget(dir.resolve("absent"))).isEmpty();
    }

    /** A real pseudo-terminal (script(1)) on stderr, stdout redirected to a file and stdin from a pipe. */
    @Test
    void theBarIsDrawnOnATerminalStderrWithStdoutRedirectedToAFile() throws Exception {
        Path script = ExternalTool.require("script", "apt-get install -y bsdutils");
        Cli cli = new Cli(dir.resolve("state"));
        Path container = Files.createDirectories(dir.resolve("container"));
        String layout = "oci-layout:" + Samples.copyLayout(dir.resolve("layout"));
        assertThat(cli.run("export-pipeline", "create", "-n", "ttyexport", "-r", layout, "-c",
                container.toUri().toString()).exitCode()).isZero();

        Path json = dir.resolve("run.json");
        String terminal = inPseudoTerminal(script, Map.of(), "--state-dir " + quote(dir.resolve("state").toString())
                + " pipeline-run create -n ttyrun -p ttyexport -t export -b a.tar -a " + Samples.HELLO
                + " -o json < /dev/null > " + quote(json.toString()));
        assertThat(terminal).as(terminal).contains("ttyrun [########################] 100%").contains("\r");
        JsonNode run = Json.mapper().readTree(Files.readString(json));
        assertThat(run.path("response").path("status").asText()).isEqualTo("Succeeded");

        // TRANSFER_PROGRESS=never: plain lines on the same terminal.
        String plain = inPseudoTerminal(script, Map.of("TRANSFER_PROGRESS", "never"), "--state-dir "
                + quote(dir.resolve("state").toString()) + " pipeline-run create -n ttyrun2 -p ttyexport -t export"
                + " -b b.tar -a " + Samples.HELLO + " -o json > " + quote(dir.resolve("run2.json").toString()));
        assertThat(plain).as(plain).contains("ttyrun2: 100%").doesNotContain("[#");
    }

    /** Runs {@code transfer <args>} (a shell fragment) under script(1); returns what the terminal showed. */
    private String inPseudoTerminal(Path script, Map<String, String> env, String args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = quote(java) + " -cp " + quote(System.getProperty("java.class.path")) + " "
                + Main.class.getName() + " " + args;
        List<String> argv = new ArrayList<>(List.of(script.toString(), "-qec", command, "/dev/null"));
        Path shown = Files.createTempFile(dir, "terminal", ".txt");
        ProcessBuilder builder = new ProcessBuilder(argv).redirectOutput(shown.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("TRANSFER_") || k.equals("DOCKER_CONFIG"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("script -c '" + command + "' did not end within 3 minutes");
        }
        String output = Files.readString(shown, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
