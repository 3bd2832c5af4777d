// Checks the Azurite test kit: it starts the real emulator, makes containers and working SAS tokens, and stops it.
package org.ocitransfer.testkit.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobStorageException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzuriteTest {

    @TempDir
    Path dir;

    @Test
    void startsMakesContainersAndSasTokensAndStopsItsProcessTree() {
        long pid;
        try (Azurite azurite = Azurite.start(dir)) {
            assertThat(azurite.createContainer("kit")).hasToString(azurite.accountUrl() + "/kit");
            String sas = azurite.containerSas("kit", "racwl", OffsetDateTime.now().plusHours(1));
            assertThat(sas).contains("sr=c").contains("sp=racwl").contains("sig=");
            BlobContainerClient viaSas = new BlobContainerClientBuilder()
                    .endpoint(azurite.containerUri("kit").toString()).sasToken(sas).buildClient();
            viaSas.getBlobClient("hello.txt").upload(BinaryData.fromString("hello"));
            assertThat(azurite.containerClient("kit").getBlobClient("hello.txt").downloadContent().toString())
                    .isEqualTo("hello");

            String readOnly = azurite.containerSas("kit", "rl", OffsetDateTime.now().plusHours(1));
            BlobContainerClient viaReadOnly = new BlobContainerClientBuilder()
                    .endpoint(azurite.containerUri("kit").toString()).sasToken(readOnly).buildClient();
            assertThatThrownBy(() -> viaReadOnly.getBlobClient("other.txt").upload(BinaryData.fromString("x")))
                    .isInstanceOf(BlobStorageException.class)
                    .satisfies(e -> assertThat(((BlobStorageException) e).getStatusCode()).isEqualTo(403));
            pid = azurite.pid();
            assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        }
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void runsOverHttpsWithOAuthAcceptingStandInEntraIdTokens() {
        var cert = org.ocitransfer.testkit.tls.SelfSignedCertificate.generate(dir.resolve("tls"), "azurite-test");
        try (Azurite azurite = Azurite.startWithOAuth(dir, cert)) {
            assertThat(azurite.accountUrl()).startsWith("https://127.0.0.1:");
            azurite.createContainer("oauth");
            EntraIdStandInCredential credential = new EntraIdStandInCredential(cert, "tenant-1");
            BlobContainerClient viaToken = new BlobContainerClientBuilder()
                    .endpoint(azurite.containerUri("oauth").toString()).credential(credential)
                    .httpClient(azurite.httpClient()).buildClient();
            viaToken.getBlobClient("t.txt").upload(BinaryData.fromString("token"));
            assertThat(viaToken.getBlobClient("t.txt").downloadContent().toString()).isEqualTo("token");
            assertThat(credential.requests()).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.scopes()).containsExactly("https://storage.azure.com/.default"));
        }
    }
}
