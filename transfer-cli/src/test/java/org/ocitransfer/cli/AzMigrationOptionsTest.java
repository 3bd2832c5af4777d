// What az users bring: registry names with --cloud, keyVaultName/sasTokenSecretName, DisableSourceTrigger,
// --assign-identity, and a pipeline moved both ways through show --as-parameters and create --parameters.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzMigrationOptionsTest {

    private static final String IDENTITY_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
            + "myResourceGroup/providers/Microsoft.ManagedIdentity/userAssignedIdentities/myPipelineId";

    @TempDir
    Path dir;

    private Cli cli;
    private String container;

    @BeforeEach
    void setUp() throws IOException {
        cli = new Cli(dir.resolve("state"));
        container = Files.createDirectories(dir.resolve("container")).toUri().toString();
    }

    @Test
    void aRegistryNameIsAnAcrInTheChosenCloud() {
        assertThat(registry("export-pipeline", "myexport", "-r", "myregistry"))
                .isEqualTo("https://myregistry.azurecr.io");
        assertThat(registry("export-pipeline", "govexport", "-r", "MyRegistry", "--cloud", "AzureUSGovernment"))
                .isEqualTo("https://myregistry.azurecr.us");
        assertThat(registry("import-pipeline", "cnimport", "-r", "myregistry", "--cloud", "AzureChinaCloud"))
                .isEqualTo("https://myregistry.azurecr.cn");
        assertThat(registry("export-pipeline", "uriexport", "-r", "https://myregistry.azurecr.io"))
                .isEqualTo("https://myregistry.azurecr.io");
        assertThat(registry("export-pipeline", "layoutexport", "-r", "oci-layout:" + dir.resolve("layout")))
                .isEqualTo("oci-layout:" + dir.resolve("layout"));

        Cli.Result bad = cli.run("export-pipeline", "create", "-n", "badexport", "-r", "my_registry", "-c", container);
        assertThat(bad.exitCode()).as(bad.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("'my_registry' is neither a registry URI nor a registry name");
        Cli.Result cloud = cli.run("export-pipeline", "create", "-n", "badexport", "-r", "x", "--cloud", "Mars",
                "-c", container);
        assertThat(cloud.exitCode()).as(cloud.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(cloud.err()).contains("AzureUSGovernment");
    }

    @Test
    void theOlderFilesVaultAndSecretNamesMakeASecretUriInTheCloud() throws IOException {
        Path file = Files.writeString(dir.resolve("p.json"), """
                {"parameters": {"registryName": {"value": "myregistry"},
                  "importPipelineName": {"value": "myImportPipeline"},
                  "sourceUri": {"value": "%s"},
                  "keyVaultName": {"value": "myvault"}, "sasTokenSecretName": {"value": "acrimportsas"},
                  "sourceTriggerStatus": {"value": "Disabled"},
                  "options": {"value": ["OverwriteTags"]}, "storageAccessMode": {"value": "SasToken"}}}
                """.formatted(container));
        JsonNode pipeline = ok(cli.run("import-pipeline", "create", "--parameters", "@" + file,
                "--cloud", "AzureUSGovernment", "-o", "json")).json();
        assertThat(pipeline.toString()).contains("https://myvault.vault.usgovcloudapi.net/secrets/acrimportsas",
                "https://myregistry.azurecr.us", "Disabled");

        // Flags beside the file win: name, registry, options, trigger.
        JsonNode flagged = ok(cli.run("import-pipeline", "create", "--parameters", "@" + file, "-n", "otherimport",
                "-r", "otherregistry", "-z", "ContinueOnErrors", "-e", "true", "-o", "json")).json();
        assertThat(flagged.path("name").asText()).isEqualTo("otherimport");
        assertThat(flagged.toString()).contains("https://otherregistry.azurecr.io", "ContinueOnErrors",
                "https://myvault.vault.azure.net/secrets/acrimportsas", "Enabled").doesNotContain("OverwriteTags");
    }

    @Test
    void aParameterTheTemplateDoesNotTakeIsRefusedByName() throws IOException {
        Path file = Files.writeString(dir.resolve("p.json"), """
                {"parameters": {"exportPipelineName": {"value": "myExportPipeline"},
                  "targetUri": {"value": "%s"}, "sourceUri": {"value": "%s"}}}
                """.formatted(container, container));
        Cli.Result result = cli.run("export-pipeline", "create", "--parameters", "@" + file, "-r", "myregistry");
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("does not take: sourceUri", "targetUri");
        Cli.Result missing = cli.run("export-pipeline", "create", "--parameters", "@" + dir.resolve("absent.json"));
        assertThat(missing.exitCode()).as(missing.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("does not exist");
        Path notJson = Files.writeString(dir.resolve("bad.json"), "{\"parameters\": [");
        Cli.Result broken = cli.run("export-pipeline", "create", "--parameters", "@" + notJson);
        assertThat(broken.exitCode()).as(broken.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(broken.err()).contains("is not JSON");
    }

    @Test
    void disableSourceTriggerTurnsTheTriggerOff() {
        JsonNode pipeline = ok(cli.run("import-pipeline", "create", "-n", "quietimport", "-r", "myregistry",
                "-c", container, "-z", "DisableSourceTrigger", "OverwriteTags", "-o", "json")).json();
        assertThat(pipeline.toString()).contains("Disabled", "OverwriteTags").doesNotContain("DisableSourceTrigger");
        Cli.Result both = cli.run("import-pipeline", "create", "-n", "quietimport", "-r", "myregistry",
                "-c", container, "-z", "DisableSourceTrigger", "-e", "true");
        assertThat(both.exitCode()).as(both.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("DisableSourceTrigger turns the source trigger off");
    }

    @Test
    void aPipelineMovesBothWaysThroughAParameterFile() throws IOException {
        JsonNode created = ok(cli.run("export-pipeline", "create", "-n", "roundexport", "-r", "myregistry",
                "-c", container, "-s", "https://myvault.vault.azure.net/secrets/acrexportsas",
                "-z", "OverwriteBlobs", "IncludeReferrers", "-i", IDENTITY_ID, "-o", "json")).json();
        Cli.Result shown = ok(cli.run("export-pipeline", "show", "-n", "roundexport", "--as-parameters"));
        JsonNode file = shown.json();
        assertThat(file.path("parameters").path("registryName").path("value").asText()).isEqualTo("myregistry");
        assertThat(file.path("parameters").path("userAssignedIdentity").path("value").asText()).isEqualTo(IDENTITY_ID);
        Path written = Files.writeString(dir.resolve("roundexport.json"), shown.out());
        ok(cli.run("export-pipeline", "delete", "-n", "roundexport"));
        JsonNode again = ok(cli.run("export-pipeline", "create", "--parameters", "@" + written, "-o", "json")).json();
        assertThat(again).isEqualTo(created);

        JsonNode imported = ok(cli.run("import-pipeline", "create", "-n", "roundimport", "-r", "http://127.0.0.1:5000",
                "-c", container, "-e", "false", "-z", "DeleteSourceBlobOnSuccess", "-o", "json")).json();
        Cli.Result importShown = ok(cli.run("import-pipeline", "show", "-n", "roundimport", "--as-parameters"));
        Path importFile = Files.writeString(dir.resolve("roundimport.json"), importShown.out());
        ok(cli.run("import-pipeline", "delete", "-n", "roundimport"));
        assertThat(ok(cli.run("import-pipeline", "create", "--parameters", "@" + importFile, "-o", "json")).json())
                .isEqualTo(imported);
    }

    @Test
    void assignIdentityTakesSystemAClientIdOrAResourceId() {
        String clientId = "6f3e1a2b-1111-4c4c-8d8d-0123456789ab";
        assertThat(created("sysexport", "system").path("identity").path("type").asText()).isEqualTo("SystemAssigned");
        // az's identity block keys a user-assigned identity by its resource id; a client id alone is ours to keep
        JsonNode byClientId = created("clientexport", clientId);
        assertThat(byClientId.path("identity").path("type").asText()).isEqualTo("UserAssigned");
        assertThat(byClientId.path("ocitransfer").path("identityClientId").asText()).isEqualTo(clientId);
        assertThat(created("resexport", IDENTITY_ID).path("identity").path("userAssignedIdentities").has(IDENTITY_ID))
                .isTrue();
        Cli.Result bad = cli.run("export-pipeline", "create", "-n", "badexport", "-r", "myregistry", "-c", container,
                "--assign-identity", "someone");
        assertThat(bad.exitCode()).as(bad.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("'someone' is not an identity");
        Cli.Result note = ok(cli.run("export-pipeline", "show", "-n", "clientexport", "--as-parameters"));
        assertThat(note.err()).contains("client id " + clientId, "not in the file");
    }

    private JsonNode created(String name, String identity) {
        return ok(cli.run("export-pipeline", "create", "-n", name, "-r", "myregistry", "-c", container,
                "--assign-identity", identity, "-o", "json")).json();
    }

    private String registry(String kind, String name, String... registryArgs) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(kind, "create", "-n", name,
                "-c", container, "-o", "json"));
        if (kind.equals("import-pipeline")) {
            args.addAll(java.util.List.of("-e", "false"));
        }
        args.addAll(java.util.List.of(registryArgs));
        return ok(cli.run(args.toArray(String[]::new))).json().path("ocitransfer").path("registry").asText();
    }

    private static Cli.Result ok(Cli.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }
}
