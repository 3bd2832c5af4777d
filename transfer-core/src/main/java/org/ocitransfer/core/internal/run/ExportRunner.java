package org.ocitransfer.core.internal.run;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.RunPhase;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.internal.archive.ArchivePlan;
import org.ocitransfer.core.internal.archive.ArchiveRegion;
import org.ocitransfer.core.internal.archive.ArchiveRequest;
import org.ocitransfer.core.internal.archive.ArchiveWriter;
import org.ocitransfer.core.internal.archive.ArchivedArtifact;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.RegionUpload;
import org.ocitransfer.core.blob.RegionUploadSupport;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes an export run: resolves every artifact and walks its graph (with IncludeReferrers, its referrers too),
 * plans the whole archive, then streams every blob from the registry into one new blob of the container, committed
 * only when complete. Without OverwriteBlobs an existing blob fails the run before anything moves, and is untouched.
 *
 * <p>Artifacts are resolved on up to {@code concurrency} threads. When the container supports
 * {@link RegionUploadSupport} (and concurrency is above 1), the archive is written as independent regions, each blob
 * streaming from the registry straight into its planned place, up to {@code concurrency} at once (largest first);
 * the bytes are the same as the sequential stream's. A failure in any region aborts the whole upload: nothing is
 * committed. Otherwise the archive is written as one ordered stream.
 */
public final class ExportRunner {

    /** Metadata key and value that mark a transfer archive, as the transfer model stamps them. */
    public static final String CATEGORY_KEY = "category";
    /** The category value. */
    public static final String CATEGORY_VALUE = "acr-transfer-blob";
    /** Metadata key holding the archive's catalog digest. */
    public static final String CATALOG_DIGEST_KEY = "catalogdigest";
    /** How many blobs and artifacts move at once unless told otherwise. */
    public static final int DEFAULT_CONCURRENCY = 8;

    private static final Logger LOG = LoggerFactory.getLogger(ExportRunner.class);

    private final String runName;
    private final ExportPipeline pipeline;
    private final RegistrySource registry;
    private final BlobStore store;
    private final String blobName;
    private final List<String> artifacts;
    private final ProgressTracker progress;
    private final int concurrency;

    /**
     * With {@link #DEFAULT_CONCURRENCY}.
     *
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
        this(runName, pipeline, registry, store, blobName, artifacts, progress, DEFAULT_CONCURRENCY);
    }

    /**
     * @param concurrency how many artifacts are resolved and blobs copied at once (at least 1; 1 writes the archive
     *                    as one ordered stream)
     */
    public ExportRunner(String runName, ExportPipeline pipeline, Registry registry, BlobStore store, String blobName,
                        List<String> artifacts, ProgressTracker progress, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("Concurrency must be at least 1, got " + concurrency);
        }
        this.runName = runName;
        this.pipeline = pipeline;
        this.registry = new RegistrySource(registry);
        this.store = store;
        this.blobName = blobName;
        this.artifacts = List.copyOf(artifacts);
        this.progress = progress;
        this.concurrency = concurrency;
    }

    /** Runs the export. Failures that stop the run are thrown as {@link TransferException}s. */
    public RunOutcome run() {
        boolean overwrite = pipeline.has(PipelineOption.OverwriteBlobs);
        FailurePolicy failurePolicy = FailurePolicy.of(pipeline.options());
        store.preflight(Set.of(StorageAccess.READ, StorageAccess.ADD, StorageAccess.WRITE, StorageAccess.LIST));
        if (!overwrite && store.properties(blobName).isPresent()) {
            throw new BlobAlreadyExistsException(store.location(), blobName);
        }
        progress.phase(RunPhase.PLANNING);
        progress.totals(0, artifacts.size());

        try (TaskPool pool = new TaskPool(runName, concurrency)) {
            // 1. Resolve every artifact and walk its graph (in parallel); nothing is written yet.
            List<TaskPool.Outcome<RegistrySource.Resolved>> resolved = registry.resolveAll(pool, artifacts,
                    artifact -> {
                        progress.artifactStarted(artifact, null);
                        return ArtifactRef.parse(artifact);
                    }, pipeline.has(PipelineOption.IncludeReferrers));

            // 2. Every artifact's outcome so far; without ContinueOnErrors one that cannot be read stops the run.
            List<ArtifactResult> results = new ArrayList<>(artifacts.size());
            int firstFailure = -1;
            for (int i = 0; i < artifacts.size(); i++) {
                TaskPool.Outcome<RegistrySource.Resolved> outcome = resolved.get(i);
                if (outcome.failure() == null) {
                    results.add(ArtifactResult.succeeded(artifacts.get(i), outcome.value().root().digest()));
                    continue;
                }
                Exception e = outcome.failure();
                if (!(e instanceof TransferException) && !(e instanceof IllegalArgumentException)) {
                    throw unexpected(e);
                }
                LOG.warn("Run {}: artifact {} could not be read from {} (source): {}", runName, artifacts.get(i),
                        registry.location(), e.getMessage());
                results.add(ArtifactResult.failed(artifacts.get(i), null, e.getMessage(), e));
                progress.artifactFinished(results.get(i));
                firstFailure = firstFailure < 0 ? i : firstFailure;
            }
            if (firstFailure >= 0 && failurePolicy.stops()) {
                String artifact = artifacts.get(firstFailure);
                throw new RunFailedException("Artifact " + artifact + " could not be read from " + registry.location()
                        + " (source): " + results.get(firstFailure).message() + ". Nothing was written to "
                        + store.blobUri(blobName) + advice(resolved.get(firstFailure).failure()),
                        resolved.get(firstFailure).failure(), skipped(results, List.of(),
                        "not exported: the run stopped because " + artifact + " could not be read; nothing was"
                                + " written"));
            }
            if (results.stream().noneMatch(r -> r.status() == ArtifactResult.Status.Succeeded)) {
                throw new RunFailedException("No artifact could be read from " + registry.location()
                        + "; nothing was written. " + GraphCopy.failures(results), null, results);
            }

            // 3. Merge in request order, so the archive's bytes do not depend on which thread finished first. A
            // referrer reached from several artifacts (two tags of one image) goes in once.
            List<ArchivedArtifact> archived = new ArrayList<>();
            Set<String> listed = new HashSet<>();
            Map<String, byte[]> manifestBytes = new HashMap<>();
            Map<String, String> repositoryOf = new HashMap<>();
            Map<String, String> artifactOf = new HashMap<>();
            LinkedHashMap<String, Descriptor> manifests = new LinkedHashMap<>();
            LinkedHashMap<String, Descriptor> configs = new LinkedHashMap<>();
            LinkedHashMap<String, Descriptor> layers = new LinkedHashMap<>();
            for (int i = 0; i < artifacts.size(); i++) {
                String artifact = artifacts.get(i);
                RegistrySource.Resolved r = resolved.get(i).value();
                if (r == null) {
                    continue;
                }
                List<ContentGraph> graphs = new ArrayList<>(List.of(r.graph()));
                graphs.addAll(r.referrers());
                for (ContentGraph graph : graphs) {
                    for (ContentGraph.ManifestNode node : graph.manifests()) {
                        manifestBytes.putIfAbsent(node.descriptor().digest(), node.bytes());
                        manifests.putIfAbsent(node.descriptor().digest(), node.descriptor());
                        repositoryOf.putIfAbsent(node.descriptor().digest(), r.ref().repository());
                        artifactOf.putIfAbsent(node.descriptor().digest(), artifact);
                    }
                    for (Descriptor blob : graph.configs()) {
                        configs.putIfAbsent(blob.digest(), blob);
                    }
                    for (Descriptor blob : graph.layers()) {
                        layers.putIfAbsent(blob.digest(), blob);
                    }
                    for (Descriptor blob : graph.blobs()) {
                        repositoryOf.putIfAbsent(blob.digest(), r.ref().repository());
                        artifactOf.putIfAbsent(blob.digest(), artifact);
                    }
                }
                List<ArchivedArtifact> found = new ArrayList<>();
                found.add(new ArchivedArtifact(r.ref().withRegistry(registry.host()), r.root()));
                for (ContentGraph referrer : r.referrers()) {
                    found.add(new ArchivedArtifact(new ArtifactRef(registry.host(), r.ref().repository(), null,
                            referrer.root().digest()), referrer.root()));
                }
                for (ArchivedArtifact each : found) {
                    if (listed.add(each.source().shortName() + " " + each.root().digest())) {
                        archived.add(each);
                    }
                }
            }
            for (String digest : configs.keySet()) {
                layers.remove(digest);
            }

            // 4. Plan the archive: every offset and the catalog digest are known before any byte moves.
            List<Descriptor> blobs = new ArrayList<>(manifests.values());
            blobs.addAll(configs.values());
            blobs.addAll(layers.values());
            ArchivePlan plan = ArchivePlan.plan(new ArchiveRequest(pipelineName(), runName, registry.location(),
                    archived, blobs));
            progress.totals(plan.totalSize(), artifacts.size());
            progress.phase(RunPhase.COPYING);

            // 5. Write it: in parallel regions when the store can, else as one stream; committed only when whole.
            UploadOptions options = new UploadOptions(overwrite, Map.of(CATEGORY_KEY, CATEGORY_VALUE,
                    CATALOG_DIGEST_KEY, plan.catalogDigest()), plan.totalSize());
            BlobSource source = new BlobSource(manifestBytes, repositoryOf);
            try {
                if (concurrency > 1 && store instanceof RegionUploadSupport regions) {
                    writeRegions(pool, regions, plan, options, source, artifactOf);
                } else {
                    writeStream(plan, options, source, artifactOf);
                }
            } catch (RunFailedException e) {
                String at = e.artifactResults().isEmpty() ? "" : " at " + e.artifactResults().get(0).artifact();
                throw new RunFailedException(e.getMessage(), e.getCause(), skipped(results, e.artifactResults(),
                        "not exported: the export stopped" + at + " and the archive was not committed"));
            }
            long failed = results.stream().filter(r -> r.status() == ArtifactResult.Status.Failed).count();
            results.stream().filter(r -> r.status() != ArtifactResult.Status.Failed)
                    .forEach(progress::artifactFinished);
            progress.phase(RunPhase.DONE);
            RunStatus status = failed == 0 ? RunStatus.Succeeded : RunStatus.CompletedWithErrors;
            return new RunOutcome(status, results, List.of(), plan.catalogDigest(),
                    failed == 0 ? null : failed + " of " + artifacts.size() + " artifacts failed and were not"
                            + " exported: " + GraphCopy.failures(results));
        }
    }

    /** Where each blob's bytes come from: manifests from the walk's cache, the rest from the registry. */
    private final class BlobSource {
        private final Map<String, byte[]> manifestBytes;
        private final Map<String, String> repositoryOf;

        BlobSource(Map<String, byte[]> manifestBytes, Map<String, String> repositoryOf) {
            this.manifestBytes = manifestBytes;
            this.repositoryOf = repositoryOf;
        }

        /** An opener that records which blob it opened last into {@code current[0]}. */
        ArchiveWriter.BlobOpener opener(String[] current) {
            return blob -> {
                current[0] = blob.digest();
                byte[] manifest = manifestBytes.get(blob.digest());
                if (manifest != null) {
                    return new VerifyingInputStream(new ByteArrayInputStream(manifest), blob, "manifest cache");
                }
                return registry.blob(repositoryOf.get(blob.digest()), blob).open();
            };
        }
    }

    /** The whole archive as one ordered stream into a plain upload. */
    private void writeStream(ArchivePlan plan, UploadOptions options, BlobSource source,
                             Map<String, String> artifactOf) {
        String[] current = new String[1];
        SourceWatch[] watch = new SourceWatch[1];
        ArchiveWriter.BlobOpener opener = source.opener(current);
        try (BlobUpload upload = store.upload(blobName, options)) {
            OutputStream out = new CountingOutputStream(upload.output(), progress);
            ArchiveWriter.write(plan, out, blob -> watch[0] = new SourceWatch(opener.open(blob)));
            out.flush();
            upload.commit();
        } catch (IOException | TransferException e) {
            if (e instanceof BlobAlreadyExistsException exists) {
                throw exists;
            }
            boolean sourceSide = (watch[0] != null && watch[0].failure != null) || e instanceof RegistryException;
            throw stopped(current[0], sourceSide, e, artifactOf);
        }
    }

    /** The run's error for a copy that stopped: which blob and artifact, reading (source) or writing (target). */
    private RunFailedException stopped(String digest, boolean sourceSide, Exception cause,
                                       Map<String, String> artifactOf) {
        String what = describe(digest, artifactOf);
        String where = sourceSide ? "reading " + what + " from " + registry.location() + " (source)"
                : "writing " + what + " into " + store.blobUri(blobName) + " (target)";
        String artifact = digest == null ? null : artifactOf.get(digest);
        List<ArtifactResult> failed = artifact == null ? List.of()
                : List.of(ArtifactResult.failed(artifact, null, "stopped while " + where + ": " + GraphCopy.rootMessage(cause),
                        cause));
        return new RunFailedException("Export stopped while " + where + ": " + GraphCopy.rootMessage(cause)
                + ". The upload was aborted and nothing was committed to " + store.blobUri(blobName)
                + "; run it again.", cause, failed);
    }

    /** A region that could not be written, with the blob it was on and whether the source or the target failed. */
    private static final class RegionFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient String digest;
        private final boolean sourceSide;

        RegionFailure(String digest, boolean sourceSide, Exception cause) {
            super(cause);
            this.digest = digest;
            this.sourceSide = sourceSide;
        }
    }

    /** The archive as independent regions, up to {@code concurrency} at once; any failure aborts the upload. */
    private void writeRegions(TaskPool pool, RegionUploadSupport regionStore, ArchivePlan plan,
                              UploadOptions options, BlobSource source, Map<String, String> artifactOf) {
        List<ArchiveRegion> regions = ArchiveWriter.regions(plan, regionStore.maxRegions());
        List<Long> lengths = regions.stream().map(ArchiveRegion::length).toList();
        // Largest first, so the long copies start early and the small ones fill in around them.
        List<ArchiveRegion> order = new ArrayList<>(regions);
        order.sort(Comparator.comparingLong(ArchiveRegion::length).reversed()
                .thenComparingInt(ArchiveRegion::index));
        try (RegionUpload upload = regionStore.uploadRegions(blobName, lengths, options)) {
            List<TaskPool.Task<Void>> tasks = new ArrayList<>();
            for (ArchiveRegion region : order) {
                tasks.add(() -> {
                    writeRegion(upload, plan, region, source);
                    return null;
                });
            }
            // The first failure closes the upload, so regions still being copied fail fast and nothing is committed.
            Exception failure = pool.runAll(tasks, FailurePolicy.STOP, upload::close).firstFailure();
            if (failure != null) {
                throw regionFailure(failure, artifactOf);
            }
            upload.commit();
        } catch (TransferException e) {
            if (e instanceof BlobAlreadyExistsException || e instanceof RunFailedException) {
                throw e;
            }
            throw new RunFailedException("Export could not write " + store.blobUri(blobName) + " (target): "
                    + e.getMessage() + ". Nothing was committed; run it again.", e);
        }
    }

    private void writeRegion(RegionUpload upload, ArchivePlan plan, ArchiveRegion region, BlobSource source)
            throws RegionFailure {
        String[] current = new String[1];
        SourceWatch watch = new SourceWatch(ArchiveWriter.openRegion(plan, region, source.opener(current)));
        ProgressBatch counted = new ProgressBatch(progress);
        try (InputStream in = new MeteredInputStream(watch, counted)) {
            upload.write(region.index(), in);
        } catch (IOException | RuntimeException e) {
            throw new RegionFailure(current[0], watch.failure != null, watch.failure != null ? watch.failure : e);
        } finally {
            counted.flush();
        }
    }

    private RunFailedException regionFailure(Exception failure, Map<String, String> artifactOf) {
        if (failure instanceof RegionFailure rf) {
            return stopped(rf.digest, rf.sourceSide, (Exception) rf.getCause(), artifactOf);
        }
        if (failure instanceof RuntimeException e && !(e instanceof TransferException)) {
            throw unexpected(e);
        }
        return new RunFailedException("Export stopped: " + failure.getMessage() + ". Nothing was committed to "
                + store.blobUri(blobName) + ".", failure);
    }

    /** Remembers the first failure of the stream it wraps: a failure there is the source's (or the content's). */
    private static final class SourceWatch extends FilterInputStream {
        private volatile Exception failure;

        SourceWatch(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException | RuntimeException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }
    }

    private static RuntimeException unexpected(Exception e) {
        return e instanceof RuntimeException r ? r
                : new IllegalStateException("Unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    private String pipelineName() {
        return pipeline.name();
    }

    private static String describe(String digest, Map<String, String> artifactOf) {
        if (digest == null) {
            return "the archive header";
        }
        return "blob " + digest + " of artifact " + artifactOf.getOrDefault(digest, "?");
    }

    /**
     * The results with each artifact named in {@code failed} marked Failed (with that message), and each other one
     * that had gone through so far marked Skipped for {@code reason}.
     */
    private static List<ArtifactResult> skipped(List<ArtifactResult> results, List<ArtifactResult> failed,
                                                String reason) {
        Map<String, ArtifactResult> failures = new HashMap<>();
        failed.forEach(f -> failures.putIfAbsent(f.artifact(), f));
        List<ArtifactResult> out = new ArrayList<>(results.size());
        for (ArtifactResult r : results) {
            if (failures.containsKey(r.artifact())) {
                ArtifactResult f = failures.get(r.artifact());
                out.add(ArtifactResult.failed(r.artifact(), r.digest(), f.message(), f.category()));
            } else if (r.status() == ArtifactResult.Status.Succeeded) {
                out.add(ArtifactResult.skipped(r.artifact(), r.digest(), reason));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /** What to do after an artifact could not be read: wait for the registry, sign in, or fix the reference. */
    private static String advice(Exception e) {
        RegistryException.Reason reason = e instanceof RegistryException re ? re.reason() : null;
        if (reason == RegistryException.Reason.UNREACHABLE) {
            return ". Run it again once the registry can be reached.";
        }
        if (reason == RegistryException.Reason.UNAUTHORIZED || reason == RegistryException.Reason.DENIED) {
            return ". Sign in as said above, then run it again.";
        }
        return ". Fix the reference or set ContinueOnErrors to export the others.";
    }
}
