// The real ./transfer launcher and examples/quickstart.sh as separate processes, in a copy of the repository with
// nothing built: the launcher builds the CLI on first use, then runs it.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.testkit.tools.ExternalTool;

class LauncherTest {

    /** Top-level entries of the repository that are not part of a fresh clone. */
    private static final Set<String> NOT_IN_A_CLONE = Set.of(".git", "work", ".idea", ".vscode");

    @TempDir
    static Path dir;

    private static Path clone;

    /** Copies the repository as a fresh clone has it (no build output), then runs the launcher once there. */
    @BeforeAll
    static void firstUseBuildsAndStdoutCarriesOnlyTheResult() throws Exception {
        ExternalTool.require("mvn", "apt-get install -y maven");
        clone = dir.resolve("clone");
        Path root = Samples.repositoryRoot();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = root.relativize(file);
                if (relative.toString().isEmpty()) {
                    continue;
                }
                if (NOT_IN_A_CLONE.contains(relative.getName(0).toString()) || isBuildOutput(relative)) {
                    continue;
                }
                Path to = clone.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        assertThat(clone.resolve("transfer-cli/target")).doesNotExist();

        Run first = run(Map.of(), clone.resolve("transfer").toString(), "--state-dir", dir.resolve("state").toString(),
                "export-pipeline", "list", "--output", "json");
        assertThat(first.exitCode()).as(first.describe()).isZero();
        assertThat(first.err()).contains("Building the transfer command line");
        JsonNode list = Json.mapper().readTree(first.out());
        assertThat(list.isArray()).as(first.describe()).isTrue();
        assertThat(list).isEmpty();
        assertThat(clone.resolve("transfer-cli/target/transfer.jar")).isRegularFile();
    }

    @Test
    void theQuickstartRunsEndToEndAndCanRunAgain() throws Exception {
        Run quickstart = run(Map.of(), clone.resolve("examples/quickstart.sh").toString());
        assertThat(quickstart.exitCode()).as(quickstart.describe()).isZero();
        assertThat(quickstart.err()).doesNotContain("Building the transfer command line");
        assertThat(quickstart.out())
                .containsSubsequence("NAME", "PIPELINE", "START_TIME", "DURATION", "STATUS", "ERROR_MESSAGE")
                .contains("quickexportrun", "quickimportrun", "Succeeded")
                .contains("OK: 3 artifacts moved through");
        for (Map.Entry<String, String> artifact : Samples.digests(clone.resolve("examples/sample-layout")).entrySet()) {
            assertThat(quickstart.out()).contains(artifact.getKey() + " " + artifact.getValue());
        }
        // Idempotent: a second run uses a fresh work directory and succeeds again.
        Run again = run(Map.of(), clone.resolve("examples/quickstart.sh").toString());
        assertThat(again.exitCode()).as(again.describe()).isZero();
        try (Stream<Path> works = Files.list(clone.resolve("work"))) {
            assertThat(works.filter(p -> p.getFileName().toString().startsWith("quickstart."))).hasSize(2);
        }
    }

    @Test
    void versionSaysTheCommitIsUnknownWhenBuiltWithoutGit() throws Exception {
        // The clone is a copy without .git, as a source tarball is: the build must not fail, and says so.
        Run version = run(Map.of(), clone.resolve("transfer").toString(), "--version");
        assertThat(version.exitCode()).as(version.describe()).isZero();
        List<String> lines = version.out().lines().toList();
        assertThat(lines).as(version.describe()).hasSize(3);
        assertThat(lines.get(0)).matches("transfer \\d+\\.\\d+\\.\\d+.*");
        assertThat(lines.get(1)).isEqualTo("commit unknown");
        assertThat(version.out()).contains("Java runtime ", System.getProperty("java.runtime.version"));
    }

    @Test
    void theLauncherHonoursJavaOptsAndPassesExitCodesThrough() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        Map<String, String> env = Map.of("JAVA_OPTS", "-Duser.home=" + home + " -Xmx256m");
        String transfer = clone.resolve("transfer").toString();
        String layout = "oci-layout:" + Samples.copyLayout(dir.resolve("layout"));
        String container = Files.createDirectories(dir.resolve("container")).toUri().toString();

        Run bad = run(env, transfer, "export-pipeline", "create", "-n", "launchexport", "-r", layout, "-c", container,
                "-z", "OverwriteTags");
        assertThat(bad.exitCode()).as(bad.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("OverwriteBlobs, IncludeReferrers, ContinueOnErrors");

        Run created = run(env, transfer, "export-pipeline", "create", "-n", "launchexport", "-r", layout,
                "-c", container);
        assertThat(created.exitCode()).as(created.describe()).isZero();
        // No --state-dir and no TRANSFER_HOME: the default ~/.transfer, with ~ set through JAVA_OPTS.
        assertThat(home.resolve(".transfer")).isDirectory();

        Run failed = run(env, transfer, "pipeline-run", "create", "-n", "launchrun", "-p", "launchexport",
                "-t", "export", "-b", "x.tar", "-a", "samples/absent:1.0");
        assertThat(failed.exitCode()).as(failed.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(failed.err()).contains("Run launchrun failed:", "samples/absent:1.0");
    }

    @Test
    void recordCommandsStartOnC1AndRunsThatMoveBlobsKeepC2() throws Exception {
        // -XX:+PrintCommandLineFlags prints the JVM's flags (the launcher's, then JAVA_OPTS) on stdout first.
        Map<String, String> flags = Map.of("JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        String transfer = clone.resolve("transfer").toString();
        String state = dir.resolve("jit-state").toString();
        Run list = run(flags, transfer, "--state-dir", state, "pipeline-run", "list");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.out().lines().findFirst()).as(list.describe()).hasValueSatisfying(line -> assertThat(line)
                .contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));

        // A run (here one that fails at once: no such pipeline) needs C2 for sha256: the thresholds are raised, but
        // the JDK's digest classes compile early; the JVM does not echo that command on stdout (the result's stream).
        Run create = run(flags, transfer, "--state-dir", state, "pipeline-run", "create", "-n", "jitrun",
                "-p", "nosuchpipeline", "-t", "export", "-b", "x.tar", "-a", "samples/hello:1.0");
        assertThat(create.out().lines().findFirst()).as(create.describe()).hasValueSatisfying(line -> assertThat(line)
                .contains("-XX:CompileThresholdScaling=6",
                        "-XX:CompileCommand=CompileThresholdScaling,sun/security/provider/*.*,0.01")
                .doesNotContain("TieredStopAtLevel", "UseSerialGC"));
        assertThat(create.out().lines().skip(1)).as(create.describe())
                .noneMatch(line -> line.contains("CompileCommand"));

        // JAVA_OPTS comes last, so a user's choice wins.
        Run chosen = run(Map.of("JAVA_OPTS", "-XX:+PrintCommandLineFlags -XX:TieredStopAtLevel=4"), transfer,
                "--state-dir", state, "pipeline-run", "list");
        assertThat(chosen.exitCode()).as(chosen.describe()).isZero();
        assertThat(chosen.out().lines().findFirst()).as(chosen.describe()).hasValueSatisfying(line -> assertThat(line)
                .contains("-XX:TieredStopAtLevel=4").doesNotContain("-XX:TieredStopAtLevel=1"));
    }

    @Test
    void aRunLeavesAClassDataArchiveThatIsMadeAgainWhenTheJarIsRebuilt() throws Exception {
        Path state = dir.resolve("cds-state");
        Path jar = clone.resolve("transfer-cli/target/transfer.jar");
        Path archive = clone.resolve("transfer-cli/target/transfer.jsa");
        String transfer = clone.resolve("transfer").toString();
        String layout = "oci-layout:" + Samples.copyLayout(dir.resolve("cds-layout"));
        String container = Files.createDirectories(dir.resolve("cds-container")).toUri().toString();
        Run created = run(Map.of(), transfer, "--state-dir", state.toString(), "export-pipeline", "create",
                "-n", "cdsexport", "-r", layout, "-c", container);
        assertThat(created.exitCode()).as(created.describe()).isZero();

        // A run that fails leaves none (before, its JVM archived the few classes it had loaded, for every later run).
        Files.deleteIfExists(archive);
        Run failed = run(Map.of(), transfer, "--state-dir", state.toString(), "pipeline-run", "create",
                "-n", "cdsfailed", "-p", "cdsexport", "-t", "export", "-b", "f.tar", "-a", "samples/absent:1.0");
        assertThat(failed.exitCode()).as(failed.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(archive).doesNotExist();

        // A run that moves content records the archive (unless one was there already); stdout stays the result.
        Run export = run(Map.of(), transfer, "--state-dir", state.toString(), "pipeline-run", "create",
                "-n", "cdsrun1", "-p", "cdsexport", "-t", "export", "-b", "a.tar", "-a", "samples/hello:1.0",
                "-q", "-o", "json");
        assertThat(export.exitCode()).as(export.describe()).isZero();
        assertThat(Json.mapper().readTree(export.out()).path("response").path("status").asText()).isEqualTo(
                "Succeeded");
        Run list = run(Map.of(), transfer, "--state-dir", state.toString(), "pipeline-run", "list", "-o", "json");
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(archive).isRegularFile(); // the next launch took what the run wrote
        // It holds picocli too (Java 5 bytecode, which the JVM's dynamic archive of JDK 17 leaves out).
        Run loaded = run(Map.of("JAVA_OPTS", "-Xlog:class+load"), transfer, "--state-dir", state.toString(),
                "pipeline-run", "list");
        assertThat(loaded.out()).as(loaded.describe()).contains("picocli.CommandLine source: shared objects file",
                "org.ocitransfer.cli.Arguments$Name source: shared objects file");

        // Maven rebuilds the jar behind the launcher's back: the archive no longer matches, so it goes...
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(archive, FileTime.fromMillis(now - 10_000));
        Files.setLastModifiedTime(jar, FileTime.fromMillis(now - 5_000));
        Run afterRebuild = run(Map.of(), transfer, "--state-dir", state.toString(), "pipeline-run", "list");
        assertThat(afterRebuild.exitCode()).as(afterRebuild.describe()).isZero();
        assertThat(archive).doesNotExist();
        // ...and the next run that moves content makes it again, for the jar as it is now.
        Run again = run(Map.of(), transfer, "--state-dir", state.toString(), "pipeline-run", "create",
                "-n", "cdsrun2", "-p", "cdsexport", "-t", "export", "-b", "b.tar", "-a", "samples/hello:1.0", "-q");
        assertThat(again.exitCode()).as(again.describe()).isZero();
        run(Map.of(), transfer, "--state-dir", state.toString(), "pipeline-run", "list");
        assertThat(archive).isRegularFile();
        assertThat(Files.getLastModifiedTime(archive)).isGreaterThanOrEqualTo(Files.getLastModifiedTime(jar));
    }

    private static boolean isBuildOutput(Path relative) {
        for (Path part : relative) {
            if (part.toString().equals("target")) {
                return true;
            }
        }
        return false;
    }

    /** Runs a process in the clone, stdin closed, without the caller's transfer settings. */
    private static Run run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(clone.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("TRANSFER_") || k.equals("JAVA_OPTS"));
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within 15 minutes; stderr:\n"
                    + Files.readString(err));
        }
        return new Run(List.of(command), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Run(List<String> command, int exitCode, String out, String err) {
        String describe() {
            return new ArrayList<>(command) + " -> " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }
}
