// The release tarball as an operator gets it: unpacked, run with a Java runtime (no JDK) and no Maven on PATH.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.testkit.tools.ExternalTool;

/**
 * Runs after {@code package} (failsafe): unpacks {@code target/transfer-<version>.tar.gz}, makes a Java 17 runtime
 * with jlink (no javac, no jlink in it), and runs {@code bin/transfer} with a PATH that holds only that runtime's
 * {@code java} and {@code bash}: {@code --version}, then an export and an import between OCI layouts through a
 * {@code file://} container. Also loads the bash completion and checks the man page with groff.
 */
class ReleaseIT {

    @TempDir
    static Path dir;

    private static Path release;
    private static Path jre;
    private static Path path;
    private static String version;

    @BeforeAll
    static void unpackAndMakeARuntime() throws Exception {
        version = System.getProperty("transfer.release.version");
        String tarballProperty = System.getProperty("transfer.release.tarball");
        assertThat(tarballProperty).as("transfer.release.tarball: ReleaseIT runs under failsafe, after package"
                + " (mvn verify), not under surefire").isNotNull();
        Path tarball = Path.of(tarballProperty);
        assertThat(tarball).as("the release tarball, made by mvn package").isRegularFile();
        Result untar = run(Map.of("PATH", System.getenv("PATH")), dir, "tar", "-xzf", tarball.toString(),
                "-C", dir.toString());
        assertThat(untar.exitCode()).as(untar.describe()).isZero();
        release = dir.resolve("transfer-" + version);

        jre = dir.resolve("jre");
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        Result made = run(Map.of(), dir, jlink.toString(), "--add-modules",
                "java.se,jdk.crypto.ec,jdk.unsupported,jdk.zipfs", "--no-header-files", "--no-man-pages",
                "--strip-debug", "--output", jre.toString());
        assertThat(made.exitCode()).as(made.describe()).isZero();
        assertThat(jre.resolve("bin/javac")).doesNotExist();

        path = Files.createDirectories(dir.resolve("path"));
        Files.createSymbolicLink(path.resolve("java"), jre.resolve("bin/java"));
        Files.createSymbolicLink(path.resolve("bash"), ExternalTool.require("bash", "apt-get install -y bash"));
    }

    @Test
    void theTarballHoldsTheLauncherTheJarCompletionAndManPage() {
        assertThat(release.resolve("bin/transfer")).isExecutable();
        assertThat(release.resolve("lib/transfer.jar")).isRegularFile();
        assertThat(release.resolve("completion/transfer.bash")).isRegularFile();
        assertThat(release.resolve("completion/transfer.zsh")).isRegularFile();
        assertThat(release.resolve("man/man1/transfer.1")).isRegularFile();
    }

    @Test
    void versionPrintsVersionCommitAndTheRuntimeWithNoMavenOnPath() throws Exception {
        Result noMaven = transfer(List.of("bash", "-c", "command -v mvn || command -v javac || echo none"));
        assertThat(noMaven.out().strip()).as(noMaven.describe()).isEqualTo("none");

        Result shown = transfer(List.of(release.resolve("bin/transfer").toString(), "--version"));
        assertThat(shown.exitCode()).as(shown.describe()).isZero();
        List<String> lines = shown.out().lines().toList();
        assertThat(lines).as(shown.describe()).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("transfer " + version);
        assertThat(lines.get(1)).matches("commit ([0-9a-f]{40}(-dirty)?|unknown)");
        assertThat(lines.get(2)).startsWith("Java runtime ").contains(" 17.").contains(jre.toString());
    }

    @Test
    void exportAndImportThroughAFileContainerWithOnlyAJavaRuntime() throws Exception {
        Path source = Samples.copyLayout(dir.resolve("source"));
        Path target = dir.resolve("target");
        String container = Files.createDirectories(dir.resolve("container")).toUri().toString();
        String transfer = release.resolve("bin/transfer").toString();
        String state = dir.resolve("state").toString();
        ok(transfer(List.of(transfer, "--state-dir", state, "export-pipeline", "create", "-n", "relexport",
                "-r", "oci-layout:" + source, "-c", container)));
        ok(transfer(List.of(transfer, "--state-dir", state, "import-pipeline", "create", "-n", "relimport",
                "-r", "oci-layout:" + target, "-c", container, "-e", "false")));
        Result export = ok(transfer(List.of(transfer, "--state-dir", state, "pipeline-run", "create", "-n",
                "relexportrun", "-p", "relexport", "-t", "export", "-b", "release.tar", "-a", Samples.HELLO,
                Samples.WORLD, Samples.MULTI)));
        assertThat(export.out()).contains("Succeeded");
        Result imported = ok(transfer(List.of(transfer, "--state-dir", state, "pipeline-run", "create", "-n",
                "relimportrun", "-p", "relimport", "-t", "import", "-b", "release.tar")));
        assertThat(imported.out()).contains("Succeeded");
        assertThat(Samples.digests(target)).isEqualTo(Samples.digests(source)).hasSize(3);
    }

    @Test
    void theBashCompletionCompletesSubcommands() throws Exception {
        String completion = release.resolve("completion/transfer.bash").toString();
        Result completed = transfer(List.of("bash", "-c", "source \"$1\"; complete -p transfer;"
                + " COMP_LINE='transfer pipeline-run cr'; COMP_POINT=${#COMP_LINE};"
                + " COMP_WORDS=(transfer pipeline-run cr); COMP_CWORD=2;"
                + " _complete_transfer transfer cr pipeline-run; printf 'reply: %s\\n' \"${COMPREPLY[@]}\"",
                "bash", completion));
        assertThat(completed.exitCode()).as(completed.describe()).isZero();
        assertThat(completed.out()).as(completed.describe()).contains("_complete_transfer")
                .contains("reply: create").doesNotContain("reply: show");
    }

    @Test
    void theManPageIsValidTroffWithEveryCommand() throws Exception {
        Path groff = ExternalTool.require("groff", "apt-get install -y groff-base");
        Path page = release.resolve("man/man1/transfer.1");
        // Plain ASCII, no overstriking (bold as doubled letters).
        Result rendered = run(Map.of("PATH", System.getenv("PATH")), dir, groff.toString(), "-man", "-Tascii",
                "-P-cbou", "-ww", page.toString());
        assertThat(rendered.exitCode()).as(rendered.describe()).isZero();
        assertThat(rendered.err()).as("groff warnings").isEmpty();
        assertThat(rendered.out()).contains("transfer pipeline-run create", "transfer export-pipeline create",
                "transfer import-pipeline create", "transfer blob copy", "transfer watch", "--catalog-digest",
                "TRANSFER_PROGRESS", "EXIT STATUS");
    }

    /** Runs a command with only the runtime and bash on PATH, HOME in the temp dir, and no JAVA_HOME. */
    private static Result transfer(List<String> command) throws Exception {
        return run(Map.of("PATH", path.toString(), "HOME", Files.createDirectories(dir.resolve("home")).toString()),
                dir, command.toArray(String[]::new));
    }

    private static Result run(Map<String, String> env, Path workDir, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within 5 minutes");
        }
        return new Result(new ArrayList<>(List.of(command)), process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Result ok(Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }

    private record Result(List<String> command, int exitCode, String out, String err) {
        String describe() {
            return command + " -> " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }
}
