// The source trigger on real Azurite and a part set copied in part by part, in random order, with
// DeleteSourceBlobOnSuccess: one import once the set is whole, then every part deleted (the leased first one too).
package org.ocitransfer.azure.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.copy.BlobCopier;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.PartSet;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.random.Seeds;
import org.ocitransfer.testkit.trigger.TriggerFixture;

class AzurePartSetTriggerTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void aPartSetCopiedInPartByPartInRandomOrderIsImportedOnceAndThenDeletedWhole() throws Exception {
        try (AzureTriggerFixture f = new AzureTriggerFixture(AZURITE.azurite(), dir,
                Set.of(PipelineOption.DeleteSourceBlobOnSuccess))) {
            f.land("seed.tar"); // the image app:seed, and an archive the watcher imports (and deletes) first
            TransferClient client = f.newClient();
            SourceTriggerWatcher watcher = f.track(f.watcher().build());
            assertThat(watcher.pollOnce()).hasSize(1);
            assertThat(watcher.awaitIdle(WAIT)).isTrue();

            // The same image exported into a staging container as parts of 1 KiB.
            f.azurite.createContainer("staging");
            Path sas = dir.resolve("staging.sas");
            Files.writeString(sas, f.azurite.containerSas("staging", "racwdl", OffsetDateTime.now().plusHours(2)));
            StorageContainer stagingContainer = StorageContainer.of(f.azurite.containerUri("staging"), "file:" + sas);
            ExportPipeline exporter = client.getExportPipeline(TriggerFixture.EXPORTER);
            client.createOrUpdateExportPipeline(new ExportPipeline("partexporter", exporter.registry(),
                    stagingContainer, Set.of()).withMaxPartSize(1024L));
            PipelineRun exported = client.createOrUpdatePipelineRun("exportparts", PipelineRunRequest.export(
                    "partexporter", "bundle.tar", List.of("app:seed")), null);
            assertThat(exported.status()).as(exported.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);

            AzureBlobStoreFactory storage = new AzureBlobStoreFactory();
            try (BlobStore staging = storage.open(stagingContainer, SecretStores.builtIn());
                 BlobStore watched = storage.open(f.archiveContainer, SecretStores.builtIn())) {
                PartSet parts = PartSet.find(staging, "bundle.tar").orElseThrow();
                assertThat(parts.count()).isGreaterThan(3);
                List<Integer> order = new ArrayList<>();
                for (int i = 1; i <= parts.count(); i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new Random(Seeds.seed(17)));
                if (order.get(order.size() - 1) == 1) {
                    Collections.swap(order, 0, order.size() - 1);
                }
                for (int n = 0; n < order.size(); n++) {
                    String part = parts.partName(order.get(n));
                    BlobCopier.create().copy(staging, part, watched, part, false);
                    List<String> started = watcher.pollOnce();
                    assertThat(started).as("runs started with %d of %d parts landed", n + 1, parts.count())
                            .hasSize(n < order.size() - 1 ? 0 : 1);
                }
                assertThat(watcher.awaitIdle(WAIT)).isTrue();
                assertThat(watcher.pollOnce()).isEmpty();
                for (int i = 1; i <= parts.count(); i++) {
                    assertThat(watched.properties(parts.partName(i))).as("%s after the import", parts.partName(i))
                            .isEmpty();
                }
            }
            List<PipelineRun> runs = TriggerFixture.runsOf(client, "bundle.tar");
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).status()).as(runs.get(0).response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertThat(runs.get(0).response().importedArtifacts()).containsExactly("app:seed");
            assertThat(f.totalStarts()).isEqualTo(2);
        }
    }
}
