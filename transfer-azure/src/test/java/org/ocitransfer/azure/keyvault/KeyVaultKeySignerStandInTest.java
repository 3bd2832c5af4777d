// KeyVaultKeySigner driving the real CryptographyClient against the test kit's Key Vault keys STAND-IN: a signed
// export whose private key never left the "vault", verified by an import pipeline and by openssl alone.
package org.ocitransfer.azure.keyvault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.azure.identity.ManagedIdentityCredentials;
import org.ocitransfer.azure.identity.PipelineCredentials;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.testkit.azure.EntraIdStandInCredential;
import org.ocitransfer.testkit.azure.KeyVaultKeysStandIn;
import org.ocitransfer.testkit.azure.ManagedIdentityStandIn;
import org.ocitransfer.testkit.azure.TestHttpClients;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;
import org.ocitransfer.testkit.tools.ExternalTool;

class KeyVaultKeySignerStandInTest {

    @TempDir
    Path dir;
    private SelfSignedCertificate cert;
    private KeyVaultKeysStandIn vault;
    private Path container;
    private OciLayoutRegistry source;
    private GeneratedArtifact image;

    @BeforeEach
    void start() throws IOException {
        cert = SelfSignedCertificate.generate(dir.resolve("tls"), "keyvault-keys-stand-in");
        vault = KeyVaultKeysStandIn.start(cert);
        container = Files.createDirectories(dir.resolve("container"));
        source = OciLayoutRegistry.open(dir.resolve("source"));
        image = new ContentGenerator(16).image(2000, 30_000);
        image.pushTo(source.repository("team/app"), "1");
    }

    @AfterEach
    void stop() {
        vault.close();
    }

    private TransferClient client() {
        return client(null);
    }

    /** A client whose pipelines with an identity sign as it, with the credentials {@code identities} give. */
    private TransferClient client(PipelineCredentials identities) {
        KeyVaultKeySigner signer = KeyVaultSecretStore.builder(new EntraIdStandInCredential(cert, "home-tenant"))
                .identityCredentials(identities).httpClient(TestHttpClients.trusting(cert))
                .disableChallengeResourceVerification().vaultHost(vault.host()).buildKeySigner();
        return new TransferClientBuilder().stateDirectory(dir.resolve("state")).signerFactory(signer).buildClient();
    }

    private PipelineRun export(TransferClient client, String keyUri, String blob) {
        return export(client, keyUri, blob, null);
    }

    private PipelineRun export(TransferClient client, String keyUri, String blob, PipelineIdentity identity) {
        client.createOrUpdateExportPipeline(new ExportPipeline("kvexport", source.location(),
                StorageContainer.of(container.toUri()), Set.of()).withSigningKeyUri(keyUri).withIdentity(identity));
        return client.createOrUpdatePipelineRun("run" + blob.replace(".tar", ""), PipelineRunRequest.export(
                "kvexport", blob, List.of("team/app:1")), null);
    }

    @Test
    void aPipelineSignsAsItsOwnIdentityAndAnIdentityNotGrantedTheKeyIsRefusedWithNothingWritten() {
        // Fresh client ids: MSAL caches managed identity tokens across credentials, per client id, in the JVM.
        String clientA = java.util.UUID.randomUUID().toString();
        String clientB = java.util.UUID.randomUUID().toString();
        String keyUri = vault.createEcKey("pipeline-signer", "sign", "verify");
        vault.grant("pipeline-signer", clientA);
        try (ManagedIdentityStandIn identities = ManagedIdentityStandIn.start(cert, vault.tenant())) {
            String group = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
                    + "Microsoft.ManagedIdentity/userAssignedIdentities/";
            identities.userAssigned(clientA, group + "signera");
            identities.userAssigned(clientB, group + "signerb");
            PipelineCredentials managed = new ManagedIdentityCredentials(b -> b.httpClient(identities.httpClient()));
            try (TransferClient client = client(managed)) {
                PipelineRun byA = export(client, keyUri, "bya.tar", PipelineIdentity.userAssigned(clientA, null));
                assertThat(byA.status()).as(byA.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
                assertThat(vault.signatures()).isEqualTo(1);
                assertThat(vault.callers()).isNotEmpty().containsOnly(clientA);
                assertThat(identities.requests()).extracting(ManagedIdentityStandIn.Request::clientId)
                        .containsOnly(clientA);

                // B is assigned to the host but not granted the key: refused naming B, no signature, no blob.
                int callsByA = vault.callers().size();
                assertFailed(export(client, keyUri, "byb.tar", PipelineIdentity.userAssigned(clientB, null)),
                        ErrorCategory.DENIED, "The user-assigned managed identity (client id " + clientB + ") lacks"
                                + " the get permission on keys for the signing key pipeline-signer");
                assertThat(vault.callers().subList(callsByA, vault.callers().size())).containsOnly(clientB);
                // No identity: the default credential, not granted either.
                assertFailed(export(client, keyUri, "bydefault.tar"), ErrorCategory.DENIED,
                        "The default credential lacks the get permission on keys");
            }
        }
        // Without PipelineCredentials a pipeline with an identity is refused rather than signed by the default.
        int calls = vault.callers().size();
        try (TransferClient client = client()) {
            assertFailed(export(client, keyUri, "noresolver.tar", PipelineIdentity.userAssigned(clientA, null)),
                    ErrorCategory.UNAUTHORIZED, "without PipelineCredentials");
        }
        assertThat(vault.callers()).hasSize(calls);
        assertThat(vault.signatures()).isEqualTo(1);
        assertThat(container.toFile().list()).filteredOn(name -> !name.startsWith(".")).containsExactly("bya.tar");
    }

    @Test
    void anArchiveSignedByAVaultKeyImportsWithItsPublicKeyAndOpensslVerifiesIt() throws Exception {
        String keyUri = vault.createEcKey("archive-signer", "sign", "verify");
        Path pub = Files.writeString(dir.resolve("pub.pem"), vault.publicKeyPem("archive-signer"));
        try (TransferClient client = client()) {
            PipelineRun exported = export(client, keyUri, "signed.tar");
            assertThat(exported.status()).as(exported.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertThat(vault.signatures()).isEqualTo(1);

            client.createOrUpdateImportPipeline(new ImportPipeline("kvimport", "oci-layout:" + dir.resolve("target"),
                    StorageContainer.of(container.toUri()), Set.of()).withVerifyKeys(List.of(pub.toString())));
            PipelineRun imported = client.createOrUpdatePipelineRun("kvimportrun", PipelineRunRequest.importBlob(
                    "kvimport", "signed.tar"), null);
            assertThat(imported.status()).as(imported.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertThat(OciLayoutRegistry.open(dir.resolve("target")).repository("team/app").resolve("1").digest())
                    .isEqualTo(image.digest());
        }
        // openssl alone: the ECDSA commands of docs/archive-format.md section 10.
        Path work = Files.createDirectories(dir.resolve("openssl"));
        Files.copy(container.resolve("signed.tar"), work.resolve("export.tar"));
        Files.copy(pub, work.resolve("pub.pem"));
        assertThat(run(work, "tar", "-xf", "export.tar", "catalog.json", "catalog.json.sig")).isEmpty();
        assertThat(run(work, "openssl", "dgst", "-sha256", "-verify", "pub.pem", "-signature", "catalog.json.sig",
                "catalog.json")).contains("Verified OK");
    }

    @Test
    void aMissingDeniedOrUnsuitableVaultKeyFailsTheExportBeforeAnythingIsWritten() {
        String notSigning = vault.createEcKey("encrypt-only", "verify");
        String denied = vault.createEcKey("denied", "sign", "verify");
        vault.deny("denied");
        String readOnly = vault.createEcKey("readonly", "sign", "verify");
        vault.denySign("readonly");
        try (TransferClient client = client()) {
            assertFailed(export(client, "https://" + vault.host() + "/keys/absent", "absent.tar"),
                    ErrorCategory.NOT_FOUND, "key absent in Key Vault 127.0.0.1 was not found");
            assertFailed(export(client, denied, "denied.tar"), ErrorCategory.DENIED,
                    "lacks the get permission on keys");
            assertFailed(export(client, notSigning, "notsigning.tar"), ErrorCategory.INVALID_INPUT,
                    "does not permit the sign operation");
            // Read at run start, refused when the archive is planned and signed: still nothing written.
            assertFailed(export(client, readOnly, "readonly.tar"), ErrorCategory.DENIED,
                    "lacks the sign permission on keys");
        }
        assertThat(vault.signatures()).isZero();
        assertThat(container.toFile().list()).isEmpty();
    }

    private static void assertFailed(PipelineRun run, ErrorCategory category, String message) {
        assertThat(run.status()).isEqualTo(RunStatus.Failed);
        assertThat(run.response().errorCategory()).isEqualTo(category);
        assertThat(run.response().pipelineRunErrorMessage()).contains(message);
    }

    private static String run(Path work, String tool, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ExternalTool.require(tool, "apt-get install -y "
                + tool).toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(command + ": " + out).isZero();
        return out;
    }
}
