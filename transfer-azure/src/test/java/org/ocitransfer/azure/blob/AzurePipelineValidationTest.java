// An Azure container URI whose container name breaks Azure's rules is refused when the pipeline is created.
package org.ocitransfer.azure.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;

/**
 * Pipeline creation validates Azure container names (3-63 lowercase letters, digits and single hyphens, starting
 * and ending with a letter or digit) before anything is stored, instead of failing the first run.
 */
class AzurePipelineValidationTest {

    @TempDir
    Path dir;

    @Test
    void invalidContainerNamesAreRefusedAtPipelineCreateAndNothingIsStored() {
        try (TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                .blobStoreFactory(new AzureBlobStoreFactory()).buildClient()) {
            String layout = "oci-layout:" + dir.resolve("layout");
            for (String name : List.of("ab", "Upper", "double--hyphen", "-leading", "trailing-", "under_score",
                    "x".repeat(64))) {
                URI uri = URI.create("https://acct.blob.core.windows.net/" + name);
                assertThatThrownBy(() -> client.createOrUpdateExportPipeline(new ExportPipeline("exporter", layout,
                        StorageContainer.of(uri, "env:SAS"), Set.of())))
                        .as(name).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("'" + name + "' is not a valid container name");
                URI azurite = URI.create("http://127.0.0.1:10000/devstoreaccount1/" + name);
                assertThatThrownBy(() -> client.createOrUpdateImportPipeline(new ImportPipeline("importer", layout,
                        StorageContainer.of(azurite, "env:SAS"), Set.of())))
                        .as(name).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("is not a valid container name");
            }
            assertThat(client.listExportPipelines()).isEmpty();
            assertThat(client.listImportPipelines()).isEmpty();

            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", layout, StorageContainer.of(
                    URI.create("https://acct.blob.core.windows.net/team-1-exports"), "env:SAS"), Set.of()));
            assertThat(client.listExportPipelines()).hasSize(1);
        }
    }
}
