// AzureBlobStore in ManagedIdentity mode: a TokenCredential (the Entra ID stand-in's JWTs) against real Azurite over
// https with --oauth basic; and the message when the identity's token is refused.
package org.ocitransfer.azure.internal.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.copy.BlobCopier;
import org.ocitransfer.azure.copy.CopyMethod;
import org.ocitransfer.azure.copy.CopyResult;
import org.ocitransfer.core.blob.BlobClaim;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.azure.EntraIdStandInCredential;

class ManagedIdentityBlobStoreTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = AzuriteExtension.withOAuth();

    @Test
    void managedIdentityModeWritesReadsListsAndClaimsWithATokenCredential() throws IOException {
        AZURITE.azurite().createContainer("identity");
        EntraIdStandInCredential credential = new EntraIdStandInCredential(AZURITE.certificate(), "tenant-a");
        AzureBlobStoreFactory factory = AzureBlobStoreFactory.builder().credential(credential)
                .httpClient(AZURITE.azurite().httpClient()).build();
        StorageContainer container = StorageContainer.withManagedIdentity(AZURITE.azurite().containerUri("identity"));
        assertThat(factory.supports(container)).isTrue();
        try (BlobStore store = factory.open(container, SecretStores.builtIn())) {
            assertThat(((AzureBlobStore) store).accessMode().name()).isEqualTo("ManagedIdentity");
            store.preflight(EnumSet.of(StorageAccess.READ, StorageAccess.ADD, StorageAccess.WRITE,
                    StorageAccess.LIST));
            try (BlobUpload upload = store.upload("mi.tar", new UploadOptions(false,
                    Map.of("category", "acr-transfer-blob"), 11))) {
                upload.output().write("hello world".getBytes());
                upload.commit();
            }
            assertThat(store.list()).singleElement()
                    .satisfies(i -> assertThat(i.metadata()).containsEntry("category", "acr-transfer-blob"));
            try (InputStream in = store.read("mi.tar", 6, 5)) {
                assertThat(new String(in.readAllBytes())).isEqualTo("world");
            }
            try (BlobClaim claim = store.tryClaim("mi.tar", Duration.ofSeconds(15)).orElseThrow()) {
                assertThat(claim.blobName()).isEqualTo("mi.tar");
                assertThat(store.delete("mi.tar")).isTrue();
            }
        }
        assertThat(credential.requests()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.scopes()).containsExactly(AzureBlobStore.STORAGE_SCOPE));
    }

    @Test
    void copiesBetweenIdentityContainersServerSideWithTheSourceTokenOrStreamsWhenTooLargeForThat()
            throws IOException {
        AZURITE.azurite().createContainer("mi-src");
        AZURITE.azurite().createContainer("mi-dst");
        EntraIdStandInCredential credential = new EntraIdStandInCredential(AZURITE.certificate(), "tenant-c");
        try (AzureBlobStore src = identityStore("mi-src", credential, AzureBlobStore.DEFAULT_SYNC_COPY_LIMIT);
             AzureBlobStore dst = identityStore("mi-dst", credential, AzureBlobStore.DEFAULT_SYNC_COPY_LIMIT);
             AzureBlobStore dstNoSync = identityStore("mi-dst", credential, 0)) {
            try (BlobUpload upload = src.upload("a.tar", new UploadOptions(false,
                    Map.of("catalogdigest", "sha256:" + "1".repeat(64)), 5))) {
                upload.output().write("abcde".getBytes());
                upload.commit();
            }
            CopyResult sync = BlobCopier.create().copy(src, "a.tar", dst, "sync.tar", false);
            assertThat(sync.method()).isEqualTo(CopyMethod.SERVER_SIDE_SYNC);
            // A start-copy cannot carry the source's token: the copier streams instead.
            CopyResult streamed = BlobCopier.create().copy(src, "a.tar", dstNoSync, "streamed.tar", false);
            assertThat(streamed.method()).isEqualTo(CopyMethod.STREAMED);
            for (String name : new String[] {"sync.tar", "streamed.tar"}) {
                try (InputStream in = dst.read(name)) {
                    assertThat(new String(in.readAllBytes())).isEqualTo("abcde");
                }
                assertThat(dst.properties(name).orElseThrow().metadata()).containsKey("catalogdigest");
            }
        }
    }

    private static AzureBlobStore identityStore(String container, TokenCredential credential, long syncLimit) {
        return AzureBlobStore.builder(AZURITE.azurite().containerUri(container)).credential(credential)
                .httpClient(AZURITE.azurite().httpClient()).syncCopyLimit(syncLimit).build();
    }

    @Test
    void aRefusedTokenIsReportedAsAnIdentityProblem() {
        AZURITE.azurite().createContainer("refused");
        EntraIdStandInCredential issuer = new EntraIdStandInCredential(AZURITE.certificate(), "tenant-b");
        // A token for another audience: the storage service refuses it.
        TokenCredential wrongAudience = new TokenCredential() {
            @Override
            public reactor.core.publisher.Mono<com.azure.core.credential.AccessToken> getToken(
                    TokenRequestContext request) {
                return reactor.core.publisher.Mono.fromCallable(() -> getTokenSync(request));
            }

            @Override
            public com.azure.core.credential.AccessToken getTokenSync(TokenRequestContext request) {
                return issuer.getTokenSync(new TokenRequestContext().addScopes("https://vault.azure.net/.default"));
            }
        };
        try (AzureBlobStore store = AzureBlobStore.builder(AZURITE.azurite().containerUri("refused"))
                .credential(wrongAudience).httpClient(AZURITE.azurite().httpClient()).build()) {
            assertThatThrownBy(() -> store.preflight(EnumSet.of(StorageAccess.LIST)))
                    .isInstanceOf(BlobStoreException.class)
                    .hasMessageContaining("Storage container " + store.location() + " refused listing blobs")
                    .hasMessageContaining("the identity's token was not accepted");
        }
    }
}
