package org.ocitransfer.core.internal.run;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunPhase;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.internal.archive.ArchiveFormatException;
import org.ocitransfer.core.internal.archive.ArchiveReader;
import org.ocitransfer.core.internal.archive.ArchiveSource;
import org.ocitransfer.core.internal.archive.Catalog;
import org.ocitransfer.core.internal.archive.IndexEntry;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.PartSet;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.signing.ArchiveSignatureException;
import org.ocitransfer.core.signing.SignatureCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes an import run: opens the archive (every entry checked before anything is pushed) and plans one copy unit
 * per index entry, then hands them to the {@link GraphCopy} engine with the archive as its source: every artifact's
 * blobs (skipping what the target has, mounting from another repository of this run when it can), then each
 * artifact's manifests children before parents, and only when all content is in, the tags. Without
 * OverwriteTags an existing tag pointing elsewhere is left alone and reported. Without ContinueOnErrors any failure
 * stops the run before a single tag moves. With DeleteSourceBlobOnSuccess the archive is deleted only after a wholly
 * successful import.
 *
 * <p>An archive with a catalog (the SDK's own) is imported in parallel: up to {@code concurrency} blobs at once
 * (largest first), each read from the archive by a ranged read of its region and verified while it streams to the
 * registry; then the artifacts' manifests, up to {@code concurrency} artifacts at once. An archive without a catalog
 * (another tool's) is imported in one sequential pass.
 */
public final class ImportRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ImportRunner.class);

    private final String runName;
    private final ImportPipeline pipeline;
    private final Registry registry;
    private final BlobStore store;
    private final PipelineRunRequest request;
    private final ProgressTracker progress;
    private final int concurrency;
    private final List<PublicKey> verifyKeys;

    /**
     * With {@link ExportRunner#DEFAULT_CONCURRENCY}.
     *
     * @param runName  the run
     * @param pipeline its pipeline
     * @param registry the target registry
     * @param store    the source container
     * @param request  the run's request (source blob, optional catalog digest and target repository)
     * @param progress where progress goes
     */
    public ImportRunner(String runName, ImportPipeline pipeline, Registry registry, BlobStore store,
                        PipelineRunRequest request, ProgressTracker progress) {
        this(runName, pipeline, registry, store, request, progress, ExportRunner.DEFAULT_CONCURRENCY, List.of());
    }

    /**
     * @param concurrency how many blobs (then artifacts) are pushed at once; at least 1
     * @param verifyKeys  the pipeline's verify keys: when any, the archive must be signed by one of them
     */
    public ImportRunner(String runName, ImportPipeline pipeline, Registry registry, BlobStore store,
                        PipelineRunRequest request, ProgressTracker progress, int concurrency,
                        List<PublicKey> verifyKeys) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("Concurrency must be at least 1, got " + concurrency);
        }
        this.runName = runName;
        this.pipeline = pipeline;
        this.registry = registry;
        this.store = store;
        this.request = request;
        this.progress = progress;
        this.concurrency = concurrency;
        this.verifyKeys = List.copyOf(verifyKeys);
    }

    /** Runs the import. Failures that stop the run are thrown as {@link TransferException}s. */
    public RunOutcome run() {
        String blobName = request.source().name();
        Set<StorageAccess> needs = EnumSet.of(StorageAccess.READ, StorageAccess.LIST);
        if (pipeline.has(PipelineOption.DeleteSourceBlobOnSuccess)) {
            needs.add(StorageAccess.DELETE);
        }
        progress.phase(RunPhase.PLANNING);
        store.preflight(needs);
        ArchiveSource archive = ArchiveSource.open(store, blobName);
        FailurePolicy failurePolicy = FailurePolicy.of(pipeline.options());
        List<ArtifactResult> results = new ArrayList<>();
        List<String> imported = new ArrayList<>();
        String catalogDigest;
        try (ArchiveReader reader = ArchiveReader.open(archive)) {
            catalogDigest = reader.catalogDigest().orElse(null);
            if (request.catalogDigest() != null && !request.catalogDigest().equals(catalogDigest)) {
                throw new RunFailedException("Archive " + store.blobUri(blobName) + " has catalog digest "
                        + (catalogDigest == null ? "(none: it has no catalog.json)" : catalogDigest)
                        + ", not the " + request.catalogDigest() + " the run asked for: it is another archive, or"
                        + " was altered. Nothing was imported.");
            }
            requireSignature(reader, store.blobUri(blobName));
            // Planning reads nothing: the reader parsed every manifest once when it opened the archive.
            List<GraphCopy.Unit> planned;
            try (TaskPool planners = new TaskPool(runName, concurrency)) {
                planned = plan(planners, reader, results, failurePolicy);
                Catalog catalog = reader.catalog().orElse(null);
                if (catalog != null && catalog.differential()) {
                    // Before anything is written: the target must hold what the archive leaves out.
                    BaseCheck.require(runName, store.blobUri(blobName), catalog, registry, planners, planned,
                            reader.leftOut());
                }
            }
            progress.totals(GraphCopy.totalBytes(planned), reader.index().size());

            // An archive with a catalog moves in parallel; another tool's archive in one sequential pass.
            boolean parallel = reader.catalog().isPresent() && concurrency > 1;
            try (TaskPool pool = new TaskPool(runName, parallel ? concurrency : 1)) {
                List<ArtifactResult> copied = new GraphCopy(runName, new ArchiveContent(reader), registry, pool,
                        progress, new GraphCopy.Policy(failurePolicy, pipeline.has(PipelineOption.OverwriteTags),
                        parallel, "import", "imported")).run(planned);
                for (int i = 0; i < planned.size(); i++) {
                    ArtifactResult result = copied.get(i);
                    results.add(result);
                    ArtifactRef target = planned.get(i).target();
                    if (result.status() == ArtifactResult.Status.Succeeded) {
                        imported.add(target.shortName());
                    } else if (result.status() == ArtifactResult.Status.TagKept) {
                        imported.add(target.repository() + "@" + result.digest());
                    }
                }
            }
        }
        long failed = results.stream().filter(r -> r.status() == ArtifactResult.Status.Failed).count();
        if (failed > 0 && imported.isEmpty()) {
            throw new RunFailedException("No artifact could be imported from " + store.blobUri(blobName) + ": "
                    + GraphCopy.failures(results), null, results);
        }
        RunStatus status = failed == 0 ? RunStatus.Succeeded : RunStatus.CompletedWithErrors;
        if (status == RunStatus.Succeeded && pipeline.has(PipelineOption.DeleteSourceBlobOnSuccess)) {
            progress.phase(RunPhase.COMMITTING);
            deleteArchive(blobName);
            LOG.info("Run {}: deleted {} after a successful import (DeleteSourceBlobOnSuccess)", runName,
                    store.blobUri(blobName));
        }
        progress.phase(RunPhase.DONE);
        return new RunOutcome(status, results, imported, catalogDigest, failed == 0 ? null : failed + " of "
                + results.size() + " artifacts failed: " + GraphCopy.failures(results));
    }

    /**
     * With verify keys, refuses (before anything is written or tagged) an archive that is unsigned, or whose signature
     * verifies with none of them.
     */
    private void requireSignature(ArchiveReader reader, String archive) {
        if (verifyKeys.isEmpty()) {
            return;
        }
        SignatureCheck check = reader.checkSignature(verifyKeys);
        switch (check.status()) {
            case VALID -> LOG.info("Run {}: archive {}: {}", runName, archive, check.reason());
            case UNSIGNED -> throw new ArchiveSignatureException("Archive " + archive + " is refused: " + check.reason()
                    + ", and import pipeline " + pipeline.name() + " accepts only archives signed by one of its "
                    + verifyKeys.size() + " verify keys. Export it with a pipeline that has a signing key. Nothing"
                    + " was imported.", ErrorCategory.INVALID_INPUT);
            default -> throw new ArchiveSignatureException("Archive " + archive + " is refused: " + check.reason()
                    + ". Check that import pipeline " + pipeline.name() + " has the public key of the exporting"
                    + " pipeline's signing key, or export the archive again. Nothing was imported.",
                    ErrorCategory.DENIED);
        }
    }

    /** Deletes the archive: its blob, or every part of its part set (the first one last). */
    private void deleteArchive(String blobName) {
        if (store.delete(blobName)) {
            return;
        }
        PartSet parts = PartSet.find(store, blobName).orElse(null);
        if (parts != null) {
            for (int i = parts.count(); i >= 1; i--) {
                store.delete(parts.partName(i));
            }
        }
    }

    /** The archive as the copy's source: every read a ranged read of the archive blob. */
    private final class ArchiveContent implements GraphCopy.Source {
        private final ArchiveReader reader;

        ArchiveContent(ArchiveReader reader) {
            this.reader = reader;
        }

        @Override
        public String where(GraphCopy.Unit unit) {
            return "archive " + store.blobUri(request.source().name());
        }

        /**
         * From an archive with a catalog, a plain ranged read of the blob's region: the push verifies size and
         * digest as it streams (the {@link Repository#push} contract), so the bytes are hashed once. Otherwise the
         * reader's verifying stream.
         */
        @Override
        public ContentSource blob(GraphCopy.Unit unit, Descriptor blob) {
            if (reader.catalog().isEmpty()) {
                return reader.contentSource(blob);
            }
            long offset = reader.dataOffset(blob);
            ArchiveSource archive = reader.source();
            return ContentSource.reopenable(() -> archive.open(offset, blob.size()));
        }

        /** Read again from the archive (verified) as each is pushed: the plan holds none. */
        @Override
        public byte[] manifest(GraphCopy.Unit unit, ContentGraph.ManifestNode node) {
            return reader.readManifest(node.descriptor());
        }

        @Override
        public boolean failedReading(Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ArchiveFormatException || t instanceof BlobStoreException
                        || t instanceof ContentVerificationException) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Plans every artifact from the manifests the reader parsed when it opened the archive (no read here): one
     * graph per distinct root, shared by every artifact naming it, holding no manifest bytes. Refuses the archive
     * when it names one tag for two digests. Results in index order.
     */
    private List<GraphCopy.Unit> plan(TaskPool pool, ArchiveReader reader, List<ArtifactResult> results,
                                      FailurePolicy failurePolicy) {
        List<IndexEntry> entries = reader.index();
        List<TaskPool.Task<GraphCopy.Unit>> tasks = new ArrayList<>();
        Map<String, ContentGraph> graphs = new ConcurrentHashMap<>();
        for (IndexEntry entry : entries) {
            tasks.add(() -> {
                ArtifactRef target = targetOf(entry);
                ContentGraph graph = graphs.computeIfAbsent(entry.descriptor().digest(),
                        d -> ContentGraph.walkParsed(entry.descriptor().plain(), reader::parsed,
                                reader.leftOut().keySet()));
                for (Descriptor blob : graph.blobs()) {
                    if (!reader.contains(blob.digest())) {
                        throw new RunFailedException("the archive lacks blob " + blob.digest() + " of "
                                + entry.label());
                    }
                }
                return new GraphCopy.Unit(target.shortName(), target, graph);
            });
        }
        List<TaskPool.Outcome<GraphCopy.Unit>> outcomes = pool.runAll(tasks, FailurePolicy.CONTINUE).outcomes();
        refuseTagsOfTwoDigests(entries, outcomes);
        List<GraphCopy.Unit> planned = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            TaskPool.Outcome<GraphCopy.Unit> outcome = outcomes.get(i);
            if (outcome.failure() == null) {
                planned.add(outcome.value());
                continue;
            }
            if (!(outcome.failure() instanceof TransferException)
                    && !(outcome.failure() instanceof IllegalArgumentException)) {
                throw outcome.failure() instanceof RuntimeException r ? r : new IllegalStateException("Unexpected "
                        + outcome.failure(), outcome.failure());
            }
            IndexEntry entry = entries.get(i);
            String label = entry.label();
            Exception e = outcome.failure();
            results.add(ArtifactResult.failed(label, entry.descriptor().digest(), e.getMessage(), e));
            progress.artifactFinished(results.get(results.size() - 1));
            if (failurePolicy.stops()) {
                throw new RunFailedException("Archive entry " + label + " in " + store.blobUri(request.source()
                        .name()) + " (source) cannot be imported: " + e.getMessage() + ". Nothing was imported.", e,
                        stoppedAtPlanning(entries, outcomes, label));
            }
        }
        return planned;
    }

    /**
     * An archive naming one tag for two or more digests is refused before anything is written: which digest would
     * end up tagged is undefined (tags are set in parallel). Names resolve as the import tags them (a bare tag with
     * the run's targetRepository or containerd's image name).
     */
    private void refuseTagsOfTwoDigests(List<IndexEntry> entries, List<TaskPool.Outcome<GraphCopy.Unit>> outcomes) {
        Map<String, Set<String>> digests = new LinkedHashMap<>();
        for (TaskPool.Outcome<GraphCopy.Unit> outcome : outcomes) {
            if (outcome.failure() == null && outcome.value().target().tag() != null) {
                digests.computeIfAbsent(outcome.value().target().shortName(), t -> new LinkedHashSet<>())
                        .add(outcome.value().graph().root().digest());
            }
        }
        for (Map.Entry<String, Set<String>> e : digests.entrySet()) {
            if (e.getValue().size() > 1) {
                throw new RunFailedException("Archive " + store.blobUri(request.source().name()) + " (source) is"
                        + " refused: its index.json names " + e.getKey() + " for more than one digest ("
                        + String.join(", ", e.getValue()) + "), so which one would be tagged is undefined. Nothing"
                        + " was imported; export the archive again with one digest per tag.", null,
                        stoppedAtPlanning(entries, outcomes, e.getKey()));
            }
        }
    }

    /** Every entry's outcome when planning stopped the run at {@code stoppedAt}: Failed or Skipped. */
    private static List<ArtifactResult> stoppedAtPlanning(List<IndexEntry> entries,
                                                          List<TaskPool.Outcome<GraphCopy.Unit>> outcomes, String stoppedAt) {
        List<ArtifactResult> results = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            IndexEntry entry = entries.get(i);
            Exception failure = outcomes.get(i).failure();
            results.add(failure != null
                    ? ArtifactResult.failed(entry.label(), entry.descriptor().digest(), failure.getMessage(), failure)
                    : ArtifactResult.skipped(entry.label(), entry.descriptor().digest(), "not imported: the run"
                            + " stopped because archive entry " + stoppedAt + " cannot be imported; nothing was"
                            + " imported"));
        }
        return results;
    }

    private ArtifactRef targetOf(IndexEntry entry) {
        String refName = entry.refName();
        String digest = entry.descriptor().digest();
        if (refName != null && (refName.contains(":") || refName.contains("@") || refName.contains("/"))) {
            ArtifactRef ref = ArtifactRef.parse(refName);
            return new ArtifactRef(null, ref.repository(), ref.tag(), ref.digest() == null ? null : digest);
        }
        // No repository in ref.name: a bare tag (or nothing). The full image name, or the caller, names it.
        String repository = request.targetRepository();
        if (repository == null && entry.imageName() != null) {
            repository = ArtifactRef.parse(entry.imageName()).repository();
        }
        if (repository == null) {
            throw new IllegalArgumentException("the archive names " + digest + " only by "
                    + (refName == null ? "its digest" : "the tag '" + refName + "'")
                    + ", without a repository: set the run's targetRepository");
        }
        return refName == null ? new ArtifactRef(null, repository, null, digest)
                : new ArtifactRef(null, repository, refName, null);
    }
}
