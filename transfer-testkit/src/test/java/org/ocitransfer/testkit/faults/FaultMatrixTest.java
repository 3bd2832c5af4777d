// The fault matrix: transient and permanent faults between the client and real registries, end to end through runs.
package org.ocitransfer.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunOperation;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.assertions.RegistryAssertions;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.proxy.Fault;
import org.ocitransfer.testkit.proxy.FaultProxy;
import org.ocitransfer.testkit.proxy.InjectedFault;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.registry.RegistryExtension;
import org.ocitransfer.testkit.random.Seeds;

/**
 * Faults injected by the kit's {@link FaultProxy} between the client and real Distribution registries (a source
 * shared by the class, an empty target per test), each through a whole export or import run:
 *
 * <ul>
 *   <li>transient faults (a reset at a random byte of a blob, a stall past the read timeout, a stall past the
 *       request time limit, 503 storms, 429 with Retry-After) are retried: the export writes the very bytes a
 *       fault-free export wrote (same archive digest, same catalogDigest), the import leaves the target with the
 *       same graphs as the source;</li>
 *   <li>permanent faults fail the run with a pipelineRunErrorMessage naming the artifact, the operation and the
 *       side; nothing partial is committed (no archive blob, no tag); no run is left Running; a rerun completes,
 *       reusing what already reached the target;</li>
 *   <li>the registry process killed (SIGKILL) mid-export and mid-import, then restarted;</li>
 *   <li>an existing archive blob or target tag is never changed without OverwriteBlobs / OverwriteTags.</li>
 * </ul>
 */
@Timeout(120) // a hang guard per test, not a performance assertion
class FaultMatrixTest {

    static final String BLOBS = "/v2/.+/blobs/sha256:.+";
    static final String UPLOADS = "/v2/.+/blobs/uploads/.*";
    static final String MANIFESTS = "/v2/.+/manifests/.+";
    static final List<String> ARTIFACTS = List.of("fault/app:v1", "fault/multi:latest");

    /**
     * Makes {@link #ARTIFACTS} (an image of two layers and a two-platform index, from the run's seed) and pushes them
     * into the registry at {@code url}; returns them in that order.
     */
    static GeneratedArtifact[] pushArtifacts(String url) {
        ContentGenerator gen = new ContentGenerator(Seeds.seed(2024));
        GeneratedArtifact app = gen.image(150_000, 250_000);
        GeneratedArtifact multi = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 120_000);
        try (HttpRegistry registry = HttpRegistry.builder().uri(url).build()) {
            app.pushTo(registry.repository("fault/app"), "v1");
            multi.pushTo(registry.repository("fault/multi"), "latest");
        }
        return new GeneratedArtifact[] {app, multi};
    }

    @RegisterExtension
    static RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    RegistryExtension target = RegistryExtension.open();

    @TempDir
    static Path shared;
    static Path baselineArchive;
    static String baselineCatalog;
    static GeneratedArtifact app;
    static GeneratedArtifact multi;

    @TempDir
    Path dir;
    FaultProxy sourceProxy;
    FaultProxy targetProxy;
    TransferRig rig;

    @BeforeAll
    static void contentAndBaseline() {
        GeneratedArtifact[] pushed = pushArtifacts(source.registry().url());
        app = pushed[0];
        multi = pushed[1];
        try (TransferRig clean = new TransferRig(shared.resolve("baseline"), source.registry().url(),
                source.registry().url())) {
            PipelineRun run = clean.export("baseline", ARTIFACTS, null);
            assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
            baselineArchive = clean.out.resolve(TransferRig.BLOB);
            baselineCatalog = run.response().catalogDigest();
        }
    }

    @BeforeEach
    void rig() {
        sourceProxy = FaultProxy.builder().target(source.registry().host()).seed(17).start();
        targetProxy = FaultProxy.builder().target(target.registry().host()).seed(17).start();
        rig = new TransferRig(dir.resolve("rig"), sourceProxy.url(), targetProxy.url());
    }

    @AfterEach
    void stop() {
        rig.close();
        sourceProxy.close();
        targetProxy.close();
    }

    // ---------------------------------------------------------------- transient faults

    static Stream<Arguments> transientSourceFaults() {
        return Stream.of(
                named("reset at a random byte of a blob, twice",
                        Fault.resetAtRandomByte().onMethod("GET").onPath(BLOBS).minBodyBytes(100_000).times(2)),
                named("stall past the read timeout inside a blob",
                        Fault.stallAt(40_000, Duration.ofSeconds(3)).onMethod("GET").onPath(BLOBS)),
                named("stall past the request time limit before a manifest answers",
                        Fault.stall(Duration.ofSeconds(3)).onMethod("GET").onPath(MANIFESTS)),
                named("stall past the request time limit before a blob answers",
                        Fault.stall(Duration.ofSeconds(3)).onMethod("GET").onPath(BLOBS)),
                named("503 storm", Fault.serviceUnavailable().times(3)),
                named("429 with Retry-After: 1", Fault.tooManyRequests(1).times(2)));
    }

    @ParameterizedTest(name = "export survives: {0}")
    @MethodSource("transientSourceFaults")
    void aTransientSourceFaultIsRetriedAndTheArchiveIsIdentical(Fault fault) {
        InjectedFault injected = sourceProxy.inject(fault);

        PipelineRun run = rig.export("exportrun", ARTIFACTS, null);

        assertThat(injected.fired()).as("the fault fired").isEqualTo(fault.times());
        assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
        assertSameAsAFaultFreeExport(run);
    }

    static Stream<Arguments> transientTargetFaults() {
        return Stream.of(
                named("reset before a blob upload's answer, twice",
                        Fault.resetBeforeResponse().onMethod("PUT").onPath(UPLOADS).times(2)),
                named("reset before an existence check's answer",
                        Fault.resetBeforeResponse().onMethod("HEAD").times(2)),
                named("stall past the request time limit before a manifest push answers",
                        Fault.stall(Duration.ofSeconds(3)).onMethod("PUT").onPath(MANIFESTS)),
                named("stall past the request time limit before a blob upload answers",
                        Fault.stall(Duration.ofSeconds(3)).onMethod("PUT").onPath(UPLOADS)),
                named("503 storm on upload starts", Fault.serviceUnavailable().onMethod("POST").times(3)),
                named("429 with Retry-After: 1 on manifest pushes",
                        Fault.tooManyRequests(1).onMethod("PUT").onPath(MANIFESTS).times(2)));
    }

    @ParameterizedTest(name = "import survives: {0}")
    @MethodSource("transientTargetFaults")
    void aTransientTargetFaultIsRetriedAndTheTargetHoldsTheSameGraphs(Fault fault) {
        rig.stage(baselineArchive);
        InjectedFault injected = targetProxy.inject(fault);

        PipelineRun run = rig.importArchive("importrun", null);

        assertThat(injected.fired()).as("the fault fired").isEqualTo(fault.times());
        assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
        assertThat(run.response().catalogDigest()).isEqualTo(baselineCatalog);
        assertTargetHoldsEverything();
    }

    // ---------------------------------------------------------------- permanent faults

    @Test
    void aSourceThatKeepsFailingFailsTheExportNamingArtifactOperationAndSideAndARerunCompletes() {
        InjectedFault storm = sourceProxy.inject(Fault.serviceUnavailable().onMethod("GET").onPath(BLOBS).always());

        PipelineRun failed = rig.export("exportfail", ARTIFACTS, null);

        // Each blob in flight is tried maxAttempts times, then the run stops: how many were in flight depends on
        // the pool, so the count lies between one blob's attempts and every blob's.
        assertThat(storm.fired()).isBetween(TransferRig.RETRY.maxAttempts(),
                TransferRig.RETRY.maxAttempts() * distinctBlobs());
        assertThat(failed.status()).isEqualTo(RunStatus.Failed);
        assertThat(failed.response().pipelineRunErrorMessage())
                .containsAnyOf("fault/app:v1", "fault/multi:latest") // the artifact (whichever failed first)
                .contains("reading blob sha256:")                // the operation
                .contains(sourceProxy.url() + " (source)")        // the side
                .contains("HTTP 503");
        assertNothingCommitted();

        storm.cancel();
        PipelineRun rerun = rig.export("exportfail", ARTIFACTS, "again");
        assertThat(rerun.status()).as(rerun.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
        assertSameAsAFaultFreeExport(rerun);
    }

    @Test
    void aSourceManifestThatKeepsFailingNamesTheArtifactAndTheSource() {
        sourceProxy.inject(Fault.serviceUnavailable().onMethod("GET").onPath("/v2/fault/multi/manifests/.+")
                .always());

        PipelineRun failed = rig.export("exportmanifest", ARTIFACTS, null);

        assertThat(failed.status()).isEqualTo(RunStatus.Failed);
        assertThat(failed.response().pipelineRunErrorMessage()).contains("fault/multi:latest")
                .contains("could not be read from " + sourceProxy.url() + " (source)").contains("HTTP 503");
        assertNothingCommitted();
    }

    @Test
    void aTargetThatKeepsFailingFailsTheImportUntaggedAndARerunReusesWhatArrived() {
        rig.stage(baselineArchive);
        InjectedFault storm = targetProxy.inject(Fault.serviceUnavailable().onMethod("PUT").onPath(MANIFESTS)
                .always());

        PipelineRun failed = rig.importArchive("importfail", null);

        assertThat(failed.status()).isEqualTo(RunStatus.Failed);
        assertThat(failed.response().pipelineRunErrorMessage())
                .containsAnyOf("fault/app:v1", "fault/multi:latest")         // the artifact
                .contains("writing manifest sha256:")                        // the operation
                .contains(targetProxy.url() + "/fault/").contains(" (target)") // the side
                .contains("HTTP 503");
        assertThat(rig.noRunLeftGoing()).isTrue();
        Set<String> arrived = new HashSet<>(rig.registries.pushed());
        assertThat(arrived).as("the blobs reached the target before the manifest failed")
                .containsAll(app.blobs().stream().map(Descriptor::digest).toList());
        try (HttpRegistry direct = HttpRegistry.builder().uri(target.registry().url()).build()) {
            RegistryAssertions.assertNoTag(direct.repository("fault/app"), "v1");
            RegistryAssertions.assertNoTag(direct.repository("fault/multi"), "latest");
        }

        storm.cancel();
        rig.registries.reset();
        PipelineRun rerun = rig.importArchive("importfail", "again");

        assertThat(rerun.status()).as(rerun.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
        assertThat(rig.registries.pushed()).as("the rerun pushes nothing that already arrived")
                .doesNotContainAnyElementsOf(arrived);
        assertTargetHoldsEverything();
    }

    // ---------------------------------------------------------------- the registry killed

    @Test
    void theSourceRegistryKilledMidExportFailsTheRunCleanlyAndARerunAfterItsRestartCompletes() throws Exception {
        DistributionRegistry registry = source.registry();
        InjectedFault stall = sourceProxy.inject(Fault.stallAt(40_000, Duration.ofSeconds(4)).onMethod("GET")
                .onPath(BLOBS).minBodyBytes(200_000));
        RunOperation operation = rig.client.beginCreateOrUpdatePipelineRun("exportkill",
                PipelineRunRequest.export(TransferRig.EXPORTER, TransferRig.BLOB, ARTIFACTS), null, null);
        PipelineRun failed;
        try {
            awaitFired(stall);
            registry.kill();
            failed = operation.await(Duration.ofSeconds(60));
        } finally {
            registry.restart();
        }

        assertThat(failed.status()).isEqualTo(RunStatus.Failed);
        assertThat(failed.response().pipelineRunErrorMessage()).containsAnyOf("fault/app:v1", "fault/multi:latest")
                .contains(sourceProxy.url() + " (source)");
        assertNothingCommitted();

        PipelineRun rerun = rig.export("exportkill", ARTIFACTS, "after-restart");
        assertThat(rerun.status()).as(rerun.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
        assertSameAsAFaultFreeExport(rerun);
    }

    @Test
    void theTargetRegistryKilledMidImportLeavesNoDanglingTagAndARerunReusesWhatArrived() throws Exception {
        rig.stage(baselineArchive);
        DistributionRegistry registry = target.registry();
        // The first upload into fault/multi hangs; fault/app's blobs arrive whole meanwhile; then the registry dies.
        InjectedFault stall = targetProxy.inject(Fault.stall(Duration.ofSeconds(4)).onMethod("PUT")
                .onPath("/v2/fault/multi/blobs/uploads/.*"));
        RunOperation operation = rig.client.beginCreateOrUpdatePipelineRun("importkill",
                PipelineRunRequest.importBlob(TransferRig.IMPORTER, TransferRig.BLOB), null, null);
        PipelineRun failed;
        try {
            awaitFired(stall);
            awaitArrived(registry, "fault/app", app.blobs());
            registry.kill();
            failed = operation.await(Duration.ofSeconds(60));
        } finally {
            registry.restart();
        }

        assertThat(failed.status()).isEqualTo(RunStatus.Failed);
        assertThat(failed.response().pipelineRunErrorMessage()).containsAnyOf("fault/app:v1", "fault/multi:latest")
                .contains(targetProxy.url() + "/fault/").contains(" (target)");
        assertThat(rig.noRunLeftGoing()).isTrue();
        try (HttpRegistry direct = HttpRegistry.builder().uri(registry.url()).build()) {
            // Tags move only once every artifact's content arrived: the kill left none.
            RegistryAssertions.assertNoTag(direct.repository("fault/app"), "v1");
            RegistryAssertions.assertNoTag(direct.repository("fault/multi"), "latest");
        }

        rig.registries.reset();
        PipelineRun rerun = rig.importArchive("importkill", "after-restart");

        assertThat(rerun.status()).as(rerun.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
        assertThat(rig.registries.pushed()).as("fault/app's blobs arrived before the kill: the rerun pushes none")
                .doesNotContainAnyElementsOf(app.blobs().stream().map(Descriptor::digest).toList());
        assertTargetHoldsEverything();
    }

    // ---------------------------------------------------------------- what exists is never changed

    @Test
    void anExistingArchiveBlobIsNeverChangedWithoutOverwriteBlobsNorByAFailedOverwrite() throws IOException {
        byte[] old = "an archive that was here first".getBytes(StandardCharsets.UTF_8);
        Files.write(rig.out.resolve(TransferRig.BLOB), old);

        PipelineRun refused = rig.export("exportexisting", ARTIFACTS, null);

        assertThat(refused.status()).isEqualTo(RunStatus.Failed);
        assertThat(refused.response().pipelineRunErrorMessage()).contains(TransferRig.BLOB).contains("OverwriteBlobs");
        assertThat(Files.readAllBytes(rig.out.resolve(TransferRig.BLOB))).isEqualTo(old);

        // With OverwriteBlobs, an export that fails midway leaves the old blob whole.
        try (TransferRig overwriting = new TransferRig(dir.resolve("overwrite"), sourceProxy.url(),
                targetProxy.url(), CredentialProvider.ANONYMOUS, Set.of(PipelineOption.OverwriteBlobs), Set.of())) {
            Files.write(overwriting.out.resolve(TransferRig.BLOB), old);
            sourceProxy.inject(Fault.resetAtRandomByte().onMethod("GET").onPath(BLOBS).always());
            PipelineRun failed = overwriting.export("exportoverwrite", ARTIFACTS, null);

            assertThat(failed.status()).isEqualTo(RunStatus.Failed);
            assertThat(Files.readAllBytes(overwriting.out.resolve(TransferRig.BLOB))).isEqualTo(old);
            assertThat(overwriting.noRunLeftGoing()).isTrue();
        }
    }

    @Test
    void anExistingTargetTagIsNeverMovedWithoutOverwriteTagsEvenUnderFaults() {
        GeneratedArtifact other = new ContentGenerator(Seeds.seed(99)).image(10_000);
        try (HttpRegistry direct = HttpRegistry.builder().uri(target.registry().url()).build()) {
            other.pushTo(direct.repository("fault/app"), "v1");
        }
        rig.stage(baselineArchive);
        targetProxy.inject(Fault.serviceUnavailable().times(3));

        PipelineRun run = rig.importArchive("importtagkept", null);

        assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
        assertThat(run.response().artifactResults()).anySatisfy(r -> {
            assertThat(r.artifact()).isEqualTo("fault/app:v1");
            assertThat(r.status()).isEqualTo(ArtifactResult.Status.TagKept);
        });
        try (HttpRegistry direct = HttpRegistry.builder().uri(target.registry().url()).build()) {
            RegistryAssertions.assertTag(direct.repository("fault/app"), "v1", other.digest());
            assertThat(direct.repository("fault/app").exists(app.root())).as("the content arrived untagged").isTrue();
            RegistryAssertions.assertTag(direct.repository("fault/multi"), "latest", multi.digest());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Arguments named(String name, Fault fault) {
        return Arguments.of(Named.of(name, fault));
    }

    /**
     * The run's archive has the very bytes (and catalogDigest) of an export without faults by the same pipeline, run
     * name and source URL (the catalog names them, so only such an export can be byte-identical).
     */
    private void assertSameAsAFaultFreeExport(PipelineRun run) {
        sourceProxy.clearFaults();
        try (TransferRig clean = new TransferRig(dir.resolve("clean"), sourceProxy.url(), targetProxy.url())) {
            PipelineRun reference = clean.export(run.name(), ARTIFACTS, null);
            assertThat(reference.status()).as(reference.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertThat(run.response().catalogDigest()).isEqualTo(reference.response().catalogDigest());
            assertThat(TransferRig.sha256(rig.out.resolve(TransferRig.BLOB)))
                    .isEqualTo(TransferRig.sha256(clean.out.resolve(TransferRig.BLOB)));
        }
    }

    /** The export wrote nothing visible and left no run going. */
    private void assertNothingCommitted() {
        assertThat(rig.out.resolve(TransferRig.BLOB)).doesNotExist();
        assertThat(rig.noRunLeftGoing()).isTrue();
    }

    /** Every artifact resolves in the target to the source's digest, with the whole graph there and intact. */
    private void assertTargetHoldsEverything() {
        try (HttpRegistry src = HttpRegistry.builder().uri(source.registry().url()).build();
             HttpRegistry dst = HttpRegistry.builder().uri(target.registry().url()).build()) {
            RegistryAssertions.assertSameGraph(src.repository("fault/app"), "v1", dst.repository("fault/app"), "v1");
            RegistryAssertions.assertSameGraph(src.repository("fault/multi"), "latest", dst.repository("fault/multi"),
                    "latest");
        }
    }

    /** Waits until every one of the blobs exists in the registry's repository (the run pushes them meanwhile). */
    static void awaitArrived(DistributionRegistry registry, String repository, List<Descriptor> blobs)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (HttpRegistry direct = HttpRegistry.builder().uri(registry.url()).build()) {
            while (!blobs.stream().allMatch(direct.repository(repository)::exists)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("The blobs " + blobs + " never all arrived in " + repository);
                }
                Thread.sleep(20);
            }
        }
    }

    static int distinctBlobs() {
        return (int) Stream.of(app, multi).flatMap(a -> a.blobs().stream()).map(Descriptor::digest).distinct()
                .count();
    }

    static void awaitFired(InjectedFault fault) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (fault.fired() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The fault " + fault + " never fired");
            }
            Thread.sleep(10);
        }
    }
}
