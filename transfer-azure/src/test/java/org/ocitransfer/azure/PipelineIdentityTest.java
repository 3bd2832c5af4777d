// Each pipeline reads its SAS secret as its own identity: azure-identity's real ManagedIdentityCredential gets a token
// from the managed identity STAND-IN, and the Key Vault STAND-IN checks which identity asked; the archive goes into
// a real Azurite container.
package org.ocitransfer.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import org.ocitransfer.azure.identity.PipelineCredentials;
import org.ocitransfer.azure.identity.ManagedIdentityCredentials;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.keyvault.KeyVaultSecretStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.memory.MemoryRegistry;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.azure.EntraIdStandInCredential;
import org.ocitransfer.testkit.azure.KeyVaultStandIn;
import org.ocitransfer.testkit.azure.ManagedIdentityStandIn;
import org.ocitransfer.testkit.azure.TestHttpClients;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.random.Seeds;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

class PipelineIdentityTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final String CLIENT_A = "11111111-aaaa-4aaa-8aaa-111111111111";
    private static final String CLIENT_B = "22222222-bbbb-4bbb-8bbb-222222222222";
    private static final String RESOURCE_A = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/"
            + "providers/Microsoft.ManagedIdentity/userAssignedIdentities/pipelinea";
    private static final String RESOURCE_B = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/"
            + "providers/Microsoft.ManagedIdentity/userAssignedIdentities/pipelineb";

    @TempDir
    Path dir;

    private KeyVaultStandIn vault;
    private ManagedIdentityStandIn identities;
    private SelfSignedCertificate cert;
    private EntraIdStandInCredential processCredential;
    private String secretUri;
    private URI container;

    @BeforeEach
    void setUp() {
        cert = SelfSignedCertificate.generate(dir.resolve("tls"), "stand-ins");
        vault = KeyVaultStandIn.start(cert);
        identities = ManagedIdentityStandIn.start(cert, vault.tenant());
        identities.userAssigned(CLIENT_A, RESOURCE_A);
        identities.userAssigned(CLIENT_B, RESOURCE_B);
        processCredential = new EntraIdStandInCredential(cert, vault.tenant());
        Azurite azurite = AZURITE.azurite();
        container = azurite.createContainer("identity" + Math.abs(System.nanoTime() % 100000));
        String name = container.getPath().substring(container.getPath().lastIndexOf('/') + 1);
        secretUri = vault.setSecret("exportsas", azurite.containerSas(name, "racwl",
                OffsetDateTime.now().plusHours(1)));
        vault.grant("exportsas", CLIENT_A);
    }

    @AfterEach
    void tearDown() {
        identities.close();
        vault.close();
    }

    @Test
    void aPipelineReadsItsSecretAsItsOwnIdentityAndAnotherIdentityIsRefused() {
        PipelineCredentials managed = new ManagedIdentityCredentials(b -> b.httpClient(identities.httpClient()));
        try (TransferClient client = client(managed)) {
            PipelineRun byClientId = export(client, "byclientida", PipelineIdentity.userAssigned(CLIENT_A, null));
            assertThat(byClientId.status()).as(byClientId.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertThat(vault.callers()).containsExactly(CLIENT_A);
            assertThat(identities.requests()).containsExactly(
                    new ManagedIdentityStandIn.Request(CLIENT_A, null, KeyVaultStandIn.RESOURCE));

            // Identity B is assigned to the host but not granted the secret: the vault refuses it, and A's cached
            // value is not handed to B.
            PipelineRun byB = export(client, "byclientidb", PipelineIdentity.userAssigned(CLIENT_B, null));
            assertThat(byB.status()).isEqualTo(RunStatus.Failed);
            assertThat(byB.response().pipelineRunErrorMessage())
                    .contains("user-assigned managed identity (client id " + CLIENT_B + ") lacks get permission")
                    .contains("secret exportsas");
            assertThat(vault.callers()).containsExactly(CLIENT_A, CLIENT_B);

            // By resource id: the endpoint names the same identity A, which may read it.
            PipelineRun byResourceId = export(client, "byresourceida", PipelineIdentity.userAssigned(null,
                    RESOURCE_A));
            assertThat(byResourceId.status()).as(byResourceId.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertThat(vault.callers()).containsExactly(CLIENT_A, CLIENT_B, CLIENT_A);

            // No identity: the process's default credential asks, and is not granted either.
            PipelineRun byDefault = export(client, "bydefault", null);
            assertThat(byDefault.status()).isEqualTo(RunStatus.Failed);
            assertThat(byDefault.response().pipelineRunErrorMessage()).contains("The default credential lacks get");
            assertThat(vault.callers()).last().isEqualTo(processCredential.objectId());

            // The system-assigned identity: a token with the host's own client id, refused too.
            PipelineRun bySystem = export(client, "bysystem", PipelineIdentity.systemAssigned());
            assertThat(bySystem.status()).isEqualTo(RunStatus.Failed);
            assertThat(bySystem.response().pipelineRunErrorMessage()).contains("system-assigned managed identity");
            assertThat(vault.callers()).last().isEqualTo(identities.systemClientId());
        }
    }

    @Test
    void withoutPipelineCredentialsAPipelineWithAnIdentityFailsInsteadOfUsingTheDefault() {
        try (TransferClient client = client(null)) {
            PipelineRun run = export(client, "noresolver", PipelineIdentity.userAssigned(CLIENT_A, null));
            assertThat(run.status()).isEqualTo(RunStatus.Failed);
            assertThat(run.response().pipelineRunErrorMessage()).contains("without PipelineCredentials")
                    .contains("client id " + CLIENT_A);
            assertThat(vault.callers()).isEmpty();
        }
    }

    private TransferClient client(PipelineCredentials pipelineCredentials) {
        MemoryRegistry source = new MemoryRegistry("source");
        new ContentGenerator(Seeds.seed(15)).image(2000, 3000).pushTo(source.repository("team/app"), "1.0");
        KeyVaultSecretStore keyVault = KeyVaultSecretStore.builder(processCredential)
                .identityCredentials(pipelineCredentials).httpClient(TestHttpClients.trusting(cert))
                .disableChallengeResourceVerification().vaultHost(vault.host()).build();
        return new TransferClientBuilder().stateDirectory(dir.resolve("state")).registry("memory:source", source)
                .blobStoreFactory(AzureBlobStoreFactory.builder().identityCredentials(pipelineCredentials).build())
                .secretStore(keyVault).buildClient();
    }

    private PipelineRun export(TransferClient client, String name, PipelineIdentity identity) {
        client.createOrUpdateExportPipeline(new ExportPipeline(name, "memory:source",
                StorageContainer.of(container, secretUri), Set.of()).withIdentity(identity));
        return client.createOrUpdatePipelineRun(name + "run", PipelineRunRequest.export(name, name + ".tar",
                List.of("team/app:1.0")), null);
    }
}
