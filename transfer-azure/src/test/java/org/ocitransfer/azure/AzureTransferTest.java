// AzureTransfer.clientBuilder: the one-stop Azure setup moves artifacts registry -> Azurite container -> registry, and
// says what it needs when given no credential.
package org.ocitransfer.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertSameGraph;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TriggerStatus;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.azure.EntraIdStandInCredential;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

class AzureTransferTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @TempDir
    Path dir;

    @Test
    void theOneStopBuilderExportsIntoAnAzureContainerAndImportsFromIt() throws IOException {
        URI uri = AZURITE.azurite().createContainer("onestop");
        Path sas = Files.writeString(dir.resolve("sas"), AZURITE.azurite().containerSas("onestop", "racwdl",
                OffsetDateTime.now().plusHours(1)));
        StorageContainer container = StorageContainer.of(uri, sas.toUri().toString());
        SelfSignedCertificate cert = SelfSignedCertificate.generate(dir.resolve("tls"), "entra-stand-in");
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry source = HttpRegistry.builder().uri(a.url()).build();
             HttpRegistry target = HttpRegistry.builder().uri(b.url()).build();
             TransferClient client = AzureTransfer.clientBuilder(new EntraIdStandInCredential(cert, "tenant"))
                     .stateDirectory(dir.resolve("state")).buildClient()) {
            GeneratedArtifact image = new ContentGenerator(7).image(3000, 40_000);
            image.pushTo(source.repository("team/app"), "1");

            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", a.url(), container, Set.of()));
            PipelineRun exported = client.createOrUpdatePipelineRun("export", PipelineRunRequest.export("exporter",
                    "onestop.tar", List.of("team/app:1")), null);
            assertThat(exported.status()).as("%s", exported).isEqualTo(RunStatus.Succeeded);
            assertThat(AZURITE.azurite().containerClient("onestop").getBlobClient("onestop.tar").exists()).isTrue();

            client.createOrUpdateImportPipeline(new ImportPipeline("importer", b.url(), container, Set.of())
                    .withSourceTrigger(TriggerStatus.Disabled));
            PipelineRun imported = client.createOrUpdatePipelineRun("import",
                    PipelineRunRequest.importBlob("importer", "onestop.tar"), null);
            assertThat(imported.status()).as("%s", imported).isEqualTo(RunStatus.Succeeded);
            assertSameGraph(source.repository("team/app"), "1", target.repository("team/app"), "1");
        }
    }

    @Test
    void noCredentialIsRefusedSayingWhatIsNeeded() {
        assertThatThrownBy(() -> AzureTransfer.clientBuilder(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("TokenCredential");
    }
}
