// An export run: the requested artifacts read from a registry into one archive blob, through the copy engine.
package org.ocitransfer.core.internal.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import org.ocitransfer.core.internal.archive.ArchivedArtifact;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.PartSet;
import org.ocitransfer.core.blob.RegionUploadSupport;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.signing.CatalogSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes an export run: resolves every artifact and walks its graph (with IncludeReferrers, its referrers too)
 * through {@link RegistrySource}, then hands the graphs to {@link PlannedCopy} with an {@link ArchiveTarget}:
 * the whole archive planned first, then every blob streamed from the registry into one new blob of the container,
 * committed only when complete. Without OverwriteBlobs an existing blob fails the run before anything moves, and is
 * untouched.
 *
 * <p>Artifacts are resolved on up to {@code concurrency} threads. When the container supports
 * {@link RegionUploadSupport} (and concurrency is above 1), the archive is written as independent regions, each blob
 * streaming from the registry straight into its planned place, up to {@code concurrency} at once (largest first);
 * the bytes are the same as the sequential stream's. A failure in any region aborts the whole upload: nothing is
 * committed. Otherwise the archive is written as one ordered stream. With a largest part size
 * ({@link #maxPartSize}) the same bytes go into the parts {@code NAME.001}, ... of a
 * {@link org.ocitransfer.core.blob.PartSet} ({@link PartSetUpload}), committed only when every part is whole.
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
    private final CatalogSigner signer;
    private final List<String> baseBlobs;
    private Long maxPartSize;

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
        this(runName, pipeline, registry, store, blobName, artifacts, progress, DEFAULT_CONCURRENCY, null);
    }

    /**
     * @param concurrency how many artifacts are resolved and blobs copied at once (at least 1; 1 writes the archive
     *                    as one ordered stream)
     * @param signer      signs the archive's catalogDigest (the pipeline's signing key); null: unsigned
     */
    public ExportRunner(String runName, ExportPipeline pipeline, Registry registry, BlobStore store, String blobName,
                        List<String> artifacts, ProgressTracker progress, int concurrency, CatalogSigner signer) {
        this(runName, pipeline, registry, store, blobName, artifacts, progress, concurrency, signer, List.of());
    }

    /**
     * @param baseBlobs earlier archives in the same container: the new archive leaves out every blob and manifest
     *                  they hold (a differential archive); empty for a whole archive
     */
    public ExportRunner(String runName, ExportPipeline pipeline, Registry registry, BlobStore store, String blobName,
                        List<String> artifacts, ProgressTracker progress, int concurrency, CatalogSigner signer,
                        List<String> baseBlobs) {
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
        this.signer = signer;
        this.baseBlobs = List.copyOf(baseBlobs);
    }

    /**
     * Writes the archive as a part set {@code NAME.001}, {@code NAME.002}, ... of parts of at most {@code bytes}
     * (null: one blob).
     *
     * @return this runner
     */
    public ExportRunner maxPartSize(Long bytes) {
        this.maxPartSize = bytes;
        return this;
    }

    /** Runs the export. Failures that stop the run are thrown as {@link TransferException}s. */
    public RunOutcome run() {
        boolean overwrite = pipeline.has(PipelineOption.OverwriteBlobs);
        FailurePolicy failurePolicy = FailurePolicy.of(pipeline.options());
        store.preflight(Set.of(StorageAccess.READ, StorageAccess.ADD, StorageAccess.WRITE, StorageAccess.LIST));
        if (!overwrite && store.properties(blobName).isPresent()) {
            throw new BlobAlreadyExistsException(store.location(), blobName);
        }
        if (!overwrite && maxPartSize != null && store.properties(PartSet.partName(blobName, 1)).isPresent()) {
            throw new BlobAlreadyExistsException(store.location(), PartSet.partName(blobName, 1));
        }
        progress.phase(RunPhase.PLANNING);
        // A differential export reads its bases' catalogs (by range) before anything else, so a bad base fails fast.
        BaseArchives bases = BaseArchives.read(store, baseBlobs, blobName);
        if (!bases.bases().isEmpty()) {
            LOG.info("Run {}: differential export; leaving out the {} blobs and manifests held by {}", runName,
                    bases.held().size(), bases.bases());
        }
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
                    throw e instanceof RuntimeException r ? r : new IllegalStateException("Unexpected "
                            + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
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

            // 3. In request order, so the archive's bytes do not depend on which thread finished first: one unit per
            // artifact read and per referrer it brought (named after that artifact in messages); a referrer reached
            // from several artifacts (two tags of one image) is named once in the archive.
            List<ArchivedArtifact> archived = new ArrayList<>();
            Set<String> listed = new HashSet<>();
            List<GraphCopy.Unit> units = new ArrayList<>();
            for (int i = 0; i < artifacts.size(); i++) {
                RegistrySource.Resolved r = resolved.get(i).value();
                if (r == null) {
                    continue;
                }
                List<ArchivedArtifact> found = new ArrayList<>();
                found.add(new ArchivedArtifact(r.ref().withRegistry(registry.host()), r.root()));
                units.add(new GraphCopy.Unit(artifacts.get(i), r.ref(), r.graph()));
                for (ContentGraph referrer : r.referrers()) {
                    ArtifactRef at = new ArtifactRef(registry.host(), r.ref().repository(), null,
                            referrer.root().digest());
                    found.add(new ArchivedArtifact(at, referrer.root()));
                    units.add(new GraphCopy.Unit(artifacts.get(i), at, referrer));
                }
                for (ArchivedArtifact each : found) {
                    if (listed.add(each.source().shortName() + " " + each.root().digest())) {
                        archived.add(each);
                    }
                }
            }

            // 4. The engine writes the archive: planned whole first, then in parallel regions when the store can,
            // else as one stream; committed only when whole.
            String catalogDigest;
            try (ArchiveTarget archive = new ArchiveTarget(new ArchiveTarget.Spec(pipeline.name(), runName,
                    registry.location(), archived, store, blobName, overwrite, concurrency > 1, signer, bases,
                    maxPartSize))) {
                PlannedCopy.run(registry, pool, progress, units, archive);
                catalogDigest = archive.catalogDigest();
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
            return new RunOutcome(status, results, List.of(), catalogDigest,
                    failed == 0 ? null : failed + " of " + artifacts.size() + " artifacts failed and were not"
                            + " exported: " + GraphCopy.failures(results));
        }
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
