// Checks `--output json` against the service's published REST examples: every field they have, at the same place, and
// nothing beyond az's model fields, resourceGroup and ocitransfer.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.StorageAccessMode;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TriggerStatus;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.state.Json;

class AzJsonShapeTest {

    private static final String ACR = "https://myregistry.azurecr.io";
    private static final String SUB = "11111111-2222-3333-4444-555555555555";
    private static final String UAI = "/subscriptions/" + SUB + "/resourcegroups/idrg/providers/"
            + "Microsoft.ManagedIdentity/userAssignedIdentities/identity2";

    /**
     * The fields az's model of each resource prints that an example may leave out (az prints them, null when unset:
     * the vendored SDK models of the acrtransfer extension), as paths with {@code *} for any map key.
     */
    private static final Set<String> AZ_MODEL_FIELDS = Set.of("location", "identity", "identity.principalId",
            "identity.tenantId", "identity.userAssignedIdentities", "options", "forceUpdateTag",
            "request.artifacts", "request.source", "request.target", "request.catalogDigest",
            "response.importedArtifacts", "response.finishTime", "response.source", "response.target",
            "response.catalogDigest", "response.trigger", "response.pipelineRunErrorMessage",
            "response.trigger.sourceTrigger", "response.trigger.sourceTrigger.timestamp",
            "request.source.type", "request.source.name", "request.target.type", "request.target.name",
            // az adds resourceGroup to every resource with an ARM id; ocitransfer holds what this project adds.
            "resourceGroup", AzJson.EXTRA);

    @TempDir
    Path dir;

    private Cli cli;
    private Path state;

    @BeforeEach
    void setUp() {
        state = dir.resolve("state");
        cli = new Cli(List.of("--state-dir", state.toString(), "--subscription", SUB, "-g", "myResourceGroup"), false);
    }

    @Test
    void exportPipelineHasEveryFieldOfTheServiceExample() {
        try (TransferClient client = client()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("myExportPipeline", ACR,
                    new StorageContainer(URI.create("https://accountname.blob.core.windows.net/containername"),
                            "https://myvault.vault.azure.net/secrets/acrexportsas", StorageAccessMode.SasToken),
                    EnumSet.of(PipelineOption.OverwriteBlobs, PipelineOption.IncludeReferrers))
                    .withIdentity(PipelineIdentity.systemAssigned()));
        }
        JsonNode ours = ok(cli.run("export-pipeline", "show", "-n", "myExportPipeline", "-o", "json")).json();
        assertSameShape(example("ExportPipelineGet.json"), ours);
        assertThat(ours.path("id").asText()).isEqualTo("/subscriptions/" + SUB + "/resourceGroups/myResourceGroup"
                + "/providers/Microsoft.ContainerRegistry/registries/myregistry/exportPipelines/myExportPipeline");
        assertThat(ours.path("type").asText()).isEqualTo("Microsoft.ContainerRegistry/registries/exportPipelines");
        assertThat(ours.path("resourceGroup").asText()).isEqualTo("myResourceGroup");
        assertThat(ours.path("identity").path("type").asText()).isEqualTo("SystemAssigned");
        assertThat(ours.path("identity").path("principalId").isNull()).isTrue();
        assertThat(ours.path("target").path("keyVaultUri").asText())
                .isEqualTo("https://myvault.vault.azure.net/secrets/acrexportsas");
        // The service's options only; IncludeReferrers is this project's and is listed under ocitransfer.
        assertThat(ours.path("options")).extracting(JsonNode::asText).containsExactly("OverwriteBlobs");
        assertThat(ours.path(AzJson.EXTRA).path("options")).extracting(JsonNode::asText)
                .containsExactly("IncludeReferrers");
        assertThat(ours.path(AzJson.EXTRA).path("registry").asText()).isEqualTo(ACR);

        JsonNode listed = ok(cli.run("export-pipeline", "list", "-o", "json")).json();
        assertThat(listed.isArray()).isTrue();
        assertThat(listed.get(0)).isEqualTo(ours);
    }

    @Test
    void importPipelineHasEveryFieldOfTheServiceExample() {
        try (TransferClient client = client()) {
            client.createOrUpdateImportPipeline(new ImportPipeline("myImportPipeline", ACR,
                    new StorageContainer(URI.create("https://accountname.blob.core.windows.net/containername"),
                            "https://myvault.vault.azure.net/secrets/acrimportsas", StorageAccessMode.SasToken),
                    TriggerStatus.Enabled, EnumSet.of(PipelineOption.OverwriteTags,
                    PipelineOption.DeleteSourceBlobOnSuccess, PipelineOption.ContinueOnErrors), null)
                    .withIdentity(PipelineIdentity.userAssigned("d3ce1bc2-f7d7-4a5b-9979-950f4e57680e", UAI)));
        }
        JsonNode ours = ok(cli.run("import-pipeline", "show", "-n", "myImportPipeline", "-o", "json")).json();
        assertSameShape(example("ImportPipelineGet.json"), ours);
        assertThat(ours.path("type").asText()).isEqualTo("Microsoft.ContainerRegistry/registries/importPipelines");
        assertThat(ours.path("trigger").path("sourceTrigger").path("status").asText()).isEqualTo("Enabled");
        JsonNode identity = ours.path("identity").path("userAssignedIdentities").path(UAI);
        assertThat(identity.path("clientId").asText()).isEqualTo("d3ce1bc2-f7d7-4a5b-9979-950f4e57680e");
        assertThat(identity.has("principalId")).isTrue();
    }

    @Test
    void runsHaveEveryFieldOfTheServiceExamples() throws IOException {
        Path source = Samples.copyLayout(dir.resolve("source"));
        String container = Files.createDirectories(dir.resolve("container")).toUri().toString();
        ok(cli.run("export-pipeline", "create", "-n", "myExportPipeline", "-r", "oci-layout:" + source,
                "-c", container));
        ok(cli.run("import-pipeline", "create", "-n", "myImportPipeline", "-r", "oci-layout:" + dir.resolve("target"),
                "-c", container, "-e", "false"));
        ok(cli.run("pipeline-run", "create", "-n", "myExportRun", "-p", "myExportPipeline", "-t", "export",
                "-b", "myblob.tar", "-a", Samples.HELLO, Samples.WORLD));
        JsonNode imported = ok(cli.run("pipeline-run", "create", "-n", "myImportRun", "-p", "myImportPipeline",
                "-t", "import", "-b", "myblob.tar", "-o", "json")).json();
        // Local registries: the library's local ids, no resource group.
        assertThat(imported.path("id").asText()).isEqualTo("/pipelineRuns/myImportRun");
        assertThat(imported.path("request").path("pipelineResourceId").asText())
                .isEqualTo("/importPipelines/myImportPipeline");
        assertThat(imported.path("resourceGroup").isNull()).isTrue();

        // The same pipelines on an ACR registry: the runs' ids take the ARM form of their pipeline's registry.
        try (TransferClient client = client()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("myExportPipeline", ACR,
                    StorageContainer.of(URI.create(container)), Set.of()));
            client.createOrUpdateImportPipeline(new ImportPipeline("myImportPipeline", ACR,
                    StorageContainer.of(URI.create(container)), Set.of()));
        }
        JsonNode export = ok(cli.run("pipeline-run", "show", "-n", "myExportRun", "-o", "json")).json();
        assertSameShape(example("PipelineRunGet.json"), export);
        String registryId = "/subscriptions/" + SUB + "/resourceGroups/myResourceGroup/providers/"
                + "Microsoft.ContainerRegistry/registries/myregistry";
        assertThat(export.path("id").asText()).isEqualTo(registryId + "/pipelineRuns/myExportRun");
        assertThat(export.path("request").path("pipelineResourceId").asText())
                .isEqualTo(registryId + "/exportPipelines/myExportPipeline");
        assertThat(export.path("response").path("status").asText()).isEqualTo("Succeeded");
        assertThat(export.path("response").path("progress").path("percentage").isTextual()).isTrue();
        assertThat(export.path("response").path("progress").path("percentage").asText()).isEqualTo("100");
        assertThat(export.path("response").path("startTime").asText())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\+00:00");
        assertThat(export.path(AzJson.EXTRA).path("artifactResults")).hasSize(2);

        JsonNode importRun = ok(cli.run("pipeline-run", "show", "-n", "myImportRun", "-o", "json")).json();
        assertSameShape(example("PipelineRunCreate_Import.json"), importRun);
        assertThat(importRun.path("response").path("importedArtifacts")).extracting(JsonNode::asText)
                .contains(Samples.HELLO, Samples.WORLD);
        assertThat(importRun.path("response").path("source").path("uri").asText()).endsWith("myblob.tar");
    }

    private TransferClient client() {
        // The command line's backends, so https://<account>.blob.core.windows.net containers are accepted (created
        // without being reached).
        return Backends.configure(new TransferClientBuilder().stateDirectory(state), CredentialProvider.ANONYMOUS)
                .buildClient();
    }

    private static Cli.Result ok(Cli.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }

    /** The example's 200 response body as az prints it: {@code properties.*} flattened beside id, name, type. */
    private static JsonNode example(String file) {
        try (InputStream in = AzJsonShapeTest.class.getResourceAsStream("/acr-rest-examples/" + file)) {
            ObjectNode body = (ObjectNode) Json.mapper().readTree(in).path("responses").path("200").path("body");
            ObjectNode flat = Json.mapper().createObjectNode();
            body.fields().forEachRemaining(f -> {
                if (f.getKey().equals("properties")) {
                    flat.setAll((ObjectNode) f.getValue());
                } else {
                    flat.set(f.getKey(), f.getValue());
                }
            });
            return flat;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the example " + file, e);
        }
    }

    /**
     * Every field of {@code expected} is in {@code actual} at the same path (recursively; a map of user-assigned
     * identities is compared by its entries' fields), and every field of {@code actual} that the example lacks is one
     * az's model prints, or resourceGroup, or ocitransfer.
     */
    private static void assertSameShape(JsonNode expected, JsonNode actual) {
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        compare("", expected, actual, missing, unexpected);
        assertThat(missing).as("fields of the service's example missing from ours:\n" + Json.pretty(actual)).isEmpty();
        assertThat(unexpected).as("fields of ours that neither the example nor az's model has").isEmpty();
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, List<String> missing,
                                List<String> unexpected) {
        boolean map = path.endsWith("userAssignedIdentities");
        Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            JsonNode ours = map ? first(actual) : actual.get(field.getKey());
            if (ours == null) {
                missing.add(name);
            } else if (field.getValue().isObject()) {
                if (!ours.isObject()) {
                    missing.add(name + " (an object in the example, " + ours.getNodeType() + " in ours)");
                } else {
                    compare(map ? path + ".*" : name, field.getValue(), ours, missing, unexpected);
                }
            }
        }
        if (map || path.endsWith(AzJson.EXTRA)) {
            return;
        }
        actual.fieldNames().forEachRemaining(field -> {
            String name = path.isEmpty() ? field : path + "." + field;
            if (!expected.has(field) && !AZ_MODEL_FIELDS.contains(name)) {
                unexpected.add(name);
            }
        });
    }

    private static JsonNode first(JsonNode map) {
        return map.isObject() && map.size() > 0 ? map.elements().next() : null;
    }
}
