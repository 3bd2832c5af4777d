// Faults between the client and real Azurite, end to end through runs: a restart mid-upload, resets, 503s, a 403.
package org.ocitransfer.azure.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunOperation;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;
import org.ocitransfer.core.registry.http.RetryPolicy;
import org.ocitransfer.core.registry.http.Timeouts;
import org.ocitransfer.core.secret.MemorySecretStore;
import org.ocitransfer.testkit.assertions.RegistryAssertions;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.proxy.Fault;
import org.ocitransfer.testkit.proxy.FaultProxy;
import org.ocitransfer.testkit.proxy.InjectedFault;
import org.ocitransfer.testkit.registry.RegistryExtension;
import org.ocitransfer.testkit.random.Seeds;

/**
 * The kit's {@link FaultProxy} between the client's Azure blob store and real Azurite (data on disk, restartable on
 * the same port), with real registries on both ends, each fault through a whole run:
 * <ul>
 *   <li>Azurite restarted while the export stages its blocks (1 MiB blocks, one at a time, the restart between two
 *       of them): the archive blob is either committed whole (the same bytes as a fault-free export) or not at all,
 *       the run never stays Running, and a rerun completes;</li>
 *   <li>a connection reset at a random byte while the import reads the archive, and a 503 from storage while the
 *       export stages a block: retried, the run succeeds with identical digests;</li>
 *   <li>storage refusing the writes (403, permanent): the export fails naming the artifact, the operation and the
 *       target container, and commits nothing.</li>
 * </ul>
 */
@Timeout(180) // a hang guard per test, not a performance assertion
class AzureFaultsTest {

    static final List<String> ARTIFACTS = List.of("fault/app:v1", "fault/multi:latest");
    static final String BLOB = "bundle.tar";
    static final AtomicInteger CONTAINERS = new AtomicInteger();

    @RegisterExtension
    static RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    RegistryExtension target = RegistryExtension.open();

    @TempDir
    static Path shared;
    static RestartableAzurite azurite;
    static GeneratedArtifact app;
    static GeneratedArtifact multi;

    @TempDir
    Path dir;
    String container;
    FaultProxy storageProxy;
    TransferClient client;

    @BeforeAll
    static void start() {
        ContentGenerator gen = new ContentGenerator(Seeds.seed(77));
        app = gen.image(600_000, 900_000);
        multi = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 300_000);
        try (HttpRegistry registry = HttpRegistry.builder().uri(source.registry().url()).build()) {
            app.pushTo(registry.repository("fault/app"), "v1");
            multi.pushTo(registry.repository("fault/multi"), "latest");
        }
        azurite = new RestartableAzurite(shared.resolve("azurite"));
    }

    @AfterAll
    static void stopAzurite() {
        azurite.close();
    }

    @BeforeEach
    void rig() {
        container = "faults" + CONTAINERS.incrementAndGet();
        azurite.createContainer(container);
        storageProxy = FaultProxy.builder().target(azurite.host()).seed(5).start();
        client = client(dir.resolve("state"), storageProxy.host());
    }

    @AfterEach
    void stop() {
        client.close();
        storageProxy.close();
    }

    /** A client whose pipelines reach the container through {@code storageHost} (the proxy, or Azurite). */
    private TransferClient client(Path state, String storageHost) {
        MemorySecretStore secrets = new MemorySecretStore();
        TransferClient c = new TransferClientBuilder().stateDirectory(state)
                .registryFactory(new HttpRegistryFactory(b -> b.credentials(CredentialProvider.ANONYMOUS)
                        .timeouts(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(2)))
                        .retry(new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2)))))
                .blobStoreFactory(AzureBlobStoreFactory.builder().blockSize(1 << 20).blocksInFlight(1).build())
                .secretStore(secrets).buildClient();
        StorageContainer storage = StorageContainer.of(RestartableAzurite.containerUri(storageHost, container),
                secrets.put("sas", azurite.containerSas(container, "racwdl")));
        c.createOrUpdateExportPipeline(new ExportPipeline("azureexport", source.registry().url(), storage, Set.of()));
        c.createOrUpdateImportPipeline(new ImportPipeline("azureimport", target.registry().url(), storage, Set.of()));
        return c;
    }

    @Test
    void azuriteRestartedMidUploadCommitsTheArchiveWholeOrNotAtAllAndARerunCompletes() throws Exception {
        InjectedFault stall = storageProxy.inject(Fault.stall(Duration.ofSeconds(3)).onMethod("PUT")
                .onPath("/devstoreaccount1/" + container + "/" + BLOB));
        RunOperation operation = client.beginCreateOrUpdatePipelineRun("exportrestart",
                PipelineRunRequest.export("azureexport", BLOB, ARTIFACTS), null, null);
        awaitFired(stall); // block 0 is staged; its answer is held while Azurite restarts
        azurite.restart();
        PipelineRun run = operation.await(Duration.ofSeconds(150));

        assertThat(run.status()).as("never left Running").isIn(RunStatus.Succeeded, RunStatus.Failed);
        String expected = faultFreeArchiveSha("exportrestart");
        if (run.status() == RunStatus.Failed) {
            System.out.println("Azurite restart mid-upload: the export failed: " + run.response()
                    .pipelineRunErrorMessage());
            assertThat(run.response().pipelineRunErrorMessage()).contains(container).contains("(target)");
            assertThat(azurite.blobs(container)).as("nothing partial committed").doesNotContain(BLOB);
            run = client.createOrUpdatePipelineRun("exportrestart", PipelineRunRequest.export("azureexport", BLOB,
                    ARTIFACTS), "rerun");
            assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
        } else {
            System.out.println("Azurite restart mid-upload: the export was retried through the restart and succeeded");
        }
        assertThat(committedSha(BLOB)).as("the archive committed is whole").isEqualTo(expected);
    }

    @Test
    void aResetAtARandomByteWhileTheImportReadsTheArchiveIsRetried() {
        PipelineRun exported = client.createOrUpdatePipelineRun("exportforimport",
                PipelineRunRequest.export("azureexport", BLOB, ARTIFACTS), null);
        assertThat(exported.status()).as(exported.response().pipelineRunErrorMessage())
                .isEqualTo(RunStatus.Succeeded);
        InjectedFault reset = storageProxy.inject(Fault.resetAtRandomByte().onMethod("GET")
                .onPath("/devstoreaccount1/" + container + "/" + BLOB).minBodyBytes(200_000));

        PipelineRun imported = client.createOrUpdatePipelineRun("importreset",
                PipelineRunRequest.importBlob("azureimport", BLOB), null);

        assertThat(reset.fired()).as("the reset fired").isEqualTo(1);
        assertThat(imported.status()).as(imported.response().pipelineRunErrorMessage())
                .isEqualTo(RunStatus.Succeeded);
        assertThat(imported.response().catalogDigest()).isEqualTo(exported.response().catalogDigest());
        try (HttpRegistry src = HttpRegistry.builder().uri(source.registry().url()).build();
             HttpRegistry dst = HttpRegistry.builder().uri(target.registry().url()).build()) {
            RegistryAssertions.assertSameGraph(src.repository("fault/app"), "v1", dst.repository("fault/app"), "v1");
            RegistryAssertions.assertSameGraph(src.repository("fault/multi"), "latest", dst.repository("fault/multi"),
                    "latest");
        }
    }

    @Test
    void a503FromStorageWhileStagingIsRetriedAndTheArchiveIsIdentical() throws IOException {
        InjectedFault unavailable = storageProxy.inject(Fault.serviceUnavailable().onMethod("PUT")
                .onPath("/devstoreaccount1/" + container + "/" + BLOB));

        PipelineRun run = client.createOrUpdatePipelineRun("export503", PipelineRunRequest.export("azureexport", BLOB,
                ARTIFACTS), null);

        assertThat(unavailable.fired()).isEqualTo(1);
        assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
        assertThat(committedSha(BLOB)).isEqualTo(faultFreeArchiveSha("export503"));
    }

    @Test
    void storageRefusingTheWritesFailsTheExportNamingTheTargetAndCommitsNothing() {
        storageProxy.inject(Fault.status(403).onMethod("PUT").onPath("/devstoreaccount1/" + container + "/" + BLOB)
                .always());

        PipelineRun run = client.createOrUpdatePipelineRun("export403", PipelineRunRequest.export("azureexport", BLOB,
                ARTIFACTS), null);

        assertThat(run.status()).isEqualTo(RunStatus.Failed);
        // Regions are written in parallel: the first refused write is a blob's (naming its artifact) or the header's.
        assertThat(run.response().pipelineRunErrorMessage()).contains("writing").contains("(target)")
                .contains(container).containsAnyOf("of artifact fault/", "the archive header");
        assertThat(azurite.blobs(container)).doesNotContain(BLOB);
        assertThat(client.listPipelineRuns()).allMatch(r -> r.status().isTerminal());
    }

    // ---------------------------------------------------------------- helpers

    /** The sha256 of an export without faults by the same pipeline and run name (the catalog names both). */
    private String faultFreeArchiveSha(String runName) {
        String reference = "ref" + CONTAINERS.incrementAndGet();
        azurite.createContainer(reference);
        String original = container;
        container = reference;
        try (TransferClient clean = client(dir.resolve("clean-state"), azurite.host())) {
            PipelineRun run = clean.createOrUpdatePipelineRun(runName, PipelineRunRequest.export("azureexport", BLOB,
                    ARTIFACTS), null);
            assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
            return committedSha(BLOB);
        } finally {
            container = original;
        }
    }

    private String committedSha(String blob) {
        java.security.MessageDigest md = Digest.newSha256();
        try (InputStream in = azurite.admin().getBlobContainerClient(container).getBlobClient(blob).openInputStream()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return "sha256:" + java.util.HexFormat.of().formatHex(md.digest());
    }

    private static void awaitFired(InjectedFault fault) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (fault.fired() == 0) {
            assertThat(System.nanoTime()).as("the fault %s fired in time", fault).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
