// A ManagedIdentity container is reached as the pipeline's identity: azure-identity's real ManagedIdentityCredential
// asks the managed identity STAND-IN for a storage token for that identity, and real Azurite (--oauth basic) takes it.
package org.ocitransfer.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.azure.identity.ManagedIdentityCredentials;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.memory.MemoryRegistry;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.azure.EntraIdStandInCredential;
import org.ocitransfer.testkit.azure.ManagedIdentityStandIn;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.random.Seeds;

class PipelineIdentityStorageTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = AzuriteExtension.withOAuth();

    private static final String CLIENT_A = "11111111-aaaa-4aaa-8aaa-111111111111";
    private static final String STORAGE = "https://storage.azure.com";

    @TempDir
    Path dir;

    @Test
    void aManagedIdentityContainerIsWrittenWithThePipelinesIdentityNotTheDefaultCredential() {
        AZURITE.azurite().createContainer("miexports");
        EntraIdStandInCredential processCredential = new EntraIdStandInCredential(AZURITE.certificate(), "tenant");
        MemoryRegistry source = new MemoryRegistry("source");
        new ContentGenerator(Seeds.seed(16)).image(2000, 3000).pushTo(source.repository("team/app"), "1.0");
        StorageContainer container = StorageContainer.withManagedIdentity(AZURITE.azurite().containerUri("miexports"));
        try (ManagedIdentityStandIn identities = ManagedIdentityStandIn.start(AZURITE.certificate(), "tenant");
             TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                     .registry("memory:source", source)
                     .blobStoreFactory(AzureBlobStoreFactory.builder().credential(processCredential)
                             .identityCredentials(new ManagedIdentityCredentials(b -> b.httpClient(
                                     identities.httpClient()))).httpClient(AZURITE.azurite().httpClient()).build())
                     .buildClient()) {
            identities.userAssigned(CLIENT_A, "/subscriptions/s/resourceGroups/rg/providers/"
                    + "Microsoft.ManagedIdentity/userAssignedIdentities/a");
            client.createOrUpdateExportPipeline(new ExportPipeline("miexport", "memory:source", container, Set.of())
                    .withIdentity(PipelineIdentity.userAssigned(CLIENT_A, null)));
            PipelineRun run = client.createOrUpdatePipelineRun("miexportrun", PipelineRunRequest.export("miexport",
                    "mi.tar", List.of("team/app:1.0")), null);
            assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
            assertThat(AZURITE.azurite().containerClient("miexports").getBlobClient("mi.tar").exists()).isTrue();
            assertThat(identities.requests()).isNotEmpty()
                    .allSatisfy(r -> assertThat(r).isEqualTo(new ManagedIdentityStandIn.Request(CLIENT_A, null,
                            STORAGE)));
            assertThat(processCredential.requests()).isEmpty();

            // The same container without an identity: the default credential.
            client.createOrUpdateExportPipeline(new ExportPipeline("defaultexport", "memory:source", container,
                    Set.of()));
            PipelineRun byDefault = client.createOrUpdatePipelineRun("defaultrun", PipelineRunRequest.export(
                    "defaultexport", "default.tar", List.of("team/app:1.0")), null);
            assertThat(byDefault.status()).as(byDefault.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertThat(processCredential.requests()).isNotEmpty();
        }
    }
}
