// Differential archives in an Azure container (Azurite): bases read by range from Blob Storage, named by name or blob URL.
package org.ocitransfer.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertNoTag;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertSameGraph;
import static org.ocitransfer.testkit.assertions.RunAssertions.succeeded;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
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
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.azure.EntraIdStandInCredential;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.content.GeneratedContent;
import org.ocitransfer.testkit.random.Seeds;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

/**
 * A full export into an Azurite container, one new image, a differential export naming the full archive by its blob
 * URL: only the new image's unique blobs in the new blob; imported into the registry that had the first import, every
 * tag; into an empty registry, refused naming the base; a base in another container refused.
 */
class AzureDifferentialTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @TempDir
    Path dir;

    @Test
    void aDifferentialExportInAnAzureContainerHoldsOnlyTheNewImageAndImportsWhereTheBaseWas() throws IOException {
        URI uri = AZURITE.azurite().createContainer("differential");
        AZURITE.azurite().createContainer("othercontainer");
        Path sas = Files.writeString(dir.resolve("sas"), AZURITE.azurite().containerSas("differential", "racwdl",
                OffsetDateTime.now().plusHours(1)));
        StorageContainer container = StorageContainer.of(uri, sas.toUri().toString());
        SelfSignedCertificate cert = SelfSignedCertificate.generate(dir.resolve("tls"), "entra-stand-in");
        ContentGenerator generator = new ContentGenerator(Seeds.seed(1617));
        List<GeneratedContent> shared = generator.layers(60_000);
        GeneratedArtifact v1 = generator.image(shared, 20_000);
        GeneratedArtifact v2 = generator.image(shared, 30_000);
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry c = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry source = HttpRegistry.builder().uri(a.url()).build();
             HttpRegistry target = HttpRegistry.builder().uri(b.url()).build();
             HttpRegistry empty = HttpRegistry.builder().uri(c.url()).build();
             TransferClient client = AzureTransfer.clientBuilder(new EntraIdStandInCredential(cert, "tenant"))
                     .stateDirectory(dir.resolve("state")).buildClient()) {
            v1.pushTo(source.repository("team/app"), "1");
            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", a.url(), container, Set.of()));
            client.createOrUpdateImportPipeline(new ImportPipeline("intob", b.url(), container, Set.of())
                    .withSourceTrigger(TriggerStatus.Disabled));
            client.createOrUpdateImportPipeline(new ImportPipeline("intoc", c.url(), container, Set.of())
                    .withSourceTrigger(TriggerStatus.Disabled));
            PipelineRun full = client.createOrUpdatePipelineRun("fullrun",
                    PipelineRunRequest.export("exporter", "full.tar", List.of("team/app:1")), null);
            succeeded(full);
            succeeded(client.createOrUpdatePipelineRun("importfull",
                    PipelineRunRequest.importBlob("intob", "full.tar"), null));

            v2.pushTo(source.repository("team/app"), "2");
            String fullUrl = AZURITE.azurite().containerClient("differential").getBlobClient("full.tar").getBlobUrl();
            PipelineRun diff = client.createOrUpdatePipelineRun("diffrun", PipelineRunRequest.export("exporter",
                    "diff.tar", List.of("team/app:1", "team/app:2")).withBaseBlobs(List.of(fullUrl)), null);
            succeeded(diff);
            List<String> unique = v2.descriptors().stream().map(Descriptor::digest)
                    .filter(d -> !d.equals(shared.get(0).descriptor().digest())).toList();
            assertThat(blobEntries("diff.tar")).containsExactlyInAnyOrderElementsOf(unique);

            PipelineRun refused = client.createOrUpdatePipelineRun("importdiffc",
                    PipelineRunRequest.importBlob("intoc", "diff.tar"), null);
            assertThat(refused.status()).isEqualTo(RunStatus.Failed);
            assertThat(refused.response().pipelineRunErrorMessage()).contains("full.tar",
                    full.response().catalogDigest());
            assertNoTag(empty.repository("team/app"), "1");
            assertNoTag(empty.repository("team/app"), "2");
            assertThat(empty.repository("team/app").exists(v2.root())).isFalse();

            succeeded(client.createOrUpdatePipelineRun("importdiffb",
                    PipelineRunRequest.importBlob("intob", "diff.tar"), null));
            assertSameGraph(source.repository("team/app"), "1", target.repository("team/app"), "1");
            assertSameGraph(source.repository("team/app"), "2", target.repository("team/app"), "2");

            String elsewhere = AZURITE.azurite().containerClient("othercontainer").getBlobClient("full.tar")
                    .getBlobUrl();
            PipelineRun other = client.createOrUpdatePipelineRun("otherbaserun", PipelineRunRequest.export(
                    "exporter", "other.tar", List.of("team/app:2")).withBaseBlobs(List.of(elsewhere)), null);
            assertThat(other.status()).isEqualTo(RunStatus.Failed);
            assertThat(other.response().pipelineRunErrorMessage()).contains("not a blob of the export's container");
            assertThat(AZURITE.azurite().containerClient("differential").getBlobClient("other.tar").exists())
                    .isFalse();
        }
    }

    private static List<String> blobEntries(String blob) throws IOException {
        List<String> digests = new ArrayList<>();
        try (InputStream in = AZURITE.azurite().containerClient("differential").getBlobClient(blob).openInputStream();
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().startsWith("blobs/")) {
                    digests.add(e.getName().substring("blobs/".length()).replace('/', ':'));
                }
            }
        }
        return digests;
    }
}
