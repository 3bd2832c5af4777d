// Captures all logging (slf4j-simple on System.err, the SDK's HTTP logging on) and every exception of SAS-mode
// operations and copies on real Azurite, with SAS tokens read from the Key Vault stand-in, and finds no signature.
package org.ocitransfer.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.azure.internal.blob.AzureBlobStore;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.copy.BlobCopier;
import org.ocitransfer.azure.keyvault.KeyVaultSecretStore;
import org.ocitransfer.core.blob.BlobClaim;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.azure.EntraIdStandInCredential;
import org.ocitransfer.testkit.azure.KeyVaultStandIn;
import org.ocitransfer.testkit.azure.TestHttpClients;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

class SasNeverLeaksTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final Pattern UNREDACTED_SIG = Pattern.compile("(?i)sig(=|%3D)(?!REDACTED)[^&\\s\"'<>]");

    @TempDir
    Path dir;

    private final List<String> signatures = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();

    @Test
    void noSasSignatureInAnyLogLineOrExceptionOfSasModeOperationsAndCopies() throws IOException {
        Azurite azurite = AZURITE.azurite();
        SelfSignedCertificate cert = SelfSignedCertificate.generate(dir, "keyvault-stand-in");
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        try (KeyVaultStandIn vault = KeyVaultStandIn.start(cert)) {
            System.setErr(capture);
            System.setOut(capture);
            KeyVaultSecretStore keyVault = KeyVaultSecretStore.builder(new EntraIdStandInCredential(cert, "t"))
                    .httpClient(TestHttpClients.trusting(cert)).disableChallengeResourceVerification()
                    .vaultHost(vault.host()).build();
            SecretStores secrets = SecretStores.builtIn().with(keyVault);
            AzureBlobStoreFactory factory = AzureBlobStoreFactory.builder()
                    .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.HEADERS)).build();
            OffsetDateTime later = OffsetDateTime.now().plusHours(1);

            StorageContainer source = container(azurite, vault, "leak-src", "racwdl", later);
            StorageContainer target = container(azurite, vault, "leak-dst", "racwdl", later);
            StorageContainer readOnly = container(azurite, vault, "leak-src", "rl", later);
            StorageContainer expired = container(azurite, vault, "leak-src", "racwl",
                    OffsetDateTime.now().minusMinutes(1));
            StorageContainer missing = container(azurite, vault, "leak-none", "rl", later);
            azurite.serviceClient().deleteBlobContainer("leak-none");

            try (BlobStore src = factory.open(source, secrets); BlobStore dst = factory.open(target, secrets);
                 BlobStore ro = factory.open(readOnly, secrets); BlobStore old = factory.open(expired, secrets);
                 BlobStore gone = factory.open(missing, secrets)) {
                Map<String, String> metadata = Map.of("category", "acr-transfer-blob", "catalogdigest", "sha256:"
                        + "0".repeat(64));
                src.preflight(EnumSet.of(StorageAccess.READ, StorageAccess.ADD, StorageAccess.WRITE,
                        StorageAccess.LIST));
                try (BlobUpload upload = src.upload("a.tar", new UploadOptions(false, metadata, 2 << 20))) {
                    upload.output().write(new byte[2 << 20]);
                    upload.commit();
                }
                try (InputStream in = src.read("a.tar", 10, 10)) {
                    assertThat(in.readAllBytes()).hasSize(10);
                }
                src.list();
                src.setMetadata("a.tar", metadata);
                BlobCopier.create().copy(src, "a.tar", dst, "sync.tar", false);
                BlobCopier.builder().serverSide(false).build().copy(src, "a.tar", dst, "streamed.tar", false);
                try (AzureBlobStore asyncTarget = AzureBlobStore.builder(target.uri())
                        .sasToken(secrets.get(target.secretUri()), target.secretUri()).syncCopyLimit(0)
                        .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.HEADERS)).build()) {
                    BlobCopier.create().copy(src, "a.tar", asyncTarget, "async.tar", false);
                }
                BlobClaim claim = src.tryClaim("a.tar", Duration.ofSeconds(15)).orElseThrow();
                attempt(() -> ro.delete("a.tar"));
                claim.close();

                attempt(() -> old.preflight(EnumSet.of(StorageAccess.READ, StorageAccess.LIST)));
                attempt(old::list);
                attempt(() -> ro.preflight(EnumSet.of(StorageAccess.WRITE)));
                attempt(() -> {
                    try (BlobUpload upload = ro.upload("denied.tar", UploadOptions.create())) {
                        upload.output().write(new byte[100]);
                        upload.commit();
                    }
                });
                attempt(() -> gone.preflight(EnumSet.of(StorageAccess.LIST)));
                attempt(() -> ro.read("nothing.tar"));
                attempt(() -> old.read("a.tar").readAllBytes());
                attempt(() -> src.upload("a.tar", UploadOptions.create()));
                attempt(() -> BlobCopier.create().copy(src, "a.tar", dst, "sync.tar", false));
                attempt(() -> BlobCopier.create().copy(old, "a.tar", dst, "other.tar", false));
                attempt(() -> BlobCopier.create().copy(src, "a.tar", ro, "other.tar", false));
            }
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        StringWriter everything = new StringWriter();
        everything.write(captured.toString(StandardCharsets.UTF_8));
        for (Throwable error : errors) {
            error.printStackTrace(new PrintWriter(everything));
            everything.write(String.valueOf(error.getMessage()));
        }
        String text = everything.toString();

        // The capture saw real traffic and real failures: the check below is not vacuous.
        assertThat(errors).hasSize(12);
        assertThat(text).contains("x-ms-version").contains("Copied blob").contains("HTTP 403").contains("expired at");
        assertThat(signatures).hasSize(5);
        for (String sig : signatures) {
            assertThat(text).doesNotContain(sig).doesNotContain(URLDecoder.decode(sig, StandardCharsets.UTF_8));
        }
        Matcher m = UNREDACTED_SIG.matcher(text);
        assertThat(m.find()).as("an unredacted sig= in: %s", m.find(0) ? text.substring(Math.max(0, m.start() - 200),
                Math.min(text.length(), m.end() + 50)) : "").isFalse();
        originalOut.println("Checked " + text.length() + " characters of logs and exceptions for SAS signatures");
    }

    private StorageContainer container(Azurite azurite, KeyVaultStandIn vault, String name, String permissions,
                                       OffsetDateTime expiry) {
        azurite.createContainer(name);
        String sas = azurite.containerSas(name, permissions, expiry);
        Matcher m = Pattern.compile("sig=([^&]+)").matcher(sas);
        assertThat(m.find()).isTrue();
        signatures.add(m.group(1));
        String secretName = name + "-" + permissions + "-" + signatures.size();
        return StorageContainer.of(azurite.containerUri(name), vault.setSecret(secretName, sas));
    }

    private void attempt(ThrowingAction action) {
        try {
            action.run();
        } catch (IOException | RuntimeException e) {
            errors.add(e);
            return;
        }
        throw new AssertionError("Expected a failure");
    }

    @FunctionalInterface
    private interface ThrowingAction {
        void run() throws IOException;
    }
}
