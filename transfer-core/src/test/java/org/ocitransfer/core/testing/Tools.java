// Finds and runs the real binaries core's tests check themselves against (GNU tar, skopeo); core cannot use the kit's
// ExternalTool, which this mirrors for core.
package org.ocitransfer.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The binaries on the PATH core's interoperability tests run, and one way to run them. */
public final class Tools {

    private Tools() {
    }

    /** The binary {@code name} on the PATH; the test fails, naming {@code install}, when it is missing. */
    public static Path require(String name, String install) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("This test needs the '" + name + "' binary, which is not on the PATH: install it with `"
                + install + "` (the README's test command does this)");
    }

    /**
     * Runs {@code binary args...} with {@code TMPDIR} under {@code dir} and returns its output (standard output and
     * error); the test fails with the command, its exit status and output if it fails or outlasts {@code timeout}.
     */
    public static String run(Path dir, Duration timeout, Path binary, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, binary.getFileName().toString(), ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString());
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            fail(binary.getFileName() + " did not finish within " + timeout + ": " + String.join(" ", command));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            fail(binary.getFileName() + " failed (exit " + p.exitValue() + "): " + String.join(" ", command) + "\n"
                    + output);
        }
        return output;
    }
}
