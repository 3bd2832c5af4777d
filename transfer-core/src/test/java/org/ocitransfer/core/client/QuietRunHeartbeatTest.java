// A run that makes no progress for a while still writes its record, so clients on other hosts never take it for dead.
package org.ocitransfer.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.RunOperation;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.internal.client.RunRecord;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.core.state.LocalRecordStore;

/**
 * The record of a running run is its owner's sign of life for clients on other hosts (which cannot see its process):
 * one whose heartbeat is older than five minutes is marked Failed by any client that reads it. Before, the heartbeat
 * was written only on progress, so a run waiting on a slow registry went silent. Here the source registry holds the
 * export's first request until released, and the record must keep being written meanwhile, then end Succeeded with
 * no heartbeat written over it.
 */
class QuietRunHeartbeatTest {

    @TempDir
    Path dir;

    @Test
    void aRunWithNoProgressKeepsWritingItsRecordAndNoHeartbeatFollowsItsEnd() throws Exception {
        OciLayoutRegistry layout = OciLayoutRegistry.open(dir.resolve("source"));
        Repository app = layout.repository("team/app");
        Descriptor config = push(app, MediaTypes.OCI_CONFIG, "{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        Descriptor layer = push(app, MediaTypes.OCI_LAYER_GZIP, "not really gzip, never unpacked");
        Descriptor manifest = push(app, MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST + "\",\"config\":" + json(config) + ",\"layers\":[" + json(layer) + "]}");
        app.tag(manifest, "1");

        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Registry held = new Registry() {
            @Override
            public Repository repository(String name) {
                return new HeldRepository(layout.repository(name), asked, release);
            }

            @Override
            public String location() {
                return layout.location();
            }
        };
        LocalRecordStore records = new LocalRecordStore(dir.resolve("state"));
        try (TransferClient client = new TransferClientBuilder().recordStore(records)
                .registry(layout.location(), held).quietHeartbeat(Duration.ofMillis(200)).buildClient()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", layout.location(),
                    StorageContainer.of(Files.createDirectories(dir.resolve("container")).toUri()), Set.of()));
            RunOperation op = client.beginCreateOrUpdatePipelineRun("quietrun",
                    PipelineRunRequest.export("exporter", "quiet.tar", List.of("team/app:1")), null, null);
            try {
                assertThat(asked.await(30, TimeUnit.SECONDS)).isTrue();
                Instant first = heartbeat(records);
                Thread.sleep(1_000); // five quiet heartbeats' time, with the run held in its first request
                Instant later = heartbeat(records);
                assertThat(record(records).run().status()).isEqualTo(RunStatus.Running);
                assertThat(later).as("the heartbeat of a run held with no progress").isAfter(first);
            } finally {
                release.countDown();
            }
            PipelineRun done = op.await(Duration.ofSeconds(30));
            assertThat(done.status()).as(done.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
            Thread.sleep(600); // three heartbeat periods: none may rewrite the finished record as Running
            assertThat(record(records).run().status()).isEqualTo(RunStatus.Succeeded);
        }
    }

    private static RunRecord record(LocalRecordStore records) {
        return Json.read(records.get(ResourceNames.RUNS, "quietrun").orElseThrow().content(), RunRecord.class);
    }

    private static Instant heartbeat(LocalRecordStore records) {
        return record(records).heartbeat();
    }

    private static Descriptor push(Repository repo, String mediaType, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Descriptor d = Descriptor.of(mediaType, bytes);
        repo.push(d, ContentSource.of(bytes));
        return d;
    }

    private static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    /** A layout repository whose tag lookups wait until the test releases them. */
    private record HeldRepository(Repository delegate, CountDownLatch asked, CountDownLatch release)
            implements Repository {
        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String registryLocation() {
            return delegate.registryLocation();
        }

        @Override
        public Descriptor resolve(String reference) {
            asked.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the held request");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while held", e);
            }
            return delegate.resolve(reference);
        }

        @Override
        public InputStream fetch(Descriptor descriptor) {
            return delegate.fetch(descriptor);
        }

        @Override
        public boolean exists(Descriptor descriptor) {
            return delegate.exists(descriptor);
        }

        @Override
        public void push(Descriptor expected, ContentSource content) {
            delegate.push(expected, content);
        }

        @Override
        public void tag(Descriptor manifest, String tag) {
            delegate.tag(manifest, tag);
        }
    }
}
