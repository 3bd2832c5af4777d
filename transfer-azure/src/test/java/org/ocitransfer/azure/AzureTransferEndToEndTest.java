// End to end through the client: real registry -> export into Azurite container A (SAS from the Key Vault stand-in)
// -> blob copy -> container B (its own SAS) -> import into another real registry; overwrite refusal, preflight
// failures, DeleteSourceBlobOnSuccess only after success; and no SAS signature in any log, output or run record.
package org.ocitransfer.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertSameGraph;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TriggerStatus;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.copy.BlobCopier;
import org.ocitransfer.azure.copy.CopyMethod;
import org.ocitransfer.azure.copy.CopyResult;
import org.ocitransfer.azure.keyvault.KeyVaultSecretStore;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;
import org.ocitransfer.core.registry.http.RetryPolicy;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.azure.EntraIdStandInCredential;
import org.ocitransfer.testkit.azure.KeyVaultStandIn;
import org.ocitransfer.testkit.azure.TestHttpClients;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;
import org.ocitransfer.testkit.random.Seeds;

class AzureTransferEndToEndTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final Pattern UNREDACTED_SIG = Pattern.compile("(?i)sig(=|%3D)(?!REDACTED)[^&\\s\"'<>]");

    @TempDir
    Path dir;

    private final List<String> signatures = new ArrayList<>();

    @Test
    void registryToContainerThroughCopyToContainerToRegistryWithSasFromTheKeyVaultStandInAndNoSignatureAnywhere()
            throws IOException {
        Azurite azurite = AZURITE.azurite();
        SelfSignedCertificate cert = SelfSignedCertificate.generate(dir.resolve("tls"), "keyvault-stand-in");
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        List<PipelineRun> runs = new ArrayList<>();
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry source = HttpRegistry.builder().uri(a.url()).build();
             HttpRegistry target = HttpRegistry.builder().uri(b.url()).build();
             KeyVaultStandIn vault = KeyVaultStandIn.start(cert)) {
            ContentGenerator gen = new ContentGenerator(Seeds.seed(21));
            GeneratedArtifact multi = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 3000, 2000);
            multi.pushTo(source.repository("lib/multi"), "1");
            GeneratedArtifact image = gen.image(5000, 70_000);
            image.pushTo(source.repository("team/app"), "2.0");

            System.setErr(capture);
            System.setOut(capture);
            OffsetDateTime later = OffsetDateTime.now().plusHours(2);
            URI uriA = azurite.createContainer("exports");
            URI uriB = azurite.createContainer("imports");
            String sasA = sas(vault, "exportsas", azurite.containerSas("exports", "racwl", later));
            String sasB = sas(vault, "importsas", azurite.containerSas("imports", "rdl", later));
            String expired = sas(vault, "expiredsas", azurite.containerSas("exports", "racwl",
                    OffsetDateTime.now().minusMinutes(10)));
            String readOnly = sas(vault, "readonlysas", azurite.containerSas("exports", "rl", later));

            KeyVaultSecretStore keyVault = KeyVaultSecretStore.builder(new EntraIdStandInCredential(cert, "t"))
                    .httpClient(TestHttpClients.trusting(cert)).disableChallengeResourceVerification()
                    .vaultHost(vault.host()).build();
            AzureBlobStoreFactory storage = new AzureBlobStoreFactory();
            try (TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                    .registryFactory(new HttpRegistryFactory(r -> r.credentials(CredentialProvider.ANONYMOUS)
                            .retry(RetryPolicy.none())))
                    .blobStoreFactory(storage).secretStore(keyVault).buildClient()) {
                StorageContainer containerA = StorageContainer.of(uriA, sasA);
                StorageContainer containerB = StorageContainer.of(uriB, sasB);
                client.createOrUpdateExportPipeline(new ExportPipeline("exporter", a.url(), containerA, Set.of()));
                client.createOrUpdateImportPipeline(new ImportPipeline("importer", b.url(), containerB,
                        TriggerStatus.Disabled, EnumSet.of(PipelineOption.DeleteSourceBlobOnSuccess), null));

                // Export into container A.
                PipelineRun exported = client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export(
                        "exporter", "bundle.tar", List.of("lib/multi:1", "team/app:2.0")), null);
                runs.add(exported);
                assertThat(exported.status()).as(exported.response().pipelineRunErrorMessage())
                        .isEqualTo(RunStatus.Succeeded);
                var blobA = azurite.containerClient("exports").getBlobClient("bundle.tar").getProperties();
                assertThat(blobA.getMetadata()).containsEntry("category", "acr-transfer-blob")
                        .containsEntry("catalogdigest", exported.response().catalogDigest());

                // Copy A -> B, server-side, verified.
                SecretStores secrets = SecretStores.builtIn().with(keyVault);
                try (BlobStore storeA = storage.open(containerA, secrets);
                     BlobStore storeB = storage.open(StorageContainer.of(uriB, sas(vault, "copysas",
                             azurite.containerSas("imports", "racwdl", later))), secrets)) {
                    CopyResult copy = BlobCopier.create().copy(storeA, "bundle.tar", storeB, "bundle.tar", false);
                    assertThat(copy.method()).isEqualTo(CopyMethod.SERVER_SIDE_SYNC);
                    assertThat(copy.catalogDigest()).isEqualTo(exported.response().catalogDigest());
                    BlobCopier.create().copy(storeA, "bundle.tar", storeB, "again.tar", false);
                }

                // Import from container B; the source blob is deleted only after the success.
                PipelineRun imported = client.createOrUpdatePipelineRun("import1",
                        PipelineRunRequest.importBlob("importer", "bundle.tar"), null);
                runs.add(imported);
                assertThat(imported.status()).as(imported.response().pipelineRunErrorMessage())
                        .isEqualTo(RunStatus.Succeeded);
                assertThat(imported.response().catalogDigest()).isEqualTo(exported.response().catalogDigest());
                assertSameGraph(source.repository("lib/multi"), "1", target.repository("lib/multi"), "1");
                assertSameGraph(source.repository("team/app"), "2.0", target.repository("team/app"), "2.0");
                assertThat(azurite.containerClient("imports").getBlobClient("bundle.tar").exists()).isFalse();
                assertThat(azurite.containerClient("exports").getBlobClient("bundle.tar").exists()).isTrue();

                // A failed import leaves its source blob in place.
                String downRegistry = "http://127.0.0.1:" + freePort();
                client.createOrUpdateImportPipeline(new ImportPipeline("importerdown", downRegistry, containerB,
                        TriggerStatus.Disabled, EnumSet.of(PipelineOption.DeleteSourceBlobOnSuccess), null));
                PipelineRun failedImport = client.createOrUpdatePipelineRun("import2",
                        PipelineRunRequest.importBlob("importerdown", "again.tar"), null);
                runs.add(failedImport);
                assertThat(failedImport.status()).isEqualTo(RunStatus.Failed);
                assertThat(azurite.containerClient("imports").getBlobClient("again.tar").exists()).isTrue();

                // Without OverwriteBlobs, a second export to the same blob fails and leaves it as it was.
                String etag = blobA.getETag();
                PipelineRun again = client.createOrUpdatePipelineRun("export2", PipelineRunRequest.export(
                        "exporter", "bundle.tar", List.of("team/app:2.0")), null);
                runs.add(again);
                assertThat(again.status()).isEqualTo(RunStatus.Failed);
                assertThat(again.response().pipelineRunErrorMessage()).contains("already exists");
                assertThat(azurite.containerClient("exports").getBlobClient("bundle.tar").getProperties().getETag())
                        .isEqualTo(etag);

                // Preflight: an expired SAS and one without write fail before any byte moves.
                client.createOrUpdateExportPipeline(new ExportPipeline("expired", a.url(),
                        StorageContainer.of(uriA, expired), Set.of()));
                PipelineRun expiredRun = client.createOrUpdatePipelineRun("export3", PipelineRunRequest.export(
                        "expired", "never.tar", List.of("team/app:2.0")), null);
                runs.add(expiredRun);
                assertThat(expiredRun.status()).isEqualTo(RunStatus.Failed);
                assertThat(expiredRun.response().pipelineRunErrorMessage()).contains("expired at")
                        .contains(expired);
                client.createOrUpdateExportPipeline(new ExportPipeline("readonly", a.url(),
                        StorageContainer.of(uriA, readOnly), Set.of()));
                PipelineRun readOnlyRun = client.createOrUpdatePipelineRun("export4", PipelineRunRequest.export(
                        "readonly", "never.tar", List.of("team/app:2.0")), null);
                runs.add(readOnlyRun);
                assertThat(readOnlyRun.status()).isEqualTo(RunStatus.Failed);
                assertThat(readOnlyRun.response().pipelineRunErrorMessage()).contains("lacks permission")
                        .contains("w (write)");
                assertThat(azurite.containerClient("exports").getBlobClient("never.tar").exists()).isFalse();
                runs.addAll(client.listPipelineRuns());
            }
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }

        StringBuilder everything = new StringBuilder(captured.toString(StandardCharsets.UTF_8));
        runs.forEach(run -> everything.append(run).append('\n'));
        try (Stream<Path> files = Files.walk(dir.resolve("state"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                everything.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
            }
        }
        String text = everything.toString();
        assertThat(text).contains("exporter").contains("bundle.tar").contains("expired at");
        assertThat(signatures).hasSize(5);
        for (String sig : signatures) {
            assertThat(text).doesNotContain(sig).doesNotContain(URLDecoder.decode(sig, StandardCharsets.UTF_8));
        }
        Matcher m = UNREDACTED_SIG.matcher(text);
        assertThat(m.find()).as("an unredacted sig= in the logs, output or records").isFalse();
        originalOut.println("Checked " + text.length() + " characters of logs, output and run records");
        runs.stream().filter(r -> r.status() == RunStatus.Failed).distinct()
                .forEach(r -> originalOut.println("Failed run " + r.name() + ": " + r.response()
                        .pipelineRunErrorMessage()));
    }

    private String sas(KeyVaultStandIn vault, String name, String sas) {
        Matcher m = Pattern.compile("sig=([^&]+)").matcher(sas);
        assertThat(m.find()).isTrue();
        signatures.add(m.group(1));
        return vault.setSecret(name, sas);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
