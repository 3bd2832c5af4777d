// Azure parts for source trigger tests: archives exported into a real Azurite container, records in another.
package org.ocitransfer.azure.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.LeaseStateType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.state.AzureBlobRecordStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.core.state.RecordStore;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;
import org.ocitransfer.testkit.azure.Azurite;

/**
 * An OCI layout source exported by the real export run into an Azurite container (SAS from a {@code file:} secret,
 * so other processes can read it too), the import pipeline {@value #PIPELINE} from that container into an OCI layout
 * target, and every client's records in a second Azurite container ({@link AzureBlobRecordStore}), each client with
 * a tally of triggered run starts.
 */
final class AzureTriggerFixture implements AutoCloseable {

    static final String PIPELINE = "importer";
    private static final AtomicInteger NAMES = new AtomicInteger();

    final Azurite azurite;
    final Path dir;
    final String archives;
    final String state;
    final StorageContainer archiveContainer;
    final StorageContainer stateContainer;
    final OciLayoutRegistry source;
    final OciLayoutRegistry target;
    final Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final TransferClient exporter;
    private final Random random = new Random(11);
    private int exports;

    AzureTriggerFixture(Azurite azurite, Path dir, Set<PipelineOption> importOptions) throws IOException {
        this.azurite = azurite;
        this.dir = dir;
        int n = NAMES.incrementAndGet();
        this.archives = "archives" + n;
        this.state = "state" + n;
        this.archiveContainer = container(archives);
        this.stateContainer = container(state);
        this.source = OciLayoutRegistry.open(dir.resolve("source"));
        this.target = OciLayoutRegistry.open(dir.resolve("target"));
        this.exporter = newClient();
        exporter.createOrUpdateExportPipeline(new ExportPipeline("exporter", source.location(), archiveContainer,
                Set.of(PipelineOption.OverwriteBlobs)));
        exporter.createOrUpdateImportPipeline(new ImportPipeline(PIPELINE, target.location(), archiveContainer,
                importOptions));
    }

    private StorageContainer container(String name) throws IOException {
        URI uri = azurite.createContainer(name);
        Path sasFile = dir.resolve(name + ".sas");
        Files.writeString(sasFile, azurite.containerSas(name, "racwdl", OffsetDateTime.now().plusHours(2)));
        return StorageContainer.of(uri, "file:" + sasFile);
    }

    /** A record store of its own on the shared record container. */
    RecordStore records() {
        return AzureBlobRecordStore.open(stateContainer, SecretStores.builtIn(), null);
    }

    /** A builder of clients: Azure storage, records in the shared container, counting triggered starts. */
    TransferClientBuilder clients() {
        return new TransferClientBuilder().recordStore(new CountingRecordStore(records(), starts))
                .blobStoreFactory(new AzureBlobStoreFactory());
    }

    /** A client of its own: Azure storage, records in the shared container, counting triggered starts. */
    TransferClient newClient() {
        return track(clients().buildClient());
    }

    <T extends AutoCloseable> T track(T closeable) {
        owned.add(closeable);
        return closeable;
    }

    /** A watcher (with a client of its own, {@link #clients()}) with 1 s polls and 15 s claims (the shortest lease). */
    SourceTriggerWatcher.Builder watcher() {
        return clients().sourceTriggerWatcher(PIPELINE).pollInterval(Duration.ofSeconds(1))
                .claimDuration(Duration.ofSeconds(15));
    }

    /** Builds an image {@code app:<blob name without extension>} in the source and exports it to the blob. */
    Descriptor land(String blobName) {
        String tag = tagOf(blobName);
        Repository repo = source.repository("app");
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
        PipelineRun exported = exporter.createOrUpdatePipelineRun(String.format("export%04d", ++exports),
                PipelineRunRequest.export("exporter", blobName, List.of("app:" + tag)), null);
        assertThat(exported.status()).as("export of %s: %s", blobName, exported.response().pipelineRunErrorMessage())
                .isEqualTo(RunStatus.Succeeded);
        return manifest;
    }

    static String tagOf(String blobName) {
        int dot = blobName.lastIndexOf('.');
        return (dot > 0 ? blobName.substring(0, dot) : blobName).replaceAll("[^A-Za-z0-9_.-]", "-");
    }

    private static Descriptor push(Repository repo, String mediaType, byte[] bytes) {
        Descriptor d = Descriptor.of(mediaType, bytes);
        repo.push(d, ContentSource.of(bytes));
        return d;
    }

    private static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    static List<PipelineRun> importRuns(TransferClient client) {
        return client.listPipelineRuns().stream()
                .filter(r -> r.request().pipeline().name().equals(PIPELINE)).toList();
    }

    static List<PipelineRun> runsOf(TransferClient client, String blobName) {
        return importRuns(client).stream().filter(r -> r.request().source().name().equals(blobName)).toList();
    }

    int startsOf(String runName) {
        AtomicInteger n = starts.get(runName);
        return n == null ? 0 : n.get();
    }

    int totalStarts() {
        return starts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** The archive blobs leased (claimed) now. */
    List<String> leased() {
        List<String> names = new ArrayList<>();
        for (BlobItem item : azurite.containerClient(archives).listBlobs()) {
            if (item.getProperties().getLeaseState() == LeaseStateType.LEASED) {
                names.add(item.getName());
            }
        }
        return names;
    }

    static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(none)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
    }
}
