// AzureBlobStore against a real Azurite in SasToken mode: staged upload and commit, reads, list, metadata, leases,
// overwrite refusal, preflight failures and the 403/404 messages.
package org.ocitransfer.azure.internal.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.common.sas.SasProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobClaim;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.secret.MemorySecretStore;
import org.ocitransfer.core.secret.Secret;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.random.Seeds;

class AzureBlobStoreTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final Set<StorageAccess> EXPORT = EnumSet.of(StorageAccess.READ, StorageAccess.ADD,
            StorageAccess.WRITE, StorageAccess.LIST);
    private static String newContainer() {
        return AZURITE.azurite().newContainer("store");
    }

    private static AzureBlobStore store(String container, String permissions) {
        Azurite azurite = AZURITE.azurite();
        String sas = azurite.containerSas(container, permissions, OffsetDateTime.now().plusHours(1));
        return AzureBlobStore.builder(azurite.containerUri(container)).sasToken(new Secret(sas), "memory:sas")
                .blockSize(1 << 20).blocksInFlight(2).build();
    }

    private static byte[] bytes(int size, long seed) {
        return Seeds.bytes(size, seed);
    }

    @Test
    void stagedUploadIsInvisibleUntilCommitThenListedWithMetadataAndReadByRange() throws IOException {
        String container = newContainer();
        byte[] data = bytes((3 << 20) + 12345, 1);
        try (AzureBlobStore store = store(container, "racwdl")) {
            store.preflight(EXPORT);
            Map<String, String> metadata = Map.of("category", "acr-transfer-blob", "catalogdigest", "sha256:abc");
            try (BlobUpload upload = store.upload("run1.tar", new UploadOptions(false, metadata, -1))) {
                OutputStream out = upload.output();
                out.write(data, 0, 1000);
                out.write(data[1000]);
                out.write(data, 1001, data.length - 1001);
                assertThat(store.list()).isEmpty();
                assertThat(store.properties("run1.tar")).isEmpty();
                assertThatThrownBy(() -> store.read("run1.tar")).isInstanceOf(BlobNotFoundException.class);
                upload.commit();
            }
            List<BlobItem> items = store.list();
            assertThat(items).singleElement().satisfies(item -> {
                assertThat(item.name()).isEqualTo("run1.tar");
                assertThat(item.size()).isEqualTo(data.length);
                assertThat(item.metadata()).isEqualTo(metadata);
                assertThat(item.lastModified()).isAfter(Instant.now().minusSeconds(300));
                assertThat(item.etag()).isNotBlank();
            });
            try (InputStream in = store.read("run1.tar")) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            try (InputStream in = store.read("run1.tar", (2 << 20) - 10, 100)) {
                byte[] expected = new byte[100];
                System.arraycopy(data, (2 << 20) - 10, expected, 0, 100);
                assertThat(in.readAllBytes()).isEqualTo(expected);
            }
            try (InputStream in = store.read("run1.tar", 5, 0)) {
                assertThat(in.readAllBytes()).isEmpty();
            }
            // Four blocks of 1 MiB (the last shorter), ids of one length, and the whole blob's MD5.
            var blocks = AZURITE.azurite().containerClient(container).getBlobClient("run1.tar").getBlockBlobClient()
                    .listBlocks(BlockListType.COMMITTED).getCommittedBlocks();
            assertThat(blocks).hasSize(4);
            assertThat(blocks).extracting(b -> b.getName().length()).containsOnly(blocks.get(0).getName().length());
            byte[] md5 = AZURITE.azurite().containerClient(container).getBlobClient("run1.tar").getProperties()
                    .getContentMd5();
            assertThat(Base64.getEncoder().encodeToString(md5)).isEqualTo(Base64.getEncoder().encodeToString(
                    md5Of(data)));
        }
    }

    @Test
    void closingWithoutCommitLeavesNothingAndAnEmptyBlobCanBeCommitted() throws IOException {
        String container = newContainer();
        try (AzureBlobStore store = store(container, "racwdl")) {
            try (BlobUpload upload = store.upload("abandoned.tar", UploadOptions.create())) {
                upload.output().write(bytes((1 << 20) + 5, 2));
            }
            assertThat(store.list()).isEmpty();
            assertThat(AZURITE.azurite().containerClient(container).getBlobClient("abandoned.tar").exists()).isFalse();
            try (BlobUpload upload = store.upload("empty.tar", UploadOptions.create())) {
                upload.commit();
            }
            assertThat(store.properties("empty.tar")).hasValueSatisfying(i -> assertThat(i.size()).isZero());
        }
    }

    @Test
    void withoutOverwriteAnExistingBlobIsRefusedAtStartAndAtCommitAndKeptAsItWas() throws IOException {
        String container = newContainer();
        var admin = AZURITE.azurite().containerClient(container);
        admin.getBlobClient("old.tar").upload(BinaryData.fromString("the old blob"));
        try (AzureBlobStore store = store(container, "racwdl")) {
            assertThatThrownBy(() -> store.upload("old.tar", UploadOptions.create()))
                    .isInstanceOf(BlobAlreadyExistsException.class)
                    .hasMessageContaining("'old.tar' already exists in container " + store.location())
                    .hasMessageContaining("left untouched");

            BlobUpload upload = store.upload("race.tar", UploadOptions.create());
            upload.output().write(bytes(5000, 3));
            admin.getBlobClient("race.tar").upload(BinaryData.fromString("written meanwhile"));
            assertThatThrownBy(upload::commit).isInstanceOf(BlobAlreadyExistsException.class)
                    .hasMessageContaining("'race.tar' already exists");
            upload.close();
            assertThat(admin.getBlobClient("race.tar").downloadContent().toString()).isEqualTo("written meanwhile");
            assertThat(admin.getBlobClient("old.tar").downloadContent().toString()).isEqualTo("the old blob");

            try (BlobUpload replace = store.upload("old.tar", new UploadOptions(true, Map.of(), 3))) {
                replace.output().write(new byte[] {1, 2, 3});
                replace.commit();
            }
            assertThat(admin.getBlobClient("old.tar").downloadContent().toBytes()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void setsMetadataAndDeletes() {
        String container = newContainer();
        AZURITE.azurite().containerClient(container).getBlobClient("m.tar").upload(BinaryData.fromString("m"));
        try (AzureBlobStore store = store(container, "racwdl")) {
            store.setMetadata("m.tar", Map.of("catalogdigest", "sha256:def"));
            assertThat(store.properties("m.tar").orElseThrow().metadata()).containsEntry("catalogdigest", "sha256:def");
            assertThatThrownBy(() -> store.setMetadata("missing.tar", Map.of("a", "b")))
                    .isInstanceOf(BlobNotFoundException.class).hasMessageContaining("'missing.tar'");
            assertThat(store.delete("m.tar")).isTrue();
            assertThat(store.delete("m.tar")).isFalse();
            assertThat(store.list()).isEmpty();
        }
    }

    @Test
    void claimsAreExclusiveLeasesThatTheHolderCanWriteThroughAndRelease() {
        String container = newContainer();
        AZURITE.azurite().containerClient(container).getBlobClient("c.tar").upload(BinaryData.fromString("c"));
        try (AzureBlobStore holder = store(container, "racwdl"); AzureBlobStore other = store(container, "racwdl")) {
            Optional<BlobClaim> claim = holder.tryClaim("c.tar", Duration.ofSeconds(20));
            assertThat(claim).isPresent();
            assertThat(claim.get().blobName()).isEqualTo("c.tar");
            assertThat(claim.get().expiresAt()).isBetween(Instant.now().plusSeconds(10), Instant.now().plusSeconds(25));
            assertThat(other.tryClaim("c.tar", Duration.ofSeconds(20))).isEmpty();
            assertThatThrownBy(() -> other.setMetadata("c.tar", Map.of("a", "b")))
                    .isInstanceOf(BlobStoreException.class).hasMessageContaining(other.location())
                    .hasMessageContaining("leased (claimed) by another process");
            holder.setMetadata("c.tar", Map.of("claimed", "yes"));
            assertThat(claim.get().renew(Duration.ofSeconds(120))).isTrue();
            assertThat(claim.get().expiresAt()).isAfter(Instant.now().plusSeconds(100));
            claim.get().close();
            Optional<BlobClaim> second = other.tryClaim("c.tar", Duration.ofSeconds(15));
            assertThat(second).isPresent();
            assertThat(claim.get().renew(Duration.ofSeconds(15))).isFalse();
            assertThat(other.delete("c.tar")).isTrue();
            second.get().close();
            assertThatThrownBy(() -> holder.tryClaim("absent.tar", Duration.ofSeconds(15)))
                    .isInstanceOf(BlobNotFoundException.class);
        }
    }

    @Test
    void preflightFailsFastOnAnExpiredSasOrOneWithoutWriteAndNothingIsWritten() {
        String container = newContainer();
        Azurite azurite = AZURITE.azurite();
        String expired = azurite.containerSas(container, "racwl", OffsetDateTime.now().minusMinutes(5));
        try (AzureBlobStore store = AzureBlobStore.builder(azurite.containerUri(container))
                .sasToken(new Secret(expired), "https://vault.vault.azure.net/secrets/exportsas").build()) {
            assertThatThrownBy(() -> store.preflight(EXPORT)).isInstanceOf(BlobStoreException.class)
                    .hasMessageStartingWith("Preflight failed for storage container " + store.location()
                            + ": the SAS token from https://vault.vault.azure.net/secrets/exportsas cannot be used: it"
                            + " expired at ")
                    .hasMessageContaining("sp=rawl");
        }
        String noWrite = azurite.containerSas(container, "racl", OffsetDateTime.now().plusHours(1));
        try (AzureBlobStore store = AzureBlobStore.builder(azurite.containerUri(container))
                .sasToken(new Secret(noWrite), "env:EXPORT_SAS").build()) {
            assertThatThrownBy(() -> store.preflight(EXPORT))
                    .hasMessageContaining("it lacks permission w (write) (it has sp=racl; this run needs rawl)")
                    .hasMessageContaining("store it in env:EXPORT_SAS");
        }
        String notYet = azurite.containerSas(container, "rl", OffsetDateTime.now().plusHours(1),
                OffsetDateTime.now().plusHours(2), SasProtocol.HTTPS_HTTP);
        try (AzureBlobStore store = AzureBlobStore.builder(azurite.containerUri(container))
                .sasToken(new Secret(notYet), "env:IMPORT_SAS").build()) {
            assertThatThrownBy(() -> store.preflight(EnumSet.of(StorageAccess.READ, StorageAccess.LIST)))
                    .hasMessageContaining("it is not yet valid until ");
        }
        assertThat(azurite.containerClient(container).listBlobs()).isEmpty();
    }

    @Test
    void mapsStorage403And404ToMessagesNamingTheContainerAndTheCause() {
        Azurite azurite = AZURITE.azurite();
        String container = newContainer();
        try (AzureBlobStore readOnly = store(container, "rl")) {
            readOnly.preflight(EnumSet.of(StorageAccess.READ, StorageAccess.LIST));
            BlobUpload upload = readOnly.upload("denied.tar", UploadOptions.create());
            assertThatThrownBy(() -> {
                upload.output().write(new byte[10]);
                upload.commit();
            }).isInstanceOf(BlobStoreException.class)
                    .hasMessageContaining("Storage container " + readOnly.location() + " refused ")
                    .hasMessageContaining("HTTP 403")
                    .hasMessageContaining("store it in memory:sas");
            upload.close();
        }
        // A container SAS used for another container.
        String otherContainer = newContainer();
        String sasForOther = azurite.containerSas(otherContainer, "rl", OffsetDateTime.now().plusHours(1));
        try (AzureBlobStore wrong = AzureBlobStore.builder(azurite.containerUri(container))
                .sasToken(new Secret(sasForOther), "env:SAS").build()) {
            assertThatThrownBy(() -> wrong.preflight(EnumSet.of(StorageAccess.LIST)))
                    .isInstanceOf(BlobStoreException.class)
                    .hasMessageContaining("Storage container " + wrong.location() + " refused listing blobs (preflight)"
                            + " (HTTP 403");
        }
        // A container that does not exist.
        String sasForMissing = azurite.containerSas("nosuchcontainer", "rl", OffsetDateTime.now().plusHours(1));
        try (AzureBlobStore missing = AzureBlobStore.builder(azurite.containerUri("nosuchcontainer"))
                .sasToken(new Secret(sasForMissing), "env:SAS").build()) {
            assertThatThrownBy(() -> missing.preflight(EnumSet.of(StorageAccess.LIST)))
                    .hasMessageContaining("Storage container " + missing.location())
                    .hasMessageContaining("HTTP 404 ContainerNotFound")
                    .hasMessageContaining("the container does not exist: create it, or fix the container URI");
        }
        try (AzureBlobStore store = store(container, "rl")) {
            assertThatThrownBy(() -> store.read("nothing.tar")).isInstanceOf(BlobNotFoundException.class)
                    .hasMessageContaining("Blob 'nothing.tar' does not exist in container " + store.location());
        }
    }

    @Test
    void factoryOpensSasContainersThroughTheSecretStoreAndExplainsMissingPieces() {
        Azurite azurite = AZURITE.azurite();
        String container = newContainer();
        MemorySecretStore secrets = new MemorySecretStore();
        String secretUri = secrets.put("sas", azurite.containerSas(container, "racwl",
                OffsetDateTime.now().plusHours(1)));
        AzureBlobStoreFactory factory = new AzureBlobStoreFactory();
        URI uri = azurite.containerUri(container);
        assertThat(factory.supports(StorageContainer.of(uri, secretUri))).isTrue();
        assertThat(factory.supports(StorageContainer.of(URI.create("file:///tmp/x")))).isFalse();
        try (BlobStore store = factory.open(StorageContainer.of(uri, secretUri), secrets)) {
            store.preflight(EXPORT);
            assertThat(store.location()).isEqualTo(uri.toString()).doesNotContain("sig=");
            assertThat(store.blobUri("a b.tar")).startsWith(uri + "/a").doesNotContain("sig=");
        }
        assertThatThrownBy(() -> factory.open(StorageContainer.withManagedIdentity(uri), secrets))
                .isInstanceOf(BlobStoreException.class).hasMessageContaining("no TokenCredential was given");
        assertThatThrownBy(() -> factory.open(StorageContainer.of(uri), secrets))
                .isInstanceOf(BlobStoreException.class).hasMessageContaining("names no secret URI");
        String notSas = secrets.put("password", "hunter2-is-not-a-sas");
        assertThatThrownBy(() -> factory.open(StorageContainer.of(uri, notSas), secrets))
                .isInstanceOf(BlobStoreException.class).hasMessageContaining("does not hold a SAS token")
                .hasMessageNotContaining("hunter2");
    }

    private static byte[] md5Of(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("MD5").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
