// Runs corpus archives through a real import run (the client, a local container, an OCI layout target) and checks the target.
package org.ocitransfer.core.internal.archive.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.testing.Seeds;
import org.ocitransfer.core.internal.archive.TestContent;

/**
 * A workbench for importing corpus archives: a client with its own state directory and a local directory container.
 * Each import goes into a fresh OCI layout target ({@link #freshTarget}) that already holds an unrelated artifact
 * ({@code hostile/existing:v1}), so "unchanged" means something and no case sees what another left behind (an
 * import skips blobs the target holds, so a case's damaged copy of one would never be read).
 * {@link #snapshot()} and {@link #problemsSince} tell whether an import changed the target.
 */
final class HostileImport implements AutoCloseable {

    static final String PIPELINE = "hostileimport";
    static final String EXISTING_REPOSITORY = "hostile/existing";

    private final Path dir;
    final Path container;
    final TransferClient client;
    Path targetDir;
    OciLayoutRegistry target;
    Descriptor existing;

    HostileImport(Path dir) {
        this.dir = dir;
        this.container = dir.resolve("container");
        try {
            Files.createDirectories(container);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.client = new TransferClientBuilder().stateDirectory(dir.resolve("state")).buildClient();
    }

    /** Makes a new target layout holding {@code hostile/existing:v1} and points the import pipeline at it. */
    void freshTarget(String name) {
        targetDir = dir.resolve("targets").resolve(name);
        target = OciLayoutRegistry.open(targetDir);
        existing = pushExisting(target.repository(EXISTING_REPOSITORY));
        client.createOrUpdateImportPipeline(new ImportPipeline(PIPELINE, target.location(),
                StorageContainer.of(container.toUri()), Set.of()));
    }

    private static Descriptor pushExisting(Repository repository) {
        byte[] layer = TestContent.gzip(Seeds.bytes(500, 99));
        Descriptor layerD = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer);
        byte[] config = "{\"architecture\":\"arm64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        Descriptor configD = Descriptor.of(MediaTypes.OCI_CONFIG, config);
        byte[] manifest = HostileArchives.image(configD, layerD);
        Descriptor manifestD = Descriptor.of(MediaTypes.OCI_MANIFEST, manifest);
        repository.push(layerD, ContentSource.of(layer));
        repository.push(configD, ContentSource.of(config));
        repository.push(manifestD, ContentSource.of(manifest));
        repository.tag(manifestD, "v1");
        return manifestD;
    }

    /**
     * Writes the case's archive as {@code blobName} into the container and runs an import of it, to its end, into
     * the current target ({@link #freshTarget}).
     */
    PipelineRun importCase(HostileArchives.Case c, String runName, String blobName) {
        c.writeTo(container.resolve(blobName));
        PipelineRunRequest request = PipelineRunRequest.importBlob(PIPELINE, blobName);
        if (c.catalogDigest() != null) {
            request = request.withCatalogDigest(c.catalogDigest());
        }
        return client.createOrUpdatePipelineRun(runName, request, null);
    }

    /** The target's index.json and its blob files with their sizes. */
    record Snapshot(byte[] indexJson, Map<String, Long> blobs) {
    }

    Snapshot snapshot() {
        try (Stream<Path> files = Files.list(targetDir.resolve("blobs").resolve("sha256"))) {
            Map<String, Long> blobs = new HashMap<>();
            for (Path f : (Iterable<Path>) files::iterator) {
                blobs.put(f.getFileName().toString(), Files.size(f));
            }
            return new Snapshot(Files.readAllBytes(targetDir.resolve("index.json")), blobs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What changed in the target since {@code before} that a refused import must never change: index.json (tags),
     * a blob file that was there, a new blob file that is incomplete (its bytes do not hash to its name) or that is
     * a manifest. New complete non-manifest blobs (a config or layer pushed before a later blob failed its digest)
     * are content-addressed and harmless: they are allowed. Empty when nothing forbidden changed.
     */
    List<String> problemsSince(Snapshot before) {
        Snapshot now = snapshot();
        List<String> problems = new ArrayList<>();
        if (!java.util.Arrays.equals(before.indexJson(), now.indexJson())) {
            problems.add("index.json (the tags) changed: " + new String(now.indexJson(), StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, Long> e : before.blobs().entrySet()) {
            if (!e.getValue().equals(now.blobs().get(e.getKey()))) {
                problems.add("existing blob " + e.getKey() + " changed or vanished");
            }
        }
        for (String name : now.blobs().keySet()) {
            if (before.blobs().containsKey(name)) {
                continue;
            }
            Path file = targetDir.resolve("blobs").resolve("sha256").resolve(name);
            try {
                byte[] bytes = Files.readAllBytes(file);
                if (!Digest.sha256(bytes).toString().equals("sha256:" + name)) {
                    problems.add("new blob " + name + " is partial or corrupt");
                } else if (looksLikeManifest(bytes)) {
                    problems.add("new blob " + name + " is a manifest");
                }
            } catch (IOException e) {
                problems.add("new blob " + name + " cannot be read: " + e);
            }
        }
        return problems;
    }

    private static boolean looksLikeManifest(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.contains("\"schemaVersion\"") && (text.contains("\"layers\"") || text.contains("\"manifests\""));
    }

    @Override
    public void close() {
        client.close();
    }
}
