// The logs of a run, as a logging backend with a per-thread MDC (logback's kind) writes them, in a child JVM: the run's
// name is in the MDC (key pipelineRun) on the run's thread and its worker threads; a listener that throws on every
// call is logged once and the run goes on.
package org.ocitransfer.core.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogsTest {

    private static final String RUN = "logrun1";

    @TempDir
    Path dir;

    @Test
    void theRunNameIsInTheMdcOnWorkerThreadsAndAThrowingListenerIsLoggedOnce() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx128m", "-Dslf4j.provider=" + CapturingLogs.class.getName(), "-cp",
                classPath, RunLogsMain.class.getName(), dir.toString(), RUN).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).as(output).contains("STATUS Succeeded");
        List<String[]> lines = output.lines().filter(l -> l.chars().filter(c -> c == '|').count() >= 4)
                .map(l -> l.split("\\|", 5)).toList();

        List<String[]> fromWorkers = lines.stream().filter(l -> l[1].startsWith("transfer-" + RUN + "-")).toList();
        assertThat(fromWorkers).as("lines logged from the run's worker threads in:\n%s", output)
                .anySatisfy(l -> assertThat(l[4]).startsWith("repository app opened"))
                .allSatisfy(l -> assertThat(l[2]).as("MDC of %s", String.join("|", l)).isEqualTo(RUN));
        assertThat(lines.stream().filter(l -> l[1].startsWith("transfer-run-")).toList())
                .as("lines logged from the run's thread").isNotEmpty()
                .allSatisfy(l -> assertThat(l[2]).as("MDC of %s", String.join("|", l)).isEqualTo(RUN));
        assertThat(lines.stream().filter(l -> l[4].contains("its progress listener threw")).toList())
                .as("the listener's failure, logged once, in:\n%s", output).singleElement()
                .satisfies(l -> {
                    assertThat(l[0]).isEqualTo("WARN");
                    assertThat(l[4]).contains(RUN, "listener broken on purpose");
                });
    }
}
