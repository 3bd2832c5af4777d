// Starts a class of the test class path in a JVM of its own, for what only a separate process shows (a kill, a log).
package org.ocitransfer.testkit.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** Surefire's real test class path (java.class.path may be a manifest-only jar, which also works). */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
