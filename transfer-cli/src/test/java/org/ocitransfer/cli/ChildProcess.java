// Runs the command line in a separate JVM (the test class path), with its own environment, for what only a process
// has: environment variables, signals, exit codes.
package org.ocitransfer.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code java -cp <test class path> org.ocitransfer.cli.Main args...}, output captured to files in {@code dir}. */
final class ChildProcess {

    private final Process process;
    private final Path out;
    private final Path err;
    private final List<String> args;

    private ChildProcess(Process process, Path out, Path err, List<String> args) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.args = args;
    }

    /**
     * Starts {@code transfer args...} without the caller's TRANSFER_ and DOCKER_CONFIG variables, plus {@code env}.
     */
    static ChildProcess start(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("TRANSFER_") || k.equals("DOCKER_CONFIG"));
        builder.environment().putAll(env);
        return new ChildProcess(builder.start(), out, err, List.of(args));
    }

    Process process() {
        return process;
    }

    /** Waits for the end (at most 5 minutes) and returns what it did. */
    Cli.Result await() throws IOException, InterruptedException {
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("transfer " + String.join(" ", args) + " did not end within 5 minutes");
        }
        return new Cli.Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), String.join(" ", args));
    }

    /** Stderr so far. */
    String err() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }
}
