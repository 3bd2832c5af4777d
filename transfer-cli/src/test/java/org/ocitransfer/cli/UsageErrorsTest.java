// Malformed values and unknown options are usage errors (exit 2) found while parsing: nothing runs, nothing is kept.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageErrorsTest {

    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @TempDir
    Path dir;

    private Cli cli;
    private String layout;
    private String container;

    @BeforeEach
    void setUp() throws java.io.IOException {
        cli = new Cli(dir.resolve("state"));
        layout = "oci-layout:" + Samples.copyLayout(dir.resolve("layout"));
        container = Files.createDirectories(dir.resolve("container")).toUri().toString();
        ok(cli.run("export-pipeline", "create", "-n", "myexport", "-r", layout, "-c", container));
        ok(cli.run("import-pipeline", "create", "-n", "myimport", "-r", "oci-layout:" + dir.resolve("target"),
                "-c", container, "-e", "false"));
    }

    @Test
    void aMalformedCatalogDigestIsRefusedBeforeTheRunStarts() {
        Cli.Result bad = cli.run("pipeline-run", "create", "-n", "importrun", "-p", "myimport", "-t", "import",
                "-b", "a.tar", "--catalog-digest", "abc");
        assertUsage(bad, "--catalog-digest", "'abc'", "sha256:");
        assertNoRuns();
    }

    @Test
    void malformedTypedValuesAreRefusedWhileParsing() {
        assertUsage(cli.run("pipeline-run", "create", "-n", "exportrun", "-p", "myexport", "-t", "exprot",
                "-b", "a.tar", "-a", Samples.HELLO), "--pipeline-type", "'exprot'", "export or import");
        assertUsage(cli.run("pipeline-run", "create", "-n", "exportrun", "-p", "myexport", "-t", "export",
                "-b", "a.tar", "-a", Samples.HELLO, "Not/Valid"), "--artifacts", "Not/Valid");
        assertUsage(cli.run("pipeline-run", "create", "-n", "run", "-p", "myexport", "-t", "export",
                "-b", "a.tar", "-a", Samples.HELLO), "--name", "'run'", "5 to 50");
        assertNoRuns();
        assertUsage(cli.run("pipeline-run", "list", "--top", "0"), "--top", "at least 1");
        assertUsage(cli.run("watch", "-p", "myimport", "--poll-interval", "0"), "--poll-interval", "at least 1");
        assertUsage(cli.run("watch", "-p", "myimport", "--max-concurrent-imports", "0"), "--max-concurrent-imports");
        assertUsage(cli.run("watch", "-p", "myimport", "--max-blob-age", "-3"), "--max-blob-age");
        assertUsage(cli.run("export-pipeline", "create", "-n", "otherexport", "-r", layout, "-c", container,
                "-m", "Sas"), "--storage-access-mode", "'Sas'", "SasToken");
        assertUsage(cli.run("export-pipeline", "create", "-n", "otherexport", "-r", layout, "-c", "no scheme"),
                "--storage-container-uri");
        assertUsage(cli.run("import-pipeline", "create", "-n", "otherimport", "-r", layout, "-c", container,
                "-z", "OverwriteTgas"), "--options", "OverwriteTgas");
        assertThat(cli.run("export-pipeline", "list", "-o", "json").json()).hasSize(1);
        assertThat(cli.run("import-pipeline", "list", "-o", "json").json()).hasSize(1);
    }

    @Test
    void anUnknownOptionAfterAMultiValueOptionIsAnUnknownOption() {
        assertUsage(cli.run("pipeline-run", "create", "-n", "exportrun", "-p", "myexport", "-t", "export",
                "-b", "a.tar", "-a", Samples.HELLO, "--bogus"), "Unknown option: '--bogus'");
        assertUsage(cli.run("pipeline-run", "create", "-n", "exportrun", "-p", "myexport", "-t", "export",
                "-b", "a.tar", "-a", "--bogus", Samples.HELLO), "Unknown option: '--bogus'");
        assertNoRuns();
        assertUsage(cli.run("export-pipeline", "create", "-n", "otherexport", "-r", layout, "-c", container,
                "-z", "OverwriteBlobs", "--bogus"), "Unknown option: '--bogus'");
        assertUsage(cli.run("import-pipeline", "create", "-n", "otherimport", "-r", layout, "-c", container,
                "-z", "OverwriteTags", "-x"), "Unknown option: '-x'");
        assertThat(cli.run("export-pipeline", "list", "-o", "json").json()).hasSize(1);
        assertThat(cli.run("import-pipeline", "list", "-o", "json").json()).hasSize(1);
    }

    @Test
    void wellFormedValuesStillParse() {
        Cli.Result digestMismatch = cli.run("pipeline-run", "create", "-n", "importrun", "-p", "myimport",
                "-t", "IMPORT", "-b", "absent.tar", "--catalog-digest", DIGEST, "-q");
        // Parsed and run: the blob is missing, which is the run's failure, not a usage error.
        assertThat(digestMismatch.exitCode()).as(digestMismatch.describe()).isEqualTo(ExitCodes.FAILED);
        ok(cli.run("pipeline-run", "create", "-n", "exportrun", "-p", "myexport", "-t", "export", "-b", "a.tar",
                "-a", Samples.HELLO, Samples.WORLD, "-q"));
        ok(cli.run("export-pipeline", "create", "-n", "otherexport", "-r", layout, "-c", container,
                "-m", "sastoken", "-z", "OverwriteBlobs,ContinueOnErrors", "IncludeReferrers"));
    }

    private static void assertUsage(Cli.Result result, String... inMessage) {
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).as(result.describe()).contains(inMessage);
        assertThat(result.out()).as(result.describe()).isEmpty();
    }

    private void assertNoRuns() {
        Cli.Result runs = ok(cli.run("pipeline-run", "list", "-o", "json"));
        assertThat(runs.json()).as(runs.describe()).isEmpty();
    }

    private static Cli.Result ok(Cli.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }
}
