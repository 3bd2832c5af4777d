// The JVM running a transfer is killed (SIGKILL) mid-run: a new client marks the run Failed, and a rerun completes.
package org.ocitransfer.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.assertions.RegistryAssertions;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.proxy.Fault;
import org.ocitransfer.testkit.proxy.FaultProxy;
import org.ocitransfer.testkit.proxy.InjectedFault;
import org.ocitransfer.testkit.registry.RegistryExtension;
import org.ocitransfer.testkit.tools.JavaProcess;

/**
 * A run executes in a separate JVM ({@link RunInChildMain}) with a local state directory; a stall in this test's
 * proxy holds it mid-transfer; the process is killed with SIGKILL. A new client on the same state directory must
 * report the run Failed (never Running), with nothing partial committed (no archive blob; no tag), and a rerun with a
 * new forceUpdateTag must complete: the export writes the same bytes, the import reuses what the killed run had
 * already pushed.
 */
@Timeout(120) // a hang guard, not a performance assertion
class JvmKilledMidRunTest {

    @RegisterExtension
    static RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    RegistryExtension target = RegistryExtension.open();

    @TempDir
    static Path shared;
    static GeneratedArtifact app;
    static GeneratedArtifact multi;

    @TempDir
    Path dir;
    FaultProxy sourceProxy;
    FaultProxy targetProxy;

    @BeforeAll
    static void content() {
        GeneratedArtifact[] pushed = FaultMatrixTest.pushArtifacts(source.registry().url());
        app = pushed[0];
        multi = pushed[1];
    }

    @BeforeEach
    void proxies() {
        sourceProxy = FaultProxy.start(source.registry().host());
        targetProxy = FaultProxy.start(target.registry().host());
    }

    @AfterEach
    void stop() {
        sourceProxy.close();
        targetProxy.close();
    }

    @Test
    void anExportWhoseJvmIsKilledIsMarkedFailedAndARerunWritesTheWholeArchive() throws Exception {
        Path rigDir = dir.resolve("rig");
        InjectedFault stall = sourceProxy.inject(Fault.stallAt(40_000, Duration.ofSeconds(30)).onMethod("GET")
                .onPath(FaultMatrixTest.BLOBS).minBodyBytes(200_000).always());

        killMidRun(rigDir, "export", "exportkilled", stall, () -> { });

        try (TransferRig rig = new TransferRig(rigDir, sourceProxy.url(), targetProxy.url())) {
            PipelineRun recovered = rig.client.getPipelineRun("exportkilled");
            assertThat(recovered.status()).isEqualTo(RunStatus.Failed);
            assertThat(recovered.response().pipelineRunErrorMessage()).contains("interrupted");
            assertThat(rig.noRunLeftGoing()).isTrue();
            assertThat(rig.out.resolve(TransferRig.BLOB)).doesNotExist();

            stall.cancel();
            PipelineRun rerun = rig.export("exportkilled", FaultMatrixTest.ARTIFACTS, "rerun");

            assertThat(rerun.status()).as(rerun.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
            // The catalog names the pipeline, the run and the source URL: a fault-free export with the same ones.
            try (TransferRig clean = new TransferRig(dir.resolve("clean"), sourceProxy.url(), targetProxy.url())) {
                PipelineRun baseline = clean.export("exportkilled", FaultMatrixTest.ARTIFACTS, null);
                assertThat(rerun.response().catalogDigest()).isEqualTo(baseline.response().catalogDigest());
                assertThat(TransferRig.sha256(rig.out.resolve(TransferRig.BLOB)))
                        .isEqualTo(TransferRig.sha256(clean.out.resolve(TransferRig.BLOB)));
            }
        }
    }

    @Test
    void anImportWhoseJvmIsKilledIsMarkedFailedAndARerunReusesWhatArrived() throws Exception {
        Path rigDir = dir.resolve("rig");
        try (TransferRig exporter = new TransferRig(dir.resolve("exporter"), source.registry().url(),
                target.registry().url())) {
            assertThat(exporter.export("forimport", FaultMatrixTest.ARTIFACTS, null).status())
                    .isEqualTo(RunStatus.Succeeded);
            Files.createDirectories(rigDir.resolve("in"));
            Files.copy(exporter.out.resolve(TransferRig.BLOB), rigDir.resolve("in").resolve(TransferRig.BLOB));
        }
        // Uploads into fault/multi hang until the JVM is killed; fault/app's blobs arrive whole meanwhile.
        InjectedFault stall = targetProxy.inject(Fault.stall(Duration.ofSeconds(30)).onMethod("PUT")
                .onPath("/v2/fault/multi/blobs/uploads/.*").always());

        killMidRun(rigDir, "import", "importkilled", stall,
                () -> FaultMatrixTest.awaitArrived(target.registry(), "fault/app", app.blobs()));

        try (TransferRig rig = new TransferRig(rigDir, sourceProxy.url(), targetProxy.url());
             HttpRegistry direct = HttpRegistry.builder().uri(target.registry().url()).build()) {
            PipelineRun recovered = rig.client.getPipelineRun("importkilled");
            assertThat(recovered.status()).isEqualTo(RunStatus.Failed);
            assertThat(recovered.response().pipelineRunErrorMessage()).contains("interrupted");
            assertThat(rig.noRunLeftGoing()).isTrue();
            // Tags move only once every artifact's content arrived: the kill left none.
            RegistryAssertions.assertNoTag(direct.repository("fault/app"), "v1");
            RegistryAssertions.assertNoTag(direct.repository("fault/multi"), "latest");

            stall.cancel();
            PipelineRun rerun = rig.importArchive("importkilled", "rerun");

            assertThat(rerun.status()).as(rerun.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
            assertThat(rig.registries.pushed()).as("what the killed run pushed is reused")
                    .doesNotContainAnyElementsOf(app.blobs().stream().map(Descriptor::digest).toList());
            try (HttpRegistry src = HttpRegistry.builder().uri(source.registry().url()).build()) {
                RegistryAssertions.assertSameGraph(src.repository("fault/app"), "v1", direct.repository("fault/app"),
                        "v1");
                RegistryAssertions.assertSameGraph(src.repository("fault/multi"), "latest",
                        direct.repository("fault/multi"), "latest");
            }
        }
    }

    /** What must have happened before the kill, waited for while the stall holds the child. */
    @FunctionalInterface
    private interface BeforeKill {
        void await() throws InterruptedException;
    }

    /**
     * Starts the run in a child JVM, waits until the stall holds it and {@code beforeKill} is met, and kills the JVM
     * with SIGKILL.
     */
    private void killMidRun(Path rigDir, String kind, String run, InjectedFault stall, BeforeKill beforeKill)
            throws IOException, InterruptedException {
        Path log = dir.resolve(kind + "-child.log");
        Process child = JavaProcess.builder(RunInChildMain.class, List.of("-Xmx128m"), rigDir.toString(), kind,
                sourceProxy.url(), targetProxy.url(), run).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (stall.fired() == 0) {
                assertThat(child.isAlive()).as("the child is still running; its output:%n%s", read(log)).isTrue();
                assertThat(System.nanoTime()).as("the stall fired in time").isLessThan(deadline);
                Thread.sleep(10);
            }
            beforeKill.await();
            assertThat(read(log)).contains("STARTED " + run).doesNotContain("ENDED");
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs in the child
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
