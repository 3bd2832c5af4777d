// The Azure record store on real Azurite: round trips, ETag preconditions, no lost update under concurrent
// writers, and errors that name the container and never the SAS.
package org.ocitransfer.azure.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.secret.Secret;
import org.ocitransfer.core.state.RecordConflictException;
import org.ocitransfer.core.state.RecordStore;
import org.ocitransfer.core.state.RecordStore.StoredRecord;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;

class AzureBlobRecordStoreTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static String newContainer() {
        return AZURITE.azurite().newContainer("records");
    }

    private static AzureBlobRecordStore store(String container, String permissions) {
        Azurite azurite = AZURITE.azurite();
        String sas = azurite.containerSas(container, permissions, OffsetDateTime.now().plusHours(1));
        return AzureBlobRecordStore.builder(azurite.containerUri(container)).sasToken(new Secret(sas), "memory:state")
                .build();
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recordsRoundTripAndWritesHonourTheirPreconditions() {
        String container = newContainer();
        RecordStore store = store(container, "racwdl");
        assertThat(store.get("pipelineRuns", "runone")).isEmpty();
        assertThat(store.list("pipelineRuns")).isEmpty();

        String v1 = store.put("pipelineRuns", "runone", json("{\"v\":1}"), RecordStore.ABSENT);
        assertThat(v1).isNotBlank();
        StoredRecord read = store.get("pipelineRuns", "runone").orElseThrow();
        assertThat(read.content()).isEqualTo(json("{\"v\":1}"));
        assertThat(read.etag()).isEqualTo(v1);
        assertThatThrownBy(() -> store.put("pipelineRuns", "runone", json("{\"v\":9}"), RecordStore.ABSENT))
                .isInstanceOf(RecordConflictException.class).hasMessageContaining("pipelineRuns/runone");

        String v2 = store.put("pipelineRuns", "runone", json("{\"v\":2}"), v1);
        assertThat(v2).isNotEqualTo(v1);
        assertThatThrownBy(() -> store.put("pipelineRuns", "runone", json("{\"v\":9}"), v1))
                .as("a stale version").isInstanceOf(RecordConflictException.class);
        assertThat(store.get("pipelineRuns", "runone").orElseThrow().content()).isEqualTo(json("{\"v\":2}"));
        String v3 = store.put("pipelineRuns", "runone", json("{\"v\":3}"), null);
        assertThat(v3).isNotEqualTo(v2);
        assertThatThrownBy(() -> store.put("pipelineRuns", "absent", json("{}"), v3))
                .as("a version of a record that does not exist").isInstanceOf(RecordConflictException.class);

        store.put("pipelineRuns", "runtwo", json("{\"v\":1}"), null);
        store.put("importPipelines", "importer", json("{}"), null);
        AZURITE.azurite().containerClient(container).getBlobClient("pipelineRuns/nested/deeper.json")
                .upload(com.azure.core.util.BinaryData.fromString("{}"));
        assertThat(store.list("pipelineRuns")).extracting(StoredRecord::name).containsExactlyInAnyOrder("runone",
                "runtwo");
        assertThat(store.list("importPipelines")).extracting(StoredRecord::name).containsExactly("importer");

        assertThat(store.delete("pipelineRuns", "runone")).isTrue();
        assertThat(store.delete("pipelineRuns", "runone")).isFalse();
        assertThat(store.get("pipelineRuns", "runone")).isEmpty();
        assertThat(store.location()).isEqualTo(AZURITE.azurite().containerUri(container).toString());
    }

    @Test
    void concurrentWritersOfOneRecordNeverLoseAnUpdate() throws Exception {
        String container = newContainer();
        store(container, "racwdl").put("counters", "shared", json("0"), RecordStore.ABSENT);
        int writers = 6;
        int increments = 8;
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                RecordStore store = store(container, "racwdl");
                done.add(pool.submit(() -> {
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            StoredRecord current = store.get("counters", "shared").orElseThrow();
                            int value = Integer.parseInt(new String(current.content(), StandardCharsets.UTF_8));
                            try {
                                store.put("counters", "shared", json(Integer.toString(value + 1)), current.etag());
                                break;
                            } catch (RecordConflictException e) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Optional<StoredRecord> result = store(container, "rl").get("counters", "shared");
        assertThat(new String(result.orElseThrow().content(), StandardCharsets.UTF_8))
                .isEqualTo(Integer.toString(writers * increments));
        System.out.println("Concurrent increments: " + writers * increments + ", conflicts retried: " + conflicts);
    }

    @Test
    void errorsNameTheContainerAndTheCauseAndNeverTheSas() {
        String container = newContainer();
        AzureBlobRecordStore readOnly = store(container, "rl");
        assertThatThrownBy(() -> readOnly.put("pipelineRuns", "runone", json("{}"), RecordStore.ABSENT))
                .isInstanceOf(TransferException.class).isNotInstanceOf(RecordConflictException.class)
                .hasMessageContaining(readOnly.location()).hasMessageContaining("HTTP 403")
                .hasMessageContaining("sp=racwdl").hasMessageNotContaining("sig=");

        String gone = newContainer();
        AzureBlobRecordStore missing = store(gone, "racwdl");
        AZURITE.azurite().serviceClient().deleteBlobContainer(gone);
        assertThatThrownBy(() -> missing.list("pipelineRuns")).isInstanceOf(TransferException.class)
                .hasMessageContaining(missing.location()).hasMessageContaining("does not exist")
                .hasMessageNotContaining("sig=");
        assertThatThrownBy(() -> missing.get("pipelineRuns", "x")).isInstanceOf(TransferException.class)
                .hasMessageContaining("does not exist");

        assertThatThrownBy(() -> AzureBlobRecordStore.builder(AZURITE.azurite().containerUri(container))
                .sasToken(new Secret("not-a-sas-value"), "memory:state").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memory:state")
                .hasMessageNotContaining("not-a-sas-value");
        assertThatThrownBy(() -> AzureBlobRecordStore.builder(AZURITE.azurite().containerUri(container)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one");
    }
}
