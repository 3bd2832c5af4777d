// The CLI with Azure Blob Storage containers (the real Azurite emulator): export into one container with a SAS kept in
// a secret file, `blob copy` to a second container with its own SAS, import from there; no SAS ever printed or stored.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;

class AzureStorageTest {

    @RegisterExtension
    static AzuriteExtension azurite = new AzuriteExtension();

    @TempDir
    Path dir;

    @Test
    void exportCopyImportThroughAzureContainersWithoutPrintingASas() throws IOException {
        Azurite storage = azurite.azurite();
        String exports = storage.createContainer("exports").toString();
        String imports = storage.createContainer("imports").toString();
        OffsetDateTime expiry = OffsetDateTime.now().plusHours(1);
        String exportSas = storage.containerSas("exports", "racwdl", expiry);
        String importSas = storage.containerSas("imports", "racwdl", expiry);
        Path exportSecret = Files.writeString(dir.resolve("export.sas"), exportSas);
        Path importSecret = Files.writeString(dir.resolve("import.sas"), importSas);

        Cli cli = new Cli(dir.resolve("state"));
        List<Cli.Result> results = new ArrayList<>();
        Path source = Samples.copyLayout(dir.resolve("source"));
        Path target = dir.resolve("target");
        results.add(ok(cli.run("export-pipeline", "create", "-n", "azureexport", "-r", "oci-layout:" + source,
                "-c", exports, "-s", "file:" + exportSecret, "-m", "SasToken")));
        results.add(ok(cli.run("pipeline-run", "create", "-n", "azureexportrun", "-p", "azureexport", "-t", "export",
                "-b", "batch/samples.tar", "-a", Samples.HELLO, Samples.WORLD, Samples.MULTI, "-o", "json")));
        String catalogDigest = results.get(1).json().path("response").path("catalogDigest").asText();
        assertThat(storage.containerClient("exports").getBlobClient("batch/samples.tar").exists()).isTrue();

        Cli.Result copy = ok(cli.run("blob", "copy", "--source", exports + "/batch/samples.tar",
                "--source-secret-uri", "file:" + exportSecret, "--target", imports + "/samples.tar",
                "--target-secret-uri", "file:" + importSecret, "-o", "json"));
        results.add(copy);
        JsonNode copied = copy.json();
        assertThat(copied.path("catalogDigest").asText()).isEqualTo(catalogDigest);
        assertThat(copied.path("targetUri").asText()).isEqualTo(imports + "/samples.tar");
        assertThat(copied.path("size").asLong())
                .isEqualTo(storage.containerClient("imports").getBlobClient("samples.tar").getProperties().getBlobSize());

        Cli.Result again = cli.run("blob", "copy", "--source", exports + "/batch/samples.tar",
                "--source-secret-uri", "file:" + exportSecret, "--target", imports + "/samples.tar",
                "--target-secret-uri", "file:" + importSecret);
        results.add(again);
        assertThat(again.exitCode()).as(again.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(again.err()).contains("already exists", "--overwrite");

        results.add(ok(cli.run("import-pipeline", "create", "-n", "azureimport", "-r", "oci-layout:" + target,
                "-c", imports, "-s", "file:" + importSecret, "-e", "false", "-z", "DeleteSourceBlobOnSuccess")));
        Cli.Result imported = ok(cli.run("pipeline-run", "create", "-n", "azureimportrun", "-p", "azureimport",
                "-t", "import", "-b", "samples.tar", "-o", "json"));
        results.add(imported);
        assertThat(imported.json().path("response").path("catalogDigest").asText()).isEqualTo(catalogDigest);
        assertThat(Samples.digests(target)).isEqualTo(Samples.digests(source));
        assertThat(storage.containerClient("imports").getBlobClient("samples.tar").exists()).isFalse();

        results.add(ok(cli.run("pipeline-run", "list")));
        results.add(ok(cli.run("export-pipeline", "show", "-n", "azureexport", "-o", "json")));
        List<String> signatures = new ArrayList<>(List.of(signatures(exportSas)));
        signatures.addAll(List.of(signatures(importSas)));
        for (Cli.Result result : results) {
            for (String signature : signatures) {
                assertThat(result.out() + result.err()).as(result.command()).doesNotContain(signature);
            }
        }
        try (Stream<Path> records = Files.walk(dir.resolve("state"))) {
            for (Path record : records.filter(Files::isRegularFile).toList()) {
                for (String signature : signatures) {
                    assertThat(Files.readString(record)).as(record.toString()).doesNotContain(signature);
                }
            }
        }
    }

    @Test
    void recordsKeptInAnAzureContainerAreSharedByEveryClient() throws IOException {
        Azurite storage = azurite.azurite();
        String state = storage.createContainer("state").toString();
        String sas = storage.containerSas("state", "racwdl", OffsetDateTime.now().plusHours(1));
        Path secret = Files.writeString(dir.resolve("state.sas"), sas);
        List<String> stateArgs = List.of("--state-uri", state, "--state-secret-uri", "file:" + secret);
        Cli laptop = new Cli(stateArgs, false);
        Cli server = new Cli(stateArgs, false);
        Path source = Samples.copyLayout(dir.resolve("source"));

        List<Cli.Result> results = new ArrayList<>();
        results.add(ok(laptop.run("export-pipeline", "create", "-n", "sharedexport", "-r", "oci-layout:" + source,
                "-c", Files.createDirectories(dir.resolve("container")).toUri().toString())));
        results.add(ok(server.run("pipeline-run", "create", "-n", "sharedrun", "-p", "sharedexport", "-t", "export",
                "-b", "shared.tar", "-a", Samples.HELLO)));
        Cli.Result runs = ok(laptop.run("pipeline-run", "list", "-o", "json"));
        results.add(runs);
        assertThat(runs.json()).extracting(r -> r.path("name").asText()).containsExactly("sharedrun");
        assertThat(runs.json().get(0).path("response").path("status").asText()).isEqualTo("Succeeded");
        assertThat(storage.containerClient("state").listBlobs().stream().map(b -> b.getName()))
                .contains("exportPipelines/sharedexport.json", "pipelineRuns/sharedrun.json");
        for (Cli.Result result : results) {
            for (String signature : signatures(sas)) {
                assertThat(result.out() + result.err()).doesNotContain(signature);
            }
        }

        Cli both = new Cli(List.of("--state-uri", state, "--state-dir", dir.resolve("local").toString()), false);
        Cli.Result conflicting = both.run("export-pipeline", "list");
        assertThat(conflicting.exitCode()).as(conflicting.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(conflicting.err()).contains("--state-dir or --state-uri");
        Cli secretAlone = new Cli(List.of("--state-secret-uri", "file:" + secret), false);
        Cli.Result alone = secretAlone.run("export-pipeline", "list");
        assertThat(alone.exitCode()).as(alone.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(alone.err()).contains("--state-uri");
    }

    @Test
    void aBlobUriWithASasIsRefusedWithoutEchoingIt() {
        Cli cli = new Cli(dir.resolve("state"));
        String sas = azurite.azurite().containerSas("exports", "rl", OffsetDateTime.now().plusHours(1));
        Cli.Result result = cli.run("blob", "copy", "--source",
                azurite.azurite().containerUri("exports") + "/x.tar?" + sas, "--target", dir.toUri() + "x.tar");
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--source-secret-uri");
        for (String signature : signatures(sas)) {
            assertThat(result.out() + result.err()).doesNotContain(signature);
        }
    }

    /** The {@code sig} value of a SAS, as sent and decoded. */
    private static String[] signatures(String sas) {
        for (String part : sas.split("&")) {
            if (part.startsWith("sig=")) {
                String sent = part.substring(4);
                return new String[] {sent, java.net.URLDecoder.decode(sent, java.nio.charset.StandardCharsets.UTF_8)};
            }
        }
        throw new AssertionError("No sig in the SAS");
    }

    private static Cli.Result ok(Cli.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }
}
