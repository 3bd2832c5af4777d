// Parts for source trigger tests: a source exported by the real export run into a container, a target, shared records.
package org.ocitransfer.testkit.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.blob.BlobStoreFactory;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.state.RecordStore;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;
import org.ocitransfer.testkit.random.Seeds;

/**
 * What every source trigger test stands on, whatever the storage: an OCI layout source whose images the real export
 * run lands as archive blobs in the container ({@link #land}), the import pipeline {@value #PIPELINE} from that
 * container into an OCI layout target, and clients on one shared record store, each counting triggered run starts
 * ({@link CountingRecordStore}). The storage comes from the subclass: {@link LocalTriggerFixture} (a local directory),
 * or an Azure one in the Azure module's tests. Closing it closes every client and watcher it {@link #track}s.
 */
public class TriggerFixture implements AutoCloseable {

    /** The import pipeline the watchers watch. */
    public static final String PIPELINE = "importer";
    /** The export pipeline that lands archives. */
    public static final String EXPORTER = "exporter";

    /** The fixture's working directory. */
    public final Path dir;
    /** The OCI layout images are exported from. */
    public final OciLayoutRegistry source;
    /** The OCI layout the import pipeline writes to. */
    public final OciLayoutRegistry target;
    /** Triggered run starts by run name, counted by every client of this fixture. */
    public final Map<String, AtomicInteger> starts = CountingRecordStore.newTally();

    private final Supplier<RecordStore> records;
    private final BlobStoreFactory blobStores;
    private final Duration claimDuration;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Random random = new Random(Seeds.seed(7));
    private final TransferClient exporter;
    private int exports;

    /**
     * Creates both pipelines on {@code container}.
     *
     * @param records       opens a record store of its own (on the shared records) for each client
     * @param blobStores    the clients' blob store factory, or null for the default (local directories)
     * @param claimDuration the watchers' claim duration
     */
    protected TriggerFixture(Path dir, StorageContainer container, Supplier<RecordStore> records,
            BlobStoreFactory blobStores, Duration claimDuration, Set<PipelineOption> importOptions) {
        this.dir = dir;
        this.records = records;
        this.blobStores = blobStores;
        this.claimDuration = claimDuration;
        this.source = OciLayoutRegistry.open(dir.resolve("source"));
        this.target = OciLayoutRegistry.open(dir.resolve("target"));
        this.exporter = newClient();
        exporter.createOrUpdateExportPipeline(new ExportPipeline(EXPORTER, source.location(), container,
                Set.of(PipelineOption.OverwriteBlobs)));
        exporter.createOrUpdateImportPipeline(new ImportPipeline(PIPELINE, target.location(), container,
                importOptions));
    }

    /** A client of its own on the shared records, counting triggered starts. */
    public TransferClient newClient() {
        return track(clients().buildClient());
    }

    /** A client whose import pipeline writes through {@code registry} (a wrapper of the target). */
    public TransferClient newClient(Registry registry) {
        return track(clients().registry(target.location(), registry).buildClient());
    }

    /** A builder of clients on the fixture's records (counting triggered starts) and storage. */
    public TransferClientBuilder clients() {
        TransferClientBuilder builder = new TransferClientBuilder()
                .recordStore(new CountingRecordStore(records.get(), starts));
        return blobStores == null ? builder : builder.blobStoreFactory(blobStores);
    }

    /** Closes {@code closeable} with the fixture (last tracked, first closed). */
    public <T extends AutoCloseable> T track(T closeable) {
        owned.add(closeable);
        return closeable;
    }

    /**
     * A watcher builder for the pipeline with test-sized timings (1 s polls and the fixture's claims); the watcher has
     * a client of its own ({@link SourceTriggerWatcher#client()}) on the fixture's records, counting starts.
     */
    public SourceTriggerWatcher.Builder watcher() {
        return timed(clients().sourceTriggerWatcher(PIPELINE));
    }

    /** {@link #watcher()}, its import pipeline writing through {@code registry} (a wrapper of the target). */
    public SourceTriggerWatcher.Builder watcher(Registry registry) {
        return timed(clients().registry(target.location(), registry).sourceTriggerWatcher(PIPELINE));
    }

    private SourceTriggerWatcher.Builder timed(SourceTriggerWatcher.Builder builder) {
        return builder.pollInterval(Duration.ofSeconds(1)).claimDuration(claimDuration);
    }

    /** Builds an image {@code app:<blob name without extension>} in the source and exports it to the blob. */
    public Descriptor land(String blobName) {
        String tag = tagOf(blobName);
        Descriptor image = image(source.repository("app"), tag);
        String run = String.format("export%04d", ++exports);
        PipelineRun exported = exporter.createOrUpdatePipelineRun(run, PipelineRunRequest.export(EXPORTER, blobName,
                List.of("app:" + tag)), null);
        if (exported.status() != RunStatus.Succeeded) {
            throw new AssertionError("The export of " + blobName + " ended " + exported.status() + ": "
                    + exported.response().pipelineRunErrorMessage());
        }
        return image;
    }

    /**
     * Lands {@code count} blobs {@code bundle-01.tar}, {@code bundle-02.tar}, ... 75 ms apart, as blobs arrive while
     * watchers run. @return each blob's image, by blob name
     */
    public Map<String, Descriptor> landBundles(int count) throws InterruptedException {
        Map<String, Descriptor> landed = new HashMap<>();
        for (int i = 1; i <= count; i++) {
            String blob = String.format("bundle-%02d.tar", i);
            landed.put(blob, land(blob));
            Thread.sleep(75);
        }
        return landed;
    }

    /** Fails unless the target holds each landed image under its blob's tag ({@link #tagOf}). */
    public void assertImported(Map<String, Descriptor> landed) {
        for (Map.Entry<String, Descriptor> e : landed.entrySet()) {
            assertEquals(e.getValue().digest(), target.repository("app").resolve(tagOf(e.getKey())).digest(),
                    "the target's image of " + e.getKey());
        }
    }

    /** The tag {@link #land} gives a blob's image: its name without the extension. */
    public static String tagOf(String blobName) {
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
    public static List<PipelineRun> importRuns(TransferClient client) {
        return client.listPipelineRuns().stream()
                .filter(r -> r.request().pipeline().name().equals(PIPELINE)).toList();
    }

    /** The import pipeline's runs of one blob. */
    public static List<PipelineRun> runsOf(TransferClient client, String blobName) {
        return importRuns(client).stream().filter(r -> r.request().source().name().equals(blobName)).toList();
    }

    /** How many times a triggered run was started, by any client of this fixture. */
    public int startsOf(String runName) {
        AtomicInteger n = starts.get(runName);
        return n == null ? 0 : n.get();
    }

    /** Triggered starts of every run, by any client of this fixture. */
    public int totalStarts() {
        return starts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Waits (bounded) until the condition holds, failing with {@code what} otherwise. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Waits until {@code client} lists {@code count} Succeeded import runs, then until each watcher's imports have
     * ended; fails if either takes longer than {@code timeout}.
     */
    public static void awaitSucceeded(int count, TransferClient client, List<SourceTriggerWatcher> watchers,
                                      Duration timeout) throws InterruptedException {
        await(count + " Succeeded import runs", timeout, () -> importRuns(client).stream()
                .filter(r -> r.status() == RunStatus.Succeeded).count() == count);
        for (SourceTriggerWatcher w : watchers) {
            assertTrue(w.awaitIdle(timeout), "the imports of a watcher ended within " + timeout);
        }
    }

    /**
     * Polls {@code watcher} (waiting for its imports after each poll) until the first run of {@code blobName} has
     * Succeeded; fails naming {@code what} after {@code timeout}. @return the blob's runs then
     */
    public static List<PipelineRun> pollUntilImported(String what, SourceTriggerWatcher watcher, String blobName,
                                                      Duration timeout) throws InterruptedException {
        await(what, timeout, () -> {
            watcher.pollOnce();
            watcher.awaitIdle(timeout);
            return runsOf(watcher.client(), blobName).get(0).status() == RunStatus.Succeeded;
        });
        return runsOf(watcher.client(), blobName);
    }

    /** A file's text for a failure message: a child process's log, say. */
    public static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(none)";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
    }
}
