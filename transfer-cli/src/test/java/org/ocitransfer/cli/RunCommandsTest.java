// The pipeline-run commands end to end between OCI layout directories through a local directory container.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandsTest {

    @TempDir
    Path dir;

    private Cli cli;
    private Path source;
    private Path target;
    private Path container;

    @BeforeEach
    void setUp() throws IOException {
        cli = new Cli(dir.resolve("state"));
        source = Samples.copyLayout(dir.resolve("source"));
        target = dir.resolve("target");
        container = Files.createDirectories(dir.resolve("container"));
        ok(cli.run("export-pipeline", "create", "-n", "myexport", "-r", "oci-layout:" + source,
                "-c", container.toUri().toString(), "-z", "OverwriteBlobs"));
        ok(cli.run("import-pipeline", "create", "-n", "myimport", "-r", "oci-layout:" + target,
                "-c", container.toUri().toString(), "-e", "false"));
    }

    @Test
    void exportThenImportCarriesEveryArtifactWithItsDigest() {
        Cli.Result export = ok(cli.run("pipeline-run", "create", "-n", "exportrun", "-p", "myexport", "-t", "export",
                "-b", "samples.tar", "-a", Samples.HELLO, Samples.WORLD, Samples.MULTI, "-o", "json"));
        JsonNode e = export.json();
        assertThat(e.path("name").asText()).isEqualTo("exportrun");
        assertThat(e.path("provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(e.path("request").path("pipelineResourceId").asText()).endsWith("/exportPipelines/myexport");
        assertThat(e.path("request").path("artifacts")).extracting(JsonNode::asText)
                .containsExactly(Samples.HELLO, Samples.WORLD, Samples.MULTI);
        assertThat(e.path("request").path("target").path("type").asText()).isEqualTo("AzureStorageBlob");
        assertThat(e.path("request").path("target").path("name").asText()).isEqualTo("samples.tar");
        JsonNode er = e.path("response");
        assertThat(er.path("status").asText()).isEqualTo("Succeeded");
        assertThat(er.path("progress").path("percentage").asInt()).isEqualTo(100);
        assertThat(er.path("startTime").asText()).isNotEmpty();
        assertThat(er.path("finishTime").asText()).isNotEmpty();
        assertThat(er.path("catalogDigest").asText()).matches("sha256:[0-9a-f]{64}");
        assertThat(er.path("target").path("uri").asText()).endsWith("samples.tar");
        assertThat(er.path("pipelineRunErrorMessage").isNull()).as("az prints null for no error").isTrue();
        assertThat(Files.isRegularFile(container.resolve("samples.tar"))).isTrue();

        Cli.Result imported = ok(cli.run("pipeline-run", "create", "-n", "importrun", "-p", "myimport", "-t", "import",
                "-b", "samples.tar", "--catalog-digest", er.path("catalogDigest").asText(), "-o", "json"));
        JsonNode i = imported.json();
        assertThat(i.path("request").path("pipelineResourceId").asText()).endsWith("/importPipelines/myimport");
        assertThat(i.path("request").path("source").path("type").asText()).isEqualTo("AzureStorageBlob");
        assertThat(i.path("request").path("source").path("name").asText()).isEqualTo("samples.tar");
        JsonNode ir = i.path("response");
        assertThat(ir.path("status").asText()).isEqualTo("Succeeded");
        assertThat(ir.path("progress").path("percentage").asInt()).isEqualTo(100);
        assertThat(ir.path("catalogDigest").asText()).isEqualTo(er.path("catalogDigest").asText());
        assertThat(ir.path("importedArtifacts")).extracting(JsonNode::asText)
                .contains(Samples.HELLO, Samples.WORLD, Samples.MULTI);
        assertThat(ir.path("source").path("uri").asText()).endsWith("samples.tar");

        Map<String, String> expected = Samples.digests(source);
        assertThat(expected).containsOnlyKeys(Samples.HELLO, Samples.WORLD, Samples.MULTI);
        assertThat(Samples.digests(target)).isEqualTo(expected);

        Cli.Result table = ok(cli.run("pipeline-run", "list"));
        String header = table.out().lines().findFirst().orElseThrow();
        // az's columns: the export run comes first, so the import runs' SOURCE_TRIGGER column is added last.
        assertThat(header).containsSubsequence("NAME", "PIPELINE", "START_TIME", "DURATION", "STATUS", "ERROR_MESSAGE",
                "SOURCE_TRIGGER");
        assertThat(table.out()).containsPattern("exportrun +myexport +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"
                + " +\\d\\d:\\d\\d:\\d\\d +Succeeded");
        assertThat(table.out()).containsPattern("importrun +myimport .* +Succeeded +False");
        Cli.Result shown = ok(cli.run("pipeline-run", "show", "-n", "importrun"));
        assertThat(shown.out()).containsSubsequence("NAME", "SOURCE_TRIGGER", "STATUS", "importrun", "False",
                "Succeeded", "ARTIFACT", Samples.HELLO);
        assertThat(ok(cli.run("pipeline-run", "show", "-n", "importrun", "-o", "json")).json()).isEqualTo(i);
    }

    @Test
    void aRunThatFailsPrintsItsErrorMessageAndExits1() {
        Cli.Result failed = cli.run("pipeline-run", "create", "-n", "badrun", "-p", "myexport", "-t", "export",
                "-b", "bad.tar", "-a", Samples.HELLO, "samples/hello:9.9", "-o", "json");
        assertThat(failed.exitCode()).as(failed.describe()).isEqualTo(ExitCodes.FAILED);
        JsonNode response = failed.json().path("response");
        assertThat(response.path("status").asText()).isEqualTo("Failed");
        String message = response.path("pipelineRunErrorMessage").asText();
        assertThat(message).contains("9.9");
        assertThat(failed.err()).contains("Run badrun failed: " + message, "Error category: NOT_FOUND (not retryable)");
        assertThat(container.resolve("bad.tar")).doesNotExist();
        // What kind of failure, for the run and for the artifact that failed: a missing tag, not worth retrying.
        JsonNode extra = failed.json().path("ocitransfer");
        assertThat(extra.path("status").asText()).isEqualTo("Failed");
        assertThat(extra.path("errorCategory").asText()).isEqualTo("NOT_FOUND");
        assertThat(extra.path("retryable").isBoolean()).isTrue();
        assertThat(extra.path("retryable").asBoolean()).isFalse();
        JsonNode missing = null;
        for (JsonNode result : extra.path("artifactResults")) {
            if (result.path("artifact").asText().equals("samples/hello:9.9")) {
                missing = result;
            }
        }
        assertThat(missing).as("the missing artifact's result in %s", response).isNotNull();
        assertThat(missing.path("status").asText()).isEqualTo("Failed");
        assertThat(missing.path("category").asText()).isEqualTo("NOT_FOUND");
        assertThat(missing.path("retryable").asBoolean(true)).isFalse();
        assertThat(failed.err()).containsPattern("  samples/hello:9\\.9: .* \\[NOT_FOUND \\(not retryable\\)\\]");

        Cli.Result table = cli.run("pipeline-run", "show", "-n", "badrun");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("Failed", message, "NOT_FOUND (not retryable)");
        assertThat(cli.run("pipeline-run", "list").out()).contains("badrun", "Failed", message);
    }

    @Test
    void anIdenticalRunIsNotRunAgainUnlessForced() {
        JsonNode first = ok(cli.run("pipeline-run", "create", "-n", "againrun", "-p", "myexport", "-t", "export",
                "-b", "again.tar", "-a", Samples.HELLO, "-o", "json", "--quiet")).json();

        Cli.Result same = ok(cli.run("pipeline-run", "create", "-n", "againrun", "-p", "myexport", "-t", "export",
                "-b", "again.tar", "-a", Samples.HELLO, "-o", "json"));
        assertThat(same.err()).contains("not run again", "--force-redeploy");
        assertThat(same.json().path("response").path("startTime"))
                .isEqualTo(first.path("response").path("startTime"));

        Cli.Result forced = ok(cli.run("pipeline-run", "create", "-n", "againrun", "-p", "myexport", "-t", "export",
                "-b", "again.tar", "-a", Samples.HELLO, "--force-redeploy", "-o", "json"));
        assertThat(forced.err()).doesNotContain("not run again");
        JsonNode rerun = forced.json();
        assertThat(rerun.path("forceUpdateTag").asText()).isNotEmpty();
        assertThat(rerun.path("response").path("status").asText()).isEqualTo("Succeeded");
        assertThat(rerun.path("response").path("startTime")).isNotEqualTo(first.path("response").path("startTime"));
        assertThat(ok(cli.run("pipeline-run", "list", "-o", "json")).json()).hasSize(1);
    }

    @Test
    void cleanDeletesTheRunsWhoseProvisioningStateIsFailedAsAzDoes() throws IOException {
        ok(cli.run("pipeline-run", "create", "-n", "goodrun", "-p", "myexport", "-t", "export", "-b", "good.tar",
                "-a", Samples.WORLD));
        assertThat(cli.run("pipeline-run", "create", "-n", "badrun", "-p", "myexport", "-t", "export",
                "-b", "bad.tar", "-a", "samples/nothing:1.0").exitCode()).isEqualTo(ExitCodes.FAILED);
        // A run that completed with errors has provisioningState Succeeded: az's clean keeps it, so does ours.
        ok(cli.run("export-pipeline", "create", "-n", "partialexport", "-r", "oci-layout:" + source,
                "-c", container.toUri().toString(), "-z", "OverwriteBlobs", "ContinueOnErrors"));
        Cli.Result partial = cli.run("pipeline-run", "create", "-n", "partialrun", "-p", "partialexport", "-t",
                "export", "-b", "partial.tar", "-a", Samples.HELLO, "samples/nothing:1.0", "-o", "json");
        assertThat(partial.exitCode()).as(partial.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(partial.json().path("ocitransfer").path("status").asText()).isEqualTo("CompletedWithErrors");
        assertThat(partial.json().path("provisioningState").asText()).isEqualTo("Succeeded");

        Cli.Result dry = ok(cli.run("pipeline-run", "clean", "--dry-run", "-o", "json"));
        assertThat(dry.json()).extracting(n -> n.path("name").asText()).containsExactly("badrun");
        assertThat(dry.err()).contains("Found 1 failed pipeline-runs to delete.",
                "The following failed pipeline-runs would have been deleted:");
        assertThat(ok(cli.run("pipeline-run", "list", "-o", "json")).json())
                .extracting(n -> n.path("name").asText()).containsExactlyInAnyOrder("goodrun", "badrun", "partialrun");
        assertThat(ok(cli.run("pipeline-run", "clean", "--dry-run")).out()).contains("badrun", "ERROR_MESSAGE")
                .doesNotContain("goodrun", "partialrun");

        Cli.Result clean = ok(cli.run("pipeline-run", "clean"));
        assertThat(clean.out()).isEmpty();
        assertThat(clean.err()).contains("Found 1 failed pipeline-runs to delete.",
                "Deletion complete: Deleted 1 failed pipeline-runs.", "0 deletions failed.");
        assertThat(ok(cli.run("pipeline-run", "list", "-o", "json")).json())
                .extracting(n -> n.path("name").asText()).containsExactly("goodrun", "partialrun");
        assertThat(ok(cli.run("pipeline-run", "clean", "--dry-run", "-o", "json")).json()).isEmpty();
    }

    @Test
    void listTopShowsTheNewestRunsAndDeleteRemovesARecord() {
        ok(cli.run("pipeline-run", "create", "-n", "firstrun", "-p", "myexport", "-t", "export", "-b", "a.tar",
                "-a", Samples.HELLO));
        ok(cli.run("pipeline-run", "create", "-n", "secondrun", "-p", "myexport", "-t", "export", "-b", "b.tar",
                "-a", Samples.WORLD));
        // az lists oldest first and --top K keeps the last K: the newest.
        assertThat(ok(cli.run("pipeline-run", "list", "-o", "json")).json())
                .extracting(n -> n.path("name").asText()).containsExactly("firstrun", "secondrun");
        assertThat(ok(cli.run("pipeline-run", "list", "--top", "1", "-o", "json")).json())
                .extracting(n -> n.path("name").asText()).containsExactly("secondrun");
        assertThat(ok(cli.run("pipeline-run", "list", "--top", "5", "-o", "json")).json()).hasSize(2);
        Cli.Result zero = cli.run("pipeline-run", "list", "--top", "0");
        assertThat(zero.exitCode()).as(zero.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(zero.err()).contains("--top");

        Cli.Result deleted = ok(cli.run("pipeline-run", "delete", "-n", "firstrun"));
        assertThat(deleted.out()).contains("Deleted pipeline run firstrun");
        assertThat(cli.run("pipeline-run", "show", "-n", "firstrun").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(container.resolve("a.tar")).exists();
    }

    @Test
    void invalidRunsExit2BeforeAnythingMoves() {
        expectUsage(cli.run("pipeline-run", "create", "-n", "somerun", "-p", "nosuchpipeline", "-t", "export",
                "-b", "x.tar", "-a", Samples.HELLO), "nosuchpipeline");
        expectUsage(cli.run("pipeline-run", "create", "-n", "somerun", "-p", "myimport", "-t", "export",
                "-b", "x.tar", "-a", Samples.HELLO), "myimport");
        expectUsage(cli.run("pipeline-run", "create", "-n", "somerun", "-p", "myexport", "-t", "sideways",
                "-b", "x.tar", "-a", Samples.HELLO), "export or import");
        expectUsage(cli.run("pipeline-run", "create", "-n", "somerun", "-p", "myexport", "-t", "export",
                "-b", "x.tar", "-a", "Samples/Hello:1.0"), "Samples/Hello");
        expectUsage(cli.run("pipeline-run", "create", "-n", "somerun", "-p", "myexport", "-t", "export",
                "-b", "x.tar"), "artifact");
        expectUsage(cli.run("pipeline-run", "create", "-n", "somerun", "-p", "myimport", "-t", "import",
                "-b", "x.tar", "-a", Samples.HELLO), "--artifacts");
        expectUsage(cli.run("pipeline-run", "create", "-n", "somerun", "-p", "myexport", "-t", "export",
                "-b", "x.tar", "-a", Samples.HELLO, "--target-repository", "x/y"), "--target-repository");
        expectUsage(cli.run("pipeline-run", "create", "-n", "somerun", "-p", "myexport", "-t", "export",
                "-b", "../x.tar", "-a", Samples.HELLO), "../x.tar");
        expectUsage(cli.run("pipeline-run", "create", "-n", "somerun", "-p", "myexport", "-t", "export",
                "-b", "x.tar", "-a", Samples.HELLO, "--username", "me"), "--password-stdin");
        assertThat(ok(cli.run("pipeline-run", "list", "-o", "json")).json()).isEmpty();
        assertThat(container.resolve("x.tar")).doesNotExist();
    }

    @Test
    void progressIsALiveBarOnATerminalPlainLinesOtherwiseAndNothingWhenQuiet() {
        Cli terminal = new Cli(dir.resolve("state"), true);
        Cli.Result bar = ok(terminal.run("pipeline-run", "create", "-n", "barrun", "-p", "myexport", "-t", "export",
                "-b", "bar.tar", "-a", Samples.MULTI));
        assertThat(bar.err()).contains("\r", "barrun [", "100%", "artifacts ", "/s");

        Cli.Result plain = ok(cli.run("pipeline-run", "create", "-n", "plainrun", "-p", "myexport", "-t", "export",
                "-b", "plain.tar", "-a", Samples.MULTI));
        assertThat(plain.err()).doesNotContain("\r").contains("plainrun: 100%", "artifacts ", "done");

        Cli.Result quiet = ok(terminal.run("pipeline-run", "create", "-n", "quietrun", "-p", "myexport",
                "-t", "export", "-b", "quiet.tar", "-a", Samples.MULTI, "--quiet"));
        assertThat(quiet.err()).isEmpty();
    }

    private static Cli.Result ok(Cli.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }

    private static void expectUsage(Cli.Result result, String hint) {
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).as(result.describe()).contains(hint);
    }
}
