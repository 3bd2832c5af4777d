// The export-pipeline and import-pipeline commands end to end: create, show, list, delete, JSON fields, exit codes.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineCommandsTest {

    @TempDir
    Path dir;

    private Cli cli;
    private String layout;
    private String container;

    @BeforeEach
    void setUp() throws IOException {
        cli = new Cli(dir.resolve("state"));
        layout = "oci-layout:" + dir.resolve("layout");
        container = Files.createDirectories(dir.resolve("container")).toUri().toString();
    }

    @Test
    void exportPipelineCreateShowListDelete() {
        Cli.Result created = cli.run("export-pipeline", "create", "--name", "myexport", "--registry", layout,
                "--storage-container-uri", container, "--options", "OverwriteBlobs", "ContinueOnErrors", "-o", "json");
        assertThat(created.exitCode()).as(created.describe()).isZero();
        JsonNode json = created.json();
        assertThat(json.path("name").asText()).isEqualTo("myexport");
        assertThat(json.path("provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(json.path("type").asText()).isEqualTo("Microsoft.ContainerRegistry/registries/exportPipelines");
        // Not an ACR registry: the library's local id, and the registry under ocitransfer.
        assertThat(json.path("id").asText()).isEqualTo("/exportPipelines/myexport");
        assertThat(json.path("ocitransfer").path("registry").asText()).isEqualTo(layout);
        assertThat(json.path("target").path("type").asText()).isEqualTo("AzureStorageBlobContainer");
        assertThat(json.path("target").path("uri").asText()).isEqualTo(container);
        assertThat(json.path("target").path("storageAccessMode").asText()).isEqualTo("SasToken");
        assertThat(json.path("options")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("OverwriteBlobs", "ContinueOnErrors");

        Cli.Result shown = cli.run("export-pipeline", "show", "-n", "myexport", "--output", "json");
        assertThat(shown.exitCode()).as(shown.describe()).isZero();
        assertThat(shown.json()).isEqualTo(json);

        Cli.Result table = cli.run("export-pipeline", "show", "-n", "myexport");
        assertThat(table.out().lines().toList()).containsExactly(
                "NAME      PROVISIONING_STATE    STORAGE_ACCOUNT",
                "--------  --------------------  " + "-".repeat(Math.max(17, container.length())),
                "myexport  Succeeded             " + container);

        cli.run("export-pipeline", "create", "-n", "otherexport", "-r", layout, "-c", container);
        Cli.Result listed = cli.run("export-pipeline", "list", "-o", "json");
        assertThat(listed.exitCode()).as(listed.describe()).isZero();
        assertThat(listed.json().isArray()).isTrue();
        assertThat(listed.json()).extracting(n -> n.path("name").asText())
                .containsExactlyInAnyOrder("myexport", "otherexport");
        Cli.Result listTable = cli.run("export-pipeline", "list");
        assertThat(listTable.out().lines().findFirst().orElseThrow())
                .containsSubsequence("NAME", "PROVISIONING_STATE", "STORAGE_ACCOUNT");
        assertThat(listTable.out()).contains("myexport", "otherexport");

        Cli.Result deleted = cli.run("export-pipeline", "delete", "-n", "myexport");
        assertThat(deleted.exitCode()).as(deleted.describe()).isZero();
        assertThat(deleted.out()).contains("Deleted export pipeline myexport");
        Cli.Result gone = cli.run("export-pipeline", "show", "-n", "myexport");
        assertThat(gone.exitCode()).as(gone.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(gone.err()).contains("myexport", "does not exist");
        assertThat(cli.run("export-pipeline", "list", "-o", "json").json()).hasSize(1);
        assertThat(cli.run("export-pipeline", "delete", "-n", "myexport").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void importPipelineCreateShowListDelete() {
        Cli.Result created = cli.run("import-pipeline", "create", "-n", "myimport", "-r", layout, "-c", container,
                "-s", "env:MY_SAS", "--source-trigger-enabled", "false", "-z", "OverwriteTags",
                "DeleteSourceBlobOnSuccess", "-o", "json");
        assertThat(created.exitCode()).as(created.describe()).isZero();
        JsonNode json = created.json();
        assertThat(json.path("name").asText()).isEqualTo("myimport");
        assertThat(json.path("provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(json.path("source").path("uri").asText()).isEqualTo(container);
        assertThat(json.path("source").path("keyVaultUri").asText()).isEqualTo("env:MY_SAS");
        assertThat(json.path("trigger").path("sourceTrigger").path("status").asText()).isEqualTo("Disabled");
        assertThat(json.path("options")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("OverwriteTags", "DeleteSourceBlobOnSuccess");

        Cli.Result defaults = cli.run("import-pipeline", "create", "-n", "otherimport", "-r", layout, "-c", container,
                "-o", "json");
        assertThat(defaults.json().path("trigger").path("sourceTrigger").path("status").asText()).isEqualTo("Enabled");

        assertThat(cli.run("import-pipeline", "show", "-n", "myimport", "-o", "json").json()).isEqualTo(json);
        assertThat(cli.run("import-pipeline", "list", "-o", "json").json())
                .extracting(n -> n.path("name").asText()).containsExactlyInAnyOrder("myimport", "otherimport");
        assertThat(cli.run("import-pipeline", "list").out()).contains("SOURCE_TRIGGER", "Disabled", "Enabled");

        Cli.Result deleted = cli.run("import-pipeline", "delete", "-n", "myimport", "-o", "json");
        assertThat(deleted.exitCode()).as(deleted.describe()).isZero();
        assertThat(deleted.json().path("name").asText()).isEqualTo("myimport");
        assertThat(cli.run("import-pipeline", "show", "-n", "myimport").exitCode()).isEqualTo(ExitCodes.USAGE);
        // The export side has its own names: an import pipeline is not an export pipeline.
        assertThat(cli.run("export-pipeline", "show", "-n", "otherimport").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void optionOfTheOtherKindExits2NamingTheValidOnesAndStoresNothing() {
        Cli.Result export = cli.run("export-pipeline", "create", "-n", "myexport", "-r", layout, "-c", container,
                "-z", "OverwriteTags");
        assertThat(export.exitCode()).as(export.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(export.err()).contains("OverwriteTags", "OverwriteBlobs", "ContinueOnErrors", "IncludeReferrers");

        Cli.Result bogus = cli.run("import-pipeline", "create", "-n", "myimport", "-r", layout, "-c", container,
                "-z", "OverwriteTags", "Sometimes");
        assertThat(bogus.exitCode()).as(bogus.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(bogus.err()).contains("Sometimes", "OverwriteTags", "DeleteSourceBlobOnSuccess", "ContinueOnErrors");

        assertThat(cli.run("export-pipeline", "list", "-o", "json").json()).isEmpty();
        assertThat(cli.run("import-pipeline", "list", "-o", "json").json()).isEmpty();
    }

    @Test
    void invalidInputExits2WithWhatToFix() {
        expectUsage(cli.run("export-pipeline", "create", "-n", "ab", "-r", layout, "-c", container),
                "5 to 50 letters or digits");
        expectUsage(cli.run("export-pipeline", "create", "-n", "myexport", "-r", layout, "-c", container,
                "-m", "Password"), "SasToken or ManagedIdentity");
        expectUsage(cli.run("export-pipeline", "create", "-n", "myexport", "-r", layout, "-c", "relative/dir"),
                "file:///path/dir");
        expectUsage(cli.run("export-pipeline", "create", "-n", "myexport", "-r", "ftp://host", "-c", container),
                "oci-layout:/path");
        expectUsage(cli.run("export-pipeline", "create", "-n", "myexport", "-r", layout, "-c", container,
                "-m", "ManagedIdentity", "-s", "env:SAS"), "ManagedIdentity");
        expectUsage(cli.run("import-pipeline", "create", "-n", "myimport", "-r", layout, "-c", container,
                "-e", "sometimes"), "sometimes");
        expectUsage(cli.run("export-pipeline", "create", "-n", "myexport", "-r", layout), "--storage-container-uri");
        expectUsage(cli.run("export-pipeline", "create", "-n", "myexport", "-r", layout, "-c", container,
                "--colour", "blue"), "--colour");
        expectUsage(cli.run("export-pipeline", "show", "-n", "myexport", "-o", "yaml"), "yaml");
        expectUsage(cli.run("no-such-command"), "no-such-command");
        expectUsage(cli.run(), "subcommand");
        assertThat(cli.run("export-pipeline", "list", "-o", "json").json()).isEmpty();
    }

    @Test
    void aSasTokenInTheContainerUriIsRefusedAndNeverPrinted() {
        String signature = "sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";
        Cli.Result result = cli.run("export-pipeline", "create", "-n", "myexport", "-r", layout, "-c",
                "https://acct.blob.core.windows.net/transfer?sv=2023-01-03&sp=racwl&" + signature);
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("secret URI");
        assertThat(result.out() + result.err()).doesNotContain("c2VjcmV0LXNpZ25hdHVyZQ");
    }

    @Test
    void helpAndVersionExit0() {
        Cli.Result version = cli.run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("transfer ").doesNotContain("${");
        Cli.Result help = cli.run("pipeline-run", "create", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--pipeline-type", "--storage-blob", "--artifacts", "--force-redeploy",
                "--target-repository", "--output", "--state-dir");
    }

    private static void expectUsage(Cli.Result result, String hint) {
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).as(result.describe()).contains(hint);
    }
}
