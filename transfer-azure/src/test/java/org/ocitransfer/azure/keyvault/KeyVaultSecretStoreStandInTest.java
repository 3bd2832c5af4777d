// KeyVaultSecretStore driving the real SecretClient against the test kit's Key Vault STAND-IN (TLS, challenge,
// 403/404), and a container's SAS read from it to reach real Azurite.
package org.ocitransfer.azure.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.secret.SecretException;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.azure.EntraIdStandInCredential;
import org.ocitransfer.testkit.azure.KeyVaultStandIn;
import org.ocitransfer.testkit.azure.TestHttpClients;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

class KeyVaultSecretStoreStandInTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    @TempDir
    static Path dir;

    private static SelfSignedCertificate cert;
    private KeyVaultStandIn vault;
    private EntraIdStandInCredential credential;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));

    @BeforeAll
    static void makeCertificate() {
        cert = SelfSignedCertificate.generate(dir, "keyvault-stand-in");
    }

    @BeforeEach
    void startStandIn() {
        vault = KeyVaultStandIn.start(cert);
        credential = new EntraIdStandInCredential(cert, "home-tenant");
    }

    @AfterEach
    void stopStandIn() {
        vault.close();
    }

    private KeyVaultSecretStore store() {
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        return KeyVaultSecretStore.builder(credential).httpClient(TestHttpClients.trusting(cert))
                .disableChallengeResourceVerification().vaultHost(vault.host()).clock(clock).build();
    }

    @Test
    void readsASecretFromTheStandInThroughTheRealSecretClientAndItsChallenge() {
        vault.setSecret("exportsas", "old-value");
        String uri = vault.setSecret("exportsas", "current-value");
        KeyVaultSecretStore store = store();
        assertThat(store.supports(uri)).isTrue();
        assertThat(store.get(uri).reveal()).isEqualTo("current-value");
        assertThat(vault.challenges()).isGreaterThanOrEqualTo(1);
        assertThat(credential.requests()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.scopes()).containsExactly("https://vault.azure.net/.default");
            assertThat(r.tenantId()).isEqualTo(vault.tenant());
        });
    }

    @Test
    void standInReadsAPinnedVersionAndCachesValuesBriefly() {
        vault.setSecret("sas", "v1");
        String v1 = vault.latestVersion("sas");
        vault.setSecret("sas", "v2");
        KeyVaultSecretStore store = store();
        assertThat(store.get(vault.secretUri("sas") + "/" + v1).reveal()).isEqualTo("v1");
        int reads = vault.secretReads();
        assertThat(store.get(vault.secretUri("sas")).reveal()).isEqualTo("v2");
        assertThat(store.get(vault.secretUri("sas")).reveal()).isEqualTo("v2");
        assertThat(vault.secretReads()).isEqualTo(reads + 1);
        vault.setSecret("sas", "v3");
        now.set(now.get().plus(KeyVaultSecretStore.DEFAULT_CACHE_TTL).plusSeconds(1));
        assertThat(store.get(vault.secretUri("sas")).reveal()).isEqualTo("v3");
        assertThat(vault.secretReads()).isEqualTo(reads + 2);
    }

    @Test
    void standIn403SaysTheIdentityLacksGetPermissionAndA404ThatTheSecretIsMissing() {
        vault.setSecret("guarded", "guarded-value-never-shown");
        KeyVaultSecretStore store = store();
        vault.denyAll(true);
        assertThatThrownBy(() -> store.get(vault.secretUri("guarded")))
                .isInstanceOf(SecretException.class)
                .hasMessageStartingWith("The default credential lacks get permission on secrets in 127.0.0.1 (reading secret"
                        + " guarded)")
                .hasMessageContaining("Key Vault Secrets User")
                .hasMessageNotContaining("guarded-value-never-shown");
        vault.denyAll(false);
        assertThatThrownBy(() -> store.get(vault.secretUri("missing")))
                .isInstanceOf(SecretException.class)
                .hasMessageStartingWith("Secret missing not found in 127.0.0.1: create it");
    }

    @Test
    void servesKnownVaultHostsAndRegisteredOnesOnly() {
        KeyVaultSecretStore store = store();
        assertThat(store.supports("https://myvault.vault.azure.net/secrets/sas")).isTrue();
        assertThat(store.supports("https://myvault.vault.usgovcloudapi.net/secrets/sas/0123abcd")).isTrue();
        assertThat(store.supports("https://example.com/secrets/sas")).isFalse();
        assertThat(store.supports("https://myvault.vault.azure.net/keys/k")).isFalse();
        assertThat(store.supports("env:SAS")).isFalse();
        assertThatThrownBy(() -> KeyVaultSecretUri.parse("https://myvault.vault.azure.net/secrets/bad_name"))
                .hasMessageContaining("'bad_name' is not a valid secret name");
    }

    @Test
    void containersSasReadFromTheStandInOpensRealAzurite() throws IOException {
        String container = "kvsas";
        AZURITE.azurite().createContainer(container);
        String secretUri = vault.setSecret("kvsas", AZURITE.azurite().containerSas(container, "racwl",
                OffsetDateTime.now().plusHours(1)));
        SecretStores secrets = SecretStores.builtIn().with(store());
        StorageContainer target = StorageContainer.of(AZURITE.azurite().containerUri(container), secretUri);
        try (BlobStore store = new AzureBlobStoreFactory().open(target, secrets)) {
            store.preflight(EnumSet.of(StorageAccess.READ, StorageAccess.ADD, StorageAccess.WRITE,
                    StorageAccess.LIST));
            try (BlobUpload upload = store.upload("via-keyvault.tar", UploadOptions.create())) {
                upload.output().write(new byte[] {42});
                upload.commit();
            }
        }
        assertThat(AZURITE.azurite().containerClient(container).getBlobClient("via-keyvault.tar").exists()).isTrue();
    }
}
