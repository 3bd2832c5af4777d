// The source trigger and a part set landing part by part in random order, on a local directory container.
package org.ocitransfer.testkit.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStore;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;
import org.ocitransfer.testkit.random.Seeds;

/**
 * A part set exported elsewhere lands in the watched container one part at a time, in random order (its first part
 * before its last): no poll starts anything until every part is there; then one poll starts one import of the set,
 * which succeeds, and later polls start nothing.
 */
class PartSetTriggerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aPartSetLandingPartByPartInRandomOrderIsImportedOnceWhenWhole() throws Exception {
        try (LocalTriggerFixture f = new LocalTriggerFixture(dir, Set.of())) {
            f.land("seed.tar"); // the image app:seed, and an archive the watcher imports first
            TransferClient client = f.newClient();
            SourceTriggerWatcher watcher = f.track(f.watcher().build());
            assertThat(watcher.pollOnce()).hasSize(1);
            assertThat(watcher.awaitIdle(WAIT)).isTrue();

            // The same image exported elsewhere as parts of 1 KiB.
            Path staging = Files.createDirectories(dir.resolve("staging"));
            ExportPipeline exporter = client.getExportPipeline(TriggerFixture.EXPORTER);
            client.createOrUpdateExportPipeline(new ExportPipeline("partexporter", exporter.registry(),
                    StorageContainer.of(staging.toUri()), Set.of()).withMaxPartSize(1024L));
            PipelineRun exported = client.createOrUpdatePipelineRun("exportparts", PipelineRunRequest.export(
                    "partexporter", "bundle.tar", List.of("app:seed")), null);
            assertThat(exported.status()).as(exported.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);

            try (BlobStore from = LocalDirectoryBlobStore.open(staging);
                 BlobStore into = LocalDirectoryBlobStore.open(f.container)) {
                List<BlobItem> parts = new ArrayList<>(from.list());
                assertThat(parts).hasSizeGreaterThan(3).allMatch(p -> p.name().startsWith("bundle.tar.0"));
                Collections.shuffle(parts, new Random(Seeds.seed(16)));
                if (parts.get(parts.size() - 1).name().endsWith(".001")) {
                    Collections.swap(parts, 0, parts.size() - 1);
                }
                for (int i = 0; i < parts.size(); i++) {
                    land(from, parts.get(i), into);
                    List<String> started = watcher.pollOnce();
                    if (i < parts.size() - 1) {
                        assertThat(started).as("runs started with %d of %d parts landed", i + 1, parts.size())
                                .isEmpty();
                    } else {
                        assertThat(started).as("runs started once every part landed").hasSize(1);
                    }
                }
            }
            assertThat(watcher.awaitIdle(WAIT)).isTrue();
            for (int i = 0; i < 3; i++) {
                assertThat(watcher.pollOnce()).as("poll %d after the import", i).isEmpty();
            }
            List<PipelineRun> runs = TriggerFixture.runsOf(client, "bundle.tar");
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).status()).as(runs.get(0).response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertThat(runs.get(0).response().importedArtifacts()).containsExactly("app:seed");
            assertThat(runs.get(0).response().catalogDigest()).isEqualTo(exported.response().catalogDigest());
            assertThat(TriggerFixture.importRuns(client)).hasSize(2); // seed.tar's, and the set's: no part's own
            assertThat(f.totalStarts()).isEqualTo(2);
        }
    }

    /** Copies one part into the watched container, with its metadata, as a blob copy would. */
    private static void land(BlobStore from, BlobItem part, BlobStore into) throws Exception {
        try (InputStream in = from.read(part.name());
             BlobUpload upload = into.upload(part.name(), new UploadOptions(false, part.metadata(), part.size()))) {
            in.transferTo(upload.output());
            upload.commit();
        }
    }
}
