// The hostile-archive corpus through real import runs: every case refused with a clear error, the target unchanged.
package org.ocitransfer.core.internal.archive.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.testing.Seeds;

/**
 * Each corpus case is written into a local container and imported through the client into an OCI layout directory
 * that already holds another artifact. Each must end Failed (never Running) with a message naming the archive and
 * the defect, within a hang guard, and leave the target's tags, manifests and existing blobs as they were. The valid
 * base archive imports, so each case differs from an accepted archive only by its defect. Layers are never
 * decompressed: a gzip bomb and a layer whose compressed data is garbage import on their digests alone.
 */
class HostileArchiveImportTest {

    static final List<HostileArchives.Case> CASES = HostileArchives.corpus();

    @TempDir
    static Path dir;
    static HostileImport bench;

    @BeforeAll
    static void start() {
        bench = new HostileImport(dir);
    }

    @AfterAll
    static void stop() {
        bench.close();
    }

    /** The small cases; the large ones run in a small heap in {@link HostileArchiveMemoryTest}. */
    static Stream<HostileArchives.Case> corpus() {
        return CASES.stream().filter(c -> !c.large());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    @Timeout(60) // a hang guard, not a performance assertion
    void isRefusedWithAClearErrorAndTheTargetUnchanged(HostileArchives.Case c) throws IOException {
        int n = CASES.indexOf(c);
        String blob = "case" + n + ".tar";
        bench.freshTarget("case" + n);
        HostileImport.Snapshot before = bench.snapshot();

        PipelineRun run = bench.importCase(c, "hostile" + n, blob);

        String message = run.response().pipelineRunErrorMessage();
        assertThat(run.status()).as("status of %s (message: %s)", c, message).isEqualTo(RunStatus.Failed);
        assertThat(message).as("error of %s", c).contains(c.expected()).contains(blob);
        assertThat(run.response().importedArtifacts()).isEmpty();
        assertThat(bench.client.getPipelineRun("hostile" + n).status()).isEqualTo(RunStatus.Failed);
        assertThat(bench.problemsSince(before)).as("target after %s", c).isEmpty();
        assertNoTag(bench.target.repository(HostileArchives.REPOSITORY), HostileArchives.TAG);
        assertThat(bench.target.repository(HostileImport.EXISTING_REPOSITORY).resolve("v1").digest())
                .isEqualTo(bench.existing.digest());
        Files.delete(bench.container.resolve(blob));
    }

    @Test
    void theCorpusHoldsAtLeastThirtyDistinctCases() {
        assertThat(CASES).hasSizeGreaterThanOrEqualTo(30);
        assertThat(CASES.stream().map(HostileArchives.Case::name).distinct()).hasSameSizeAs(CASES);
    }

    @Test
    void theValidBaseArchiveImports(@TempDir Path own) {
        HostileArchives.Case base = new HostileArchives.Case("valid", "", t -> HostileArchives.valid(t, x -> { }),
                null, false);
        try (HostileImport b = new HostileImport(own)) {
            b.freshTarget("base");
            PipelineRun run = b.importCase(base, "hostilebase", "base.tar");

            assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
            assertThat(b.target.repository(HostileArchives.REPOSITORY).resolve(HostileArchives.TAG).digest())
                    .isEqualTo(HostileArchives.MANIFEST.digest());
            assertThat(b.target.repository(HostileImport.EXISTING_REPOSITORY).resolve("v1").digest())
                    .isEqualTo(b.existing.digest());
        }
    }

    /** Issue 12 item 7: regctl's and ctr's exports add manifest.json and repositories for docker load. */
    @Test
    void aLayoutWithDockerLoadsManifestJsonAndRepositoriesImports(@TempDir Path own) {
        HostileArchives.Case export = new HostileArchives.Case("regctl/ctr export", "",
                t -> HostileArchives.valid(t, HostileArchives::dockerLoadFiles), null, false);
        try (HostileImport b = new HostileImport(own)) {
            b.freshTarget("dockerload");
            PipelineRun run = b.importCase(export, "hostiledockerload", "dockerload.tar");

            assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
            assertThat(b.target.repository(HostileArchives.REPOSITORY).resolve(HostileArchives.TAG).digest())
                    .isEqualTo(HostileArchives.MANIFEST.digest());
        }
    }

    @Test
    void aGzipBombLayerImportsOnItsDigestAloneAndIsStoredAsItCame(@TempDir Path own) throws IOException {
        byte[] bomb = GzipBomb.bytes();
        assertThat(expandedSize(bomb)).as("the bomb really expands").isEqualTo(GzipBomb.EXPANDED_BYTES);
        assertThat((long) bomb.length).isLessThan(GzipBomb.EXPANDED_BYTES / 500);
        importsUnchanged(own, bomb);
    }

    @Test
    void aLayerWhoseCompressedDataIsGarbageImportsUnchanged(@TempDir Path own) throws IOException {
        // A gzip header, then bytes that are no deflate stream: decompressing it would fail at once.
        byte[] poisoned = Seeds.bytes(20_000, 5);
        poisoned[0] = 0x1f;
        poisoned[1] = (byte) 0x8b;
        poisoned[2] = 8;
        poisoned[3] = 0;
        assertThatThrownBy(() -> expandedSize(poisoned)).isInstanceOf(IOException.class);
        importsUnchanged(own, poisoned);
    }

    /** Imports an image whose gzip layer has these bytes: it must succeed, storing exactly these bytes. */
    private static void importsUnchanged(Path own, byte[] layerBytes) throws IOException {
        Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layerBytes);
        HostileArchives.Case c = new HostileArchives.Case("gzip layer", "",
                t -> HostileArchives.writeImage(t, layer, layerBytes), null, false);
        try (HostileImport b = new HostileImport(own)) {
            b.freshTarget("gzip");
            PipelineRun run = b.importCase(c, "hostilegzip", "gzip.tar");

            assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
            try (InputStream in = b.target.repository(HostileArchives.REPOSITORY).fetch(layer)) {
                assertThat(in.readAllBytes()).isEqualTo(layerBytes);
            }
        }
    }

    static long expandedSize(byte[] gzip) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzip))) {
            return in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    static void assertNoTag(Repository repository, String tag) {
        assertThatThrownBy(() -> repository.resolve(tag)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.NOT_FOUND));
    }
}
