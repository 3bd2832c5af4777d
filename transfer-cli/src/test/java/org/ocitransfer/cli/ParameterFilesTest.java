// The four official ACR transfer parameter files drive the CLI against real parts: two Distribution registries and
// Azurite. The files are written here in their published shape (Azure/acr, docs/image-transfer: ExportPipelines,
// ImportPipelines, PipelineRun/PipelineRun-Export and PipelineRun/PipelineRun-Import azuredeploy.parameters.json);
// only the values are this test's.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.registry.RegistryExtension;

class ParameterFilesTest {

    @RegisterExtension
    static AzuriteExtension azurite = new AzuriteExtension();

    @RegisterExtension
    static RegistryExtension source = RegistryExtension.open();

    @RegisterExtension
    static RegistryExtension target = RegistryExtension.open();

    @TempDir
    Path dir;

    /** ExportPipelines/azuredeploy.parameters.json, published shape. */
    private static final String EXPORT_PIPELINE = """
            {
              "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
              "contentVersion": "1.0.0.0",
              "parameters": {
                "registryName": {
                  "value": "myregistry"
                },
                "exportPipelineName": {
                  "value": "myExportPipeline"
                },
                "targetUri": {
                  "value": "%s"
                },
                "keyVaultUri": {
                  "value": "%s"
                },
                "options": {
                  "value": [
                    "OverwriteBlobs",
                    "ContinueOnErrors"
                  ]
                }
              }
            }
            """;

    /** ImportPipelines/azuredeploy.parameters.json, published shape. */
    private static final String IMPORT_PIPELINE = """
            {
              "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
              "contentVersion": "1.0.0.0",
              "parameters": {
                "registryName": {
                  "value": "myregistry"
                },
                "importPipelineName": {
                  "value": "myImportPipeline"
                },
                "sourceUri": {
                  "value": "%s"
                },
                "keyVaultUri": {
                  "value": "%s"
                },
                "options": {
                  "value": [
                    "OverwriteTags",
                    "DeleteSourceBlobOnSuccess",
                    "ContinueOnErrors"
                  ]
                }
              }
            }
            """;

    /** PipelineRun/PipelineRun-Export/azuredeploy.parameters.json, published shape. */
    private static final String EXPORT_RUN = """
            {
              "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
              "contentVersion": "1.0.0.0",
              "parameters": {
                "registryName": {
                  "value": "myregistry"
                },
                "pipelineRunName": {
                  "value": "myPipelineRunExport"
                },
                "pipelineResourceId": {
                  "value": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroup/providers/Microsoft.ContainerRegistry/registries/myRegistry/exportPipelines/myExportPipeline"
                },
                "targetName": {
                  "value": "myblob"
                },
                "artifacts": {
                  "value": [
                    "%s",
                    "%s"
                  ]
                }
              }
            }
            """;

    /** PipelineRun/PipelineRun-Import/azuredeploy.parameters.json, published shape. */
    private static final String IMPORT_RUN = """
            {
              "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
              "contentVersion": "1.0.0.0",
              "parameters": {
                "registryName": {
                  "value": "myregistry"
                },
                "pipelineRunName": {
                  "value": "myPipelineRunImport"
                },
                "pipelineResourceId": {
                  "value": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroup/providers/Microsoft.ContainerRegistry/registries/myRegistry/importPipelines/myImportPipeline"
                },
                "sourceName": {
                  "value": "myblob"
                }
              }
            }
            """;

    @Test
    void theFourOfficialParameterFilesExportAndImportThroughAzurite() throws IOException {
        Azurite storage = azurite.azurite();
        String container = storage.createContainer("transfer").toString();
        Path sas = Files.writeString(dir.resolve("transfer.sas"),
                storage.containerSas("transfer", "racwdl", OffsetDateTime.now().plusHours(1)));
        Cli cli = new Cli(dir.resolve("state"));
        Path layout = Samples.copyLayout(dir.resolve("layout"));
        String sourceUrl = source.registry().url();
        String targetUrl = target.registry().url();
        ok(cli.run("copy", "--source-registry", "oci-layout:" + layout, "--target-registry", sourceUrl,
                "--artifacts", Samples.HELLO, Samples.MULTI));

        Path exportPipeline = write("export-pipeline.json", EXPORT_PIPELINE.formatted(container, "file:" + sas));
        Path importPipeline = write("import-pipeline.json", IMPORT_PIPELINE.formatted(container, "file:" + sas));
        Path exportRun = write("export-run.json", EXPORT_RUN.formatted(Samples.HELLO, Samples.MULTI));
        Path importRun = write("import-run.json", IMPORT_RUN);

        // registryName "myregistry" is an ACR name; -r beside the file names the test's registry instead (it wins).
        JsonNode export = ok(cli.run("export-pipeline", "create", "--parameters", "@" + exportPipeline,
                "-r", sourceUrl, "-o", "json")).json();
        assertThat(export.path("name").asText()).isEqualTo("myExportPipeline");
        assertThat(export.toString()).contains(sourceUrl, container, "OverwriteBlobs", "ContinueOnErrors");
        JsonNode imported = ok(cli.run("import-pipeline", "create", "--parameters", "@" + importPipeline,
                "-r", targetUrl, "-e", "false", "-o", "json")).json();
        assertThat(imported.toString()).contains(targetUrl, "OverwriteTags", "DeleteSourceBlobOnSuccess",
                "Disabled");

        JsonNode exportResult = ok(cli.run("pipeline-run", "create", "--parameters", "@" + exportRun, "-o",
                "json")).json();
        assertThat(exportResult.path("name").asText()).isEqualTo("myPipelineRunExport");
        assertThat(exportResult.path("response").path("status").asText()).isEqualTo("Succeeded");
        assertThat(storage.containerClient("transfer").getBlobClient("myblob").exists()).isTrue();

        JsonNode importResult = ok(cli.run("pipeline-run", "create", "--parameters", "@" + importRun, "-o",
                "json")).json();
        assertThat(importResult.path("response").path("status").asText()).isEqualTo("Succeeded");
        assertThat(importResult.path("response").path("catalogDigest").asText())
                .isEqualTo(exportResult.path("response").path("catalogDigest").asText());
        Map<String, String> expected = new TreeMap<>(Samples.digests(layout));
        expected.keySet().retainAll(java.util.Set.of(Samples.HELLO, Samples.MULTI));
        assertThat(digests(targetUrl)).isEqualTo(expected);
        // DeleteSourceBlobOnSuccess, from the file's options, removed the archive.
        assertThat(storage.containerClient("transfer").getBlobClient("myblob").exists()).isFalse();
    }

    @Test
    void aNewForceUpdateTagInTheFileRunsItAgainAndTheSameOneDoesNot() throws IOException {
        Cli cli = new Cli(dir.resolve("state"));
        Path layout = Samples.copyLayout(dir.resolve("layout"));
        String container = Files.createDirectories(dir.resolve("container")).toUri().toString();
        ok(cli.run("export-pipeline", "create", "-n", "myExportPipeline", "-r", "oci-layout:" + layout,
                "-c", container, "-z", "OverwriteBlobs"));
        String run = EXPORT_RUN.formatted(Samples.HELLO, Samples.WORLD).replace("\"targetName\"",
                "\"forceUpdateTag\": {\"value\": \"%s\"},\n    \"targetName\"");
        Path first = write("run1.json", run.formatted("one"));
        JsonNode once = ok(cli.run("pipeline-run", "create", "--parameters", "@" + first, "-o", "json")).json();
        Cli.Result same = ok(cli.run("pipeline-run", "create", "--parameters", "@" + first, "-o", "json"));
        assertThat(same.err()).contains("not run again");
        assertThat(same.json().path("response").path("startTime")).isEqualTo(once.path("response").path("startTime"));
        Path second = write("run2.json", run.formatted("two"));
        Cli.Result again = ok(cli.run("pipeline-run", "create", "--parameters", "@" + second, "-o", "json"));
        assertThat(again.err()).doesNotContain("not run again");
        assertThat(again.json().path("forceUpdateTag").asText()).isEqualTo("two");
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static Map<String, String> digests(String registryUrl) {
        Map<String, String> digests = new TreeMap<>();
        try (Registry registry = HttpRegistry.builder().uri(registryUrl).build()) {
            for (String ref : new String[] {Samples.HELLO, Samples.MULTI}) {
                int colon = ref.lastIndexOf(':');
                digests.put(ref, registry.repository(ref.substring(0, colon)).resolve(ref.substring(colon + 1))
                        .digest());
            }
        }
        return digests;
    }

    private static Cli.Result ok(Cli.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }
}
