// The client opens each pipeline's container and signer with the blob store and signer factories and the secrets acting
// as the pipeline's identity (BlobStoreFactory.forIdentity, CatalogSignerFactory.forIdentity, SecretStore.forIdentity),
// and with the defaults for a pipeline without one.
package org.ocitransfer.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreFactory;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStoreFactory;
import org.ocitransfer.core.registry.memory.MemoryRegistry;
import org.ocitransfer.core.secret.Secret;
import org.ocitransfer.core.secret.SecretStore;
import org.ocitransfer.core.signing.ArchiveSignatureException;
import org.ocitransfer.core.signing.CatalogSigner;
import org.ocitransfer.core.signing.CatalogSignerFactory;
import org.ocitransfer.core.trigger.SourceTriggerSupport;

class PipelineIdentityRoutingTest {

    private static final PipelineIdentity A = PipelineIdentity.userAssigned("client-a", null);

    @TempDir
    Path dir;

    @Test
    void eachPipelinesContainerIsOpenedAsItsIdentityWithSecretsReadAsItToo() throws Exception {
        List<String> opened = new CopyOnWriteArrayList<>();
        StorageContainer container = StorageContainer.of(Files.createDirectories(dir.resolve("c")).toUri(),
                "test:sas");
        try (TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                .registry("memory:r", new MemoryRegistry("r"))
                .blobStoreFactory(new RecordingFactory(null, opened)).secretStore(new IdentitySecrets(null))
                .buildClient()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("withidentity", "memory:r", container, Set.of())
                    .withIdentity(A));
            client.createOrUpdateExportPipeline(new ExportPipeline("withoutidentity", "memory:r", container,
                    Set.of()));
            client.createOrUpdateImportPipeline(new ImportPipeline("importsystem", "memory:r", container, Set.of())
                    .withIdentity(PipelineIdentity.systemAssigned()));
            client.createOrUpdatePipelineRun("identityrun1", PipelineRunRequest.export("withidentity", "a.tar",
                    List.of("team/app:1")), null);
            client.createOrUpdatePipelineRun("identityrun2", PipelineRunRequest.export("withoutidentity", "b.tar",
                    List.of("team/app:1")), null);
            client.createOrUpdatePipelineRun("identityrun3", PipelineRunRequest.importBlob("importsystem", "absent.tar"),
                    null);
            try (BlobStore watched = ((SourceTriggerSupport) client).openContainer(container, A)) {
                assertThat(watched).isNotNull();
            }
        }
        assertThat(opened).containsExactly("opened as client-a with the secret of client-a",
                "opened as default with the secret of default",
                "opened as SystemAssigned with the secret of SystemAssigned",
                "opened as client-a with the secret of client-a");
    }

    @Test
    void anExportPipelinesSignerIsOpenedAsItsIdentityWithSecretsReadAsItToo() throws Exception {
        List<String> opened = new CopyOnWriteArrayList<>();
        StorageContainer container = StorageContainer.of(Files.createDirectories(dir.resolve("c")).toUri());
        try (TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                .registry("memory:r", new MemoryRegistry("r")).secretStore(new IdentitySecrets(null))
                .signerFactory(new RecordingSigners(null, opened)).buildClient()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("signedas", "memory:r", container, Set.of())
                    .withIdentity(A).withSigningKeyUri("test:key"));
            client.createOrUpdateExportPipeline(new ExportPipeline("signeddefault", "memory:r", container, Set.of())
                    .withSigningKeyUri("test:key"));
            client.createOrUpdatePipelineRun("signrun1", PipelineRunRequest.export("signedas", "a.tar",
                    List.of("team/app:1")), null);
            client.createOrUpdatePipelineRun("signrun2", PipelineRunRequest.export("signeddefault", "b.tar",
                    List.of("team/app:1")), null);
        }
        assertThat(opened).containsExactly("signer as client-a with the secret of client-a",
                "signer as default with the secret of default");
    }

    private static String name(PipelineIdentity identity) {
        return identity == null ? "default" : identity.clientId() != null ? identity.clientId()
                : identity.type().name();
    }

    /** Secrets whose value says which identity read them. */
    private record IdentitySecrets(PipelineIdentity identity) implements SecretStore {
        @Override
        public boolean supports(String secretUri) {
            return secretUri.startsWith("test:");
        }

        @Override
        public Secret get(String secretUri) {
            return new Secret("the secret of " + name(identity));
        }

        @Override
        public SecretStore forIdentity(PipelineIdentity id) {
            return new IdentitySecrets(id);
        }
    }

    /** Local directories, recording the identity each is opened as and the secret it was given. */
    private record RecordingFactory(PipelineIdentity identity, List<String> opened) implements BlobStoreFactory {
        private static final LocalDirectoryBlobStoreFactory LOCAL = new LocalDirectoryBlobStoreFactory();

        @Override
        public boolean supports(StorageContainer container) {
            return LOCAL.supports(container);
        }

        @Override
        public BlobStore open(StorageContainer container, SecretStore secrets) {
            opened.add("opened as " + name(identity) + " with " + secrets.get(container.secretUri()).reveal());
            return LOCAL.open(container, secrets);
        }

        @Override
        public BlobStoreFactory forIdentity(PipelineIdentity id) {
            return new RecordingFactory(id, opened);
        }
    }

    /** Signers recording the identity each is opened as and the secret it was given; they never sign. */
    private record RecordingSigners(PipelineIdentity identity, List<String> opened) implements CatalogSignerFactory {
        @Override
        public boolean supports(String keyUri) {
            return keyUri.equals("test:key");
        }

        @Override
        public CatalogSigner open(String keyUri, SecretStore secrets) {
            opened.add("signer as " + name(identity) + " with " + secrets.get(keyUri).reveal());
            return new CatalogSigner() {
                @Override
                public byte[] sign(byte[] catalogSha256) {
                    throw new ArchiveSignatureException("This test's signer does not sign",
                            org.ocitransfer.api.ErrorCategory.INVALID_INPUT);
                }

                @Override
                public String describe() {
                    return keyUri;
                }
            };
        }

        @Override
        public CatalogSignerFactory forIdentity(PipelineIdentity id) {
            return new RecordingSigners(id, opened);
        }
    }
}
