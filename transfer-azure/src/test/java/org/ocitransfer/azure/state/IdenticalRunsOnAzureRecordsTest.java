// Replicas sharing an Azure record container create the identical run at once: it executes once, all get its outcome.
package org.ocitransfer.azure.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.secret.Secret;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.random.Seeds;

/**
 * Four clients, each with its own {@link AzureBlobRecordStore} on one Azurite container (as four replicas of a
 * service would be), create the identical export run at the same moment: the store's conditional create lets one of
 * them execute it, and each of the four returns that run's outcome.
 */
class IdenticalRunsOnAzureRecordsTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final int REPLICAS = 4;

    @TempDir
    Path dir;

    @Test
    void theIdenticalRunCreatedByFourReplicasAtOnceExecutesOnce() throws Exception {
        Azurite azurite = AZURITE.azurite();
        azurite.createContainer("samerecords");
        String sas = azurite.containerSas("samerecords", "racwdl", OffsetDateTime.now().plusHours(1));
        OciLayoutRegistry source = OciLayoutRegistry.open(dir.resolve("source"));
        new ContentGenerator(Seeds.seed(12)).image(3000).pushTo(source.repository("app"), "1");
        StorageContainer archives = StorageContainer.of(Files.createDirectories(dir.resolve("container")).toUri());
        PipelineRunRequest request = PipelineRunRequest.export("exporter", "same.tar", List.of("app:1"));

        List<TransferClient> clients = new ArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(REPLICAS);
        try {
            for (int i = 0; i < REPLICAS; i++) {
                clients.add(new TransferClientBuilder().recordStore(AzureBlobRecordStore.builder(
                        azurite.containerUri("samerecords")).sasToken(new Secret(sas), "memory:sas").build())
                        .buildClient());
            }
            clients.get(0).createOrUpdateExportPipeline(new ExportPipeline("exporter", source.location(), archives,
                    Set.of()));
            AtomicInteger executions = new AtomicInteger();
            CyclicBarrier together = new CyclicBarrier(REPLICAS);
            List<Future<PipelineRun>> outcomes = new ArrayList<>();
            for (TransferClient client : clients) {
                AtomicInteger reports = new AtomicInteger();
                outcomes.add(callers.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    return client.beginCreateOrUpdatePipelineRun("samerun1", request, "same", (name, p) -> {
                        if (reports.getAndIncrement() == 0) {
                            executions.incrementAndGet();
                            try {
                                Thread.sleep(1000); // hold the run while the others' creates arrive
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }).await(Duration.ofSeconds(60));
                }));
            }
            List<PipelineRun> runs = new ArrayList<>();
            for (Future<PipelineRun> outcome : outcomes) {
                runs.add(outcome.get(90, TimeUnit.SECONDS));
            }

            assertThat(executions.get()).as("replicas that executed the run").isEqualTo(1);
            assertThat(runs).allSatisfy(r -> assertThat(r.status()).as(r.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded));
            assertThat(runs).extracting(r -> r.response().startTime()).as("one run").containsOnly(
                    runs.get(0).response().startTime());
            assertThat(clients.get(1).getPipelineRun("samerun1").status()).isEqualTo(RunStatus.Succeeded);
            assertThat(dir.resolve("container/same.tar")).exists();
        } finally {
            callers.shutdownNow();
            clients.forEach(TransferClient::close);
        }
    }
}
