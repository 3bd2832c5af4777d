package org.ocitransfer.core.run;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.archive.ArchivePlan;
import org.ocitransfer.core.archive.ArchiveRequest;
import org.ocitransfer.core.archive.ArchiveWriter;
import org.ocitransfer.core.archive.ArchivedArtifact;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.registry.ReferrersSupport;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes an export run: resolves every artifact and walks its graph (with IncludeReferrers, its referrers too),
 * plans the whole archive, then streams every blob from the registry into one new blob of the container, committed
 * only when complete. Without OverwriteBlobs an existing blob fails the run before anything moves, and is untouched.
 */
public final class ExportRunner {

    /** Metadata key and value that mark a transfer archive, as the transfer model stamps them. */
    public static final String CATEGORY_KEY = "category";
    /** The category value. */
    public static final String CATEGORY_VALUE = "acr-transfer-blob";
    /** Metadata key holding the archive's catalog digest. */
    public static final String CATALOG_DIGEST_KEY = "catalogdigest";

    private static final Logger LOG = LoggerFactory.getLogger(ExportRunner.class);

    private final String runName;
    private final ExportPipeline pipeline;
    private final Registry registry;
    private final BlobStore store;
    private final String blobName;
    private final List<String> artifacts;
    private final ProgressTracker progress;

    /**
     * @param runName  the run
     * @param pipeline its pipeline
     * @param registry the source registry (the pipeline's)
     * @param store    the target container (the pipeline's)
     * @param blobName the archive blob to write
     * @param artifacts the references to export
     * @param progress where progress goes
     */
    public ExportRunner(String runName, ExportPipeline pipeline, Registry registry, BlobStore store, String blobName,
                        List<String> artifacts, ProgressTracker progress) {
        this.runName = runName;
        this.pipeline = pipeline;
        this.registry = registry;
        this.store = store;
        this.blobName = blobName;
        this.artifacts = List.copyOf(artifacts);
        this.progress = progress;
    }

    /** Runs the export. Failures that stop the run are thrown as {@link TransferException}s. */
    public RunOutcome run() {
        boolean overwrite = pipeline.has(PipelineOption.OverwriteBlobs);
        boolean continueOnErrors = pipeline.has(PipelineOption.ContinueOnErrors);
        store.preflight(Set.of(StorageAccess.READ, StorageAccess.ADD, StorageAccess.WRITE, StorageAccess.LIST));
        if (!overwrite && store.properties(blobName).isPresent()) {
            throw new BlobAlreadyExistsException(store.location(), blobName);
        }
        progress.totals(0, artifacts.size());

        // 1. Resolve every artifact and walk its graph; nothing is written yet.
        List<ArtifactResult> results = new ArrayList<>();
        List<ArchivedArtifact> archived = new ArrayList<>();
        Map<String, byte[]> manifestBytes = new HashMap<>();
        Map<String, String> repositoryOf = new HashMap<>();
        Map<String, String> artifactOf = new HashMap<>();
        LinkedHashMap<String, Descriptor> manifests = new LinkedHashMap<>();
        LinkedHashMap<String, Descriptor> configs = new LinkedHashMap<>();
        LinkedHashMap<String, Descriptor> layers = new LinkedHashMap<>();
        for (String artifact : artifacts) {
            try {
                ArtifactRef ref = ArtifactRef.parse(artifact);
                Repository repository = registry.repository(ref.repository());
                Descriptor root = repository.resolve(ref.reference());
                List<ContentGraph> graphs = new ArrayList<>();
                graphs.add(ContentGraph.walk(root, repository::fetchManifest));
                List<ArchivedArtifact> found = new ArrayList<>();
                found.add(new ArchivedArtifact(ref.withRegistry(sourceHost()), root));
                if (pipeline.has(PipelineOption.IncludeReferrers)) {
                    collectReferrers(repository, ref, graphs, found);
                }
                for (ContentGraph graph : graphs) {
                    for (ContentGraph.ManifestNode node : graph.manifests()) {
                        manifestBytes.putIfAbsent(node.descriptor().digest(), node.bytes());
                        manifests.putIfAbsent(node.descriptor().digest(), node.descriptor());
                        repositoryOf.putIfAbsent(node.descriptor().digest(), ref.repository());
                        artifactOf.putIfAbsent(node.descriptor().digest(), artifact);
                    }
                    for (Descriptor blob : graph.configs()) {
                        configs.putIfAbsent(blob.digest(), blob);
                    }
                    for (Descriptor blob : graph.layers()) {
                        layers.putIfAbsent(blob.digest(), blob);
                    }
                    for (Descriptor blob : graph.blobs()) {
                        repositoryOf.putIfAbsent(blob.digest(), ref.repository());
                        artifactOf.putIfAbsent(blob.digest(), artifact);
                    }
                }
                archived.addAll(found);
                results.add(ArtifactResult.succeeded(artifact, root.digest()));
            } catch (TransferException | IllegalArgumentException e) {
                String message = "Artifact " + artifact + " could not be read from " + registry.location()
                        + " (source): " + e.getMessage();
                LOG.warn("Run {}: {}", runName, message);
                results.add(ArtifactResult.failed(artifact, null, e.getMessage()));
                progress.artifactDone();
                if (!continueOnErrors) {
                    throw new RunFailedException(message + ". Nothing was written to " + store.blobUri(blobName)
                            + ". Fix the reference or set ContinueOnErrors to export the others.", e);
                }
            }
        }
        if (archived.isEmpty()) {
            throw new RunFailedException("No artifact could be read from " + registry.location()
                    + "; nothing was written. " + failures(results));
        }
        for (String digest : configs.keySet()) {
            layers.remove(digest);
        }

        // 2. Plan the archive: every offset and the catalog digest are known before any byte moves.
        List<Descriptor> blobs = new ArrayList<>(manifests.values());
        blobs.addAll(configs.values());
        blobs.addAll(layers.values());
        ArchivePlan plan = ArchivePlan.plan(new ArchiveRequest(pipelineName(), runName, registry.location(),
                archived, blobs));
        progress.totals(plan.totalSize(), artifacts.size());

        // 3. Stream everything into one upload, committed only when whole.
        UploadOptions options = new UploadOptions(overwrite, Map.of(CATEGORY_KEY, CATEGORY_VALUE,
                CATALOG_DIGEST_KEY, plan.catalogDigest()), plan.totalSize());
        String[] current = new String[1];
        boolean[] sourceFailed = new boolean[1];
        try (BlobUpload upload = store.upload(blobName, options)) {
            OutputStream out = new CountingOutputStream(upload.output(), progress);
            ArchiveWriter.write(plan, out, blob -> {
                current[0] = blob.digest();
                byte[] manifest = manifestBytes.get(blob.digest());
                if (manifest != null) {
                    return new VerifyingInputStream(new ByteArrayInputStream(manifest), blob, "manifest cache");
                }
                return markFailures(registry.repository(repositoryOf.get(blob.digest())).fetch(blob), sourceFailed);
            });
            out.flush();
            upload.commit();
        } catch (IOException | TransferException e) {
            if (e instanceof BlobAlreadyExistsException exists) {
                throw exists;
            }
            boolean source = sourceFailed[0] || e instanceof RegistryException;
            throw new RunFailedException("Export stopped while " + (source ? "reading " : "writing ")
                    + describe(current[0], artifactOf) + (source ? " from " + registry.location() + " (source)"
                    : " into " + store.blobUri(blobName) + " (target)") + ": " + rootMessage(e)
                    + ". Nothing was committed to " + store.blobUri(blobName) + "; run it again.", e);
        }
        for (int i = 0; i < archived.size(); i++) {
            progress.artifactDone();
        }
        long failed = results.stream().filter(r -> r.status() == ArtifactResult.Status.Failed).count();
        RunStatus status = failed == 0 ? RunStatus.Succeeded : RunStatus.CompletedWithErrors;
        return new RunOutcome(status, results, List.of(), plan.catalogDigest(),
                failed == 0 ? null : failed + " of " + artifacts.size() + " artifacts failed and were not exported: "
                        + failures(results));
    }

    private void collectReferrers(Repository repository, ArtifactRef ref, List<ContentGraph> graphs,
                                  List<ArchivedArtifact> found) {
        if (!(repository instanceof ReferrersSupport referrers)) {
            LOG.warn("Run {}: {} cannot list referrers; IncludeReferrers has nothing to add for {}", runName,
                    registry.location(), ref);
            return;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < graphs.size(); i++) {
            for (ContentGraph.ManifestNode node : graphs.get(i).manifests()) {
                for (Descriptor referrer : referrers.referrers(node.descriptor())) {
                    if (seen.add(referrer.digest()) && MediaTypes.isManifest(referrer.mediaType())) {
                        Descriptor plain = referrer.plain();
                        graphs.add(ContentGraph.walk(plain, repository::fetchManifest));
                        found.add(new ArchivedArtifact(new ArtifactRef(sourceHost(), ref.repository(), null,
                                plain.digest()), plain));
                    }
                }
            }
        }
    }

    private String sourceHost() {
        String location = registry.location();
        int scheme = location.indexOf("://");
        if (scheme > 0) {
            String host = location.substring(scheme + 3);
            int slash = host.indexOf('/');
            return slash >= 0 ? host.substring(0, slash) : host;
        }
        return null;
    }

    private String pipelineName() {
        return pipeline.name();
    }

    /** The source's stream, recording in {@code failed} that a read of it failed (so the error names the side). */
    private static InputStream markFailures(InputStream in, boolean[] failed) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    failed[0] = true;
                    throw e;
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    failed[0] = true;
                    throw e;
                }
            }
        };
    }

    private static String describe(String digest, Map<String, String> artifactOf) {
        if (digest == null) {
            return "the archive header";
        }
        return "blob " + digest + " of artifact " + artifactOf.getOrDefault(digest, "?");
    }

    static String failures(List<ArtifactResult> results) {
        StringBuilder sb = new StringBuilder();
        for (ArtifactResult r : results) {
            if (r.status() == ArtifactResult.Status.Failed) {
                sb.append(sb.length() == 0 ? "" : "; ").append(r.artifact()).append(": ").append(r.message());
            }
        }
        return sb.toString();
    }

    /** What a failure says best: a content mismatch, else the first of our own exceptions in its chain, else its root. */
    static String rootMessage(Throwable e) {
        Throwable verification = VerifyingInputStream.verificationFailure(e);
        if (verification != null) {
            return verification.getMessage();
        }
        Throwable t = e;
        while (!(t instanceof TransferException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
