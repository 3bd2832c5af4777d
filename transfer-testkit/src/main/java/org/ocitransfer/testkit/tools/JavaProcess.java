// Starts a class of the test class path in a JVM of its own, for what only a separate process shows (a kill, a log).
package org.ocitransfer.testkit.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ocitransfer.testkit.random.Seeds;

/**
 * A command for {@code java [options] -cp <this test class path> main args...}: this JVM's java, the class path
 * surefire gave the tests, and this run's {@code -Dtest.seed}, so the child's random content matches the test's.
 *
 * <pre>{@code
 * Process child = JavaProcess.builder(WatcherMain.class, List.of("-Xmx128m"), dir.toString())
 *         .redirectErrorStream(true).redirectOutput(log.toFile()).start();
 * }</pre>
 */
public final class JavaProcess {

    private JavaProcess() {
    }

    /** A process builder for {@code main} with these JVM options and arguments; the caller redirects and starts it. */
    public static ProcessBuilder builder(Class<?> main, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-D" + Seeds.PROPERTY + "=" + Seeds.seed());
        command.add("-cp");
        command.add(classPath());
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** How a process ended: its exit status and everything it wrote (standard output and error together). */
    public record Ended(int exitValue, String output) {
    }

    /**
     * Starts {@code builder} with its error stream merged into its output, reads the output until the process ends
     * and returns both; fails when it has not ended within {@code timeout} (it is killed in any case).
     */
    public static Ended run(ProcessBuilder builder, Duration timeout) throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("The process had not ended after " + timeout + "; its output:\n" + output);
            }
            return new Ended(process.exitValue(), output);
        } finally {
            process.destroyForcibly();
        }
    }

    /** Surefire's real test class path (java.class.path may be a manifest-only jar, which also works). */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
