package org.ocitransfer.core.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.internal.client.RunRecord;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.state.LocalRecordStore;

/**
 * Local parts for trigger tests: a source OCI layout, archives landed in a local directory container by the real
 * export run, a target OCI layout, one state directory shared by every client (each with a tally of triggered run
 * starts), and the import pipeline {@value #PIPELINE}.
 */
final class TriggerFixture implements AutoCloseable {

    static final String PIPELINE = "importer";
    static final String EXPORTER = "exporter";

    final Path dir;
    final OciLayoutRegistry source;
    final OciLayoutRegistry target;
    final Path container;
    final Path state;
    final Map<String, AtomicInteger> starts = CountingRecordStore.newTally();
    private final TransferClient exporter;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Random random = new Random(7);
    private int exports;

    TriggerFixture(Path dir, Set<PipelineOption> importOptions) {
        this.dir = dir;
        this.source = OciLayoutRegistry.open(dir.resolve("source"));
        this.target = OciLayoutRegistry.open(dir.resolve("target"));
        try {
            this.container = Files.createDirectories(dir.resolve("container"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.state = dir.resolve("state");
        this.exporter = newClient();
        StorageContainer c = StorageContainer.of(container.toUri());
        exporter.createOrUpdateExportPipeline(new ExportPipeline(EXPORTER, source.location(), c,
                Set.of(PipelineOption.OverwriteBlobs)));
        exporter.createOrUpdateImportPipeline(new ImportPipeline(PIPELINE, target.location(), c, importOptions));
    }

    /** A builder of clients on the shared state directory, counting triggered starts. */
    TransferClientBuilder clients() {
        return new TransferClientBuilder().recordStore(new CountingRecordStore(new LocalRecordStore(state), starts));
    }

    /** A client of its own on the shared state directory, counting triggered starts. */
    TransferClient newClient() {
        return track(clients().buildClient());
    }

    /** A run's record as stored (with whether it was interrupted). */
    RunRecord storedRun(String name) {
        return Json.read(new LocalRecordStore(state).get(ResourceNames.RUNS, name).orElseThrow().content(),
                RunRecord.class);
    }

    <T extends AutoCloseable> T track(T closeable) {
        owned.add(closeable);
        return closeable;
    }

    /** A watcher builder (with a client of its own) for the pipeline with test-sized timings: 1 s polls, 3 s claims. */
    SourceTriggerWatcher.Builder watcher() {
        return watcher(clients());
    }

    /** A watcher builder whose client's import pipeline writes through {@code registry} (a wrapper of the target). */
    SourceTriggerWatcher.Builder watcher(Registry registry) {
        return watcher(clients().registry(target.location(), registry));
    }

    private static SourceTriggerWatcher.Builder watcher(TransferClientBuilder clients) {
        return clients.sourceTriggerWatcher(PIPELINE).pollInterval(Duration.ofSeconds(1))
                .claimDuration(Duration.ofSeconds(3));
    }

    /** Builds an image {@code app:<blob name without extension>} in the source and exports it to the blob. */
    Descriptor land(String blobName) {
        String tag = tagOf(blobName);
        Descriptor image = image(source.repository("app"), tag);
        String run = String.format("export%04d", ++exports);
        PipelineRun exported = exporter.createOrUpdatePipelineRun(run, PipelineRunRequest.export(EXPORTER, blobName,
                List.of("app:" + tag)), null);
        assertThat(exported.status()).as("export of %s: %s", blobName, exported.response().pipelineRunErrorMessage())
                .isEqualTo(RunStatus.Succeeded);
        return image;
    }

    static String tagOf(String blobName) {
        int dot = blobName.lastIndexOf('.');
        return (dot > 0 ? blobName.substring(0, dot) : blobName).replaceAll("[^A-Za-z0-9_.-]", "-");
    }

    private Descriptor image(Repository repo, String tag) {
        byte[] layer = new byte[2048];
        random.nextBytes(layer);
        Descriptor config = push(repo, MediaTypes.OCI_CONFIG, ("{\"architecture\":\"amd64\",\"os\":\"linux\","
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"seed\":" + random.nextInt() + "}")
                .getBytes(StandardCharsets.UTF_8));
        Descriptor layerDescriptor = push(repo, MediaTypes.OCI_LAYER_GZIP, layer);
        Descriptor manifest = push(repo, MediaTypes.OCI_MANIFEST, ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST + "\",\"config\":" + json(config) + ",\"layers\":[" + json(layerDescriptor)
                + "]}").getBytes(StandardCharsets.UTF_8));
        repo.tag(manifest, tag);
        return manifest;
    }

    private static Descriptor push(Repository repo, String mediaType, byte[] bytes) {
        Descriptor d = Descriptor.of(mediaType, bytes);
        repo.push(d, ContentSource.of(bytes));
        return d;
    }

    private static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    /** The import pipeline's runs, as this client lists them. */
    static List<PipelineRun> importRuns(TransferClient client) {
        return client.listPipelineRuns().stream()
                .filter(r -> r.request().pipeline().name().equals(PIPELINE)).toList();
    }

    /** The import pipeline's runs of one blob. */
    static List<PipelineRun> runsOf(TransferClient client, String blobName) {
        return importRuns(client).stream().filter(r -> r.request().source().name().equals(blobName)).toList();
    }

    /** How many times a triggered run was started, by any client of this fixture. */
    int startsOf(String runName) {
        AtomicInteger n = starts.get(runName);
        return n == null ? 0 : n.get();
    }

    int totalStarts() {
        return starts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** The claim files held in the container now. */
    List<Path> claims() throws java.io.IOException {
        Path claims = container.resolve(".claims");
        if (!Files.isDirectory(claims)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(claims)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".claim")).toList();
        }
    }

    /** Waits (bounded) until the condition holds, failing with {@code what} otherwise. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
    }
}
