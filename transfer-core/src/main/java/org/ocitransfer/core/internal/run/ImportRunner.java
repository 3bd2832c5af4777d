package org.ocitransfer.core.internal.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunPhase;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.internal.archive.ArchiveFormatException;
import org.ocitransfer.core.internal.archive.ArchiveReader;
import org.ocitransfer.core.internal.archive.ArchiveSource;
import org.ocitransfer.core.internal.archive.IndexEntry;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.MountSupport;
import org.ocitransfer.core.registry.ReferrersSupport;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.TagBatchSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes an import run: opens the archive (every entry checked before anything is pushed), then pushes every
 * artifact's blobs (skipping what the target has, mounting from another repository of this run when it can), then
 * each artifact's manifests children before parents, and only when all content is in, the tags. Without
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
        this(runName, pipeline, registry, store, request, progress, ExportRunner.DEFAULT_CONCURRENCY);
    }

    /** @param concurrency how many blobs (then artifacts) are pushed at once; at least 1 */
    public ImportRunner(String runName, ImportPipeline pipeline, Registry registry, BlobStore store,
                        PipelineRunRequest request, ProgressTracker progress, int concurrency) {
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
    }

    /** Why an artifact could not be imported: what was being done, and on which side it failed. */
    private record Failure(String message, Exception cause) {
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
        BlobItem item = store.properties(blobName).orElseThrow(() -> new BlobNotFoundException(store.location(),
                blobName));
        boolean continueOnErrors = pipeline.has(PipelineOption.ContinueOnErrors);
        List<ArtifactResult> results = new ArrayList<>();
        List<String> imported = new ArrayList<>();
        String catalogDigest;
        try (ArchiveReader reader = ArchiveReader.open(ArchiveSource.of(store, blobName, item.size()))) {
            catalogDigest = reader.catalogDigest().orElse(null);
            if (request.catalogDigest() != null && !request.catalogDigest().equals(catalogDigest)) {
                throw new RunFailedException("Archive " + store.blobUri(blobName) + " has catalog digest "
                        + (catalogDigest == null ? "(none: it has no catalog.json)" : catalogDigest)
                        + ", not the " + request.catalogDigest() + " the run asked for: it is another archive, or"
                        + " was altered. Nothing was imported.");
            }
            // Planning reads nothing: the reader parsed every manifest once when it opened the archive.
            List<Planned> planned;
            try (TaskPool planners = new TaskPool(runName, concurrency)) {
                planned = plan(planners, reader, results, continueOnErrors);
            }
            long total = 0;
            Set<String> counted = ConcurrentHashMap.newKeySet();
            for (Planned p : planned) {
                for (ContentGraph.ManifestNode m : p.graph().manifests()) {
                    total += counted.add(m.descriptor().digest()) ? m.descriptor().size() : 0;
                }
                for (Descriptor b : p.graph().blobs()) {
                    total += counted.add(b.digest()) ? b.size() : 0;
                }
            }
            counted.clear();
            progress.totals(total, reader.index().size());
            progress.phase(RunPhase.COPYING);

            // An archive with a catalog moves in parallel; another tool's archive in one sequential pass.
            boolean parallel = reader.catalog().isPresent() && concurrency > 1;
            Map<Integer, Failure> failures = new ConcurrentHashMap<>();
            try (TaskPool pool = new TaskPool(runName, parallel ? concurrency : 1)) {
                Map<Integer, List<Integer>> units = units(planned);
                pushBlobs(pool, reader, planned, units, failures, continueOnErrors, parallel);
                pushManifests(pool, reader, planned, units, failures, continueOnErrors, counted);
                progress.phase(RunPhase.TAGGING);
                // One index.json write for all the tags of an OCI layout target, not one per tag.
                try (TagBatchSupport.TagBatch tags = TagBatchSupport.open(registry,
                        planned.stream().map(p -> p.target().repository()).toList())) {
                    tagAll(pool, planned, failures, continueOnErrors, results, imported);
                }
            }
        }
        long failed = results.stream().filter(r -> r.status() == ArtifactResult.Status.Failed).count();
        if (failed > 0 && imported.isEmpty()) {
            throw new RunFailedException("No artifact could be imported from " + store.blobUri(blobName) + ": "
                    + ExportRunner.failures(results), null, results);
        }
        RunStatus status = failed == 0 ? RunStatus.Succeeded : RunStatus.CompletedWithErrors;
        if (status == RunStatus.Succeeded && pipeline.has(PipelineOption.DeleteSourceBlobOnSuccess)) {
            progress.phase(RunPhase.COMMITTING);
            store.delete(blobName);
            LOG.info("Run {}: deleted {} after a successful import (DeleteSourceBlobOnSuccess)", runName,
                    store.blobUri(blobName));
        }
        progress.phase(RunPhase.DONE);
        return new RunOutcome(status, results, imported, catalogDigest, failed == 0 ? null : failed + " of "
                + results.size() + " artifacts failed: " + ExportRunner.failures(results));
    }

    /**
     * Phase 3: the tags, last, and only for artifacts whose whole content arrived; up to the pool's width at once.
     * Results are listed in the archive's order.
     */
    private void tagAll(TaskPool pool, List<Planned> planned, Map<Integer, Failure> failures,
                        boolean continueOnErrors, List<ArtifactResult> results, List<String> imported) {
        List<TaskPool.Task<ArtifactResult>> tasks = new ArrayList<>();
        for (int i = 0; i < planned.size(); i++) {
            Planned p = planned.get(i);
            Failure failure = failures.get(i);
            tasks.add(() -> {
                ArtifactResult result = failure != null ? ArtifactResult.failed(p.target().shortName(),
                        p.graph().root().digest(), failure.message(), failure.cause()) : tag(p);
                progress.artifactFinished(result);
                return result;
            });
        }
        List<TaskPool.Outcome<ArtifactResult>> outcomes = pool.runAll(tasks, !continueOnErrors, null).outcomes();
        RunFailedException stop = null;
        int skippedFrom = results.size();
        for (int i = 0; i < planned.size(); i++) {
            Planned p = planned.get(i);
            TaskPool.Outcome<ArtifactResult> outcome = outcomes.get(i);
            if (outcome.skipped()) {
                // A failure stopped the phase before this tag: listed as Skipped once that failure is known.
                results.add(ArtifactResult.skipped(p.target().shortName(), p.graph().root().digest(), null));
                continue;
            }
            if (outcome.failure() == null) {
                ArtifactResult result = outcome.value();
                results.add(result);
                if (result.status() != ArtifactResult.Status.Failed) {
                    imported.add(result.status() == ArtifactResult.Status.Succeeded ? p.target().shortName()
                            : p.target().repository() + "@" + p.graph().root().digest());
                }
                continue;
            }
            if (!(outcome.failure() instanceof TransferException e)) {
                throw outcome.failure() instanceof RuntimeException r ? r : new IllegalStateException("Unexpected "
                        + outcome.failure(), outcome.failure());
            }
            String message = "Artifact " + p.target().shortName() + " (" + p.graph().root().digest()
                    + ") could not be tagged in " + registry.location() + " (target): " + e.getMessage();
            LOG.warn("Run {}: {}", runName, message);
            results.add(ArtifactResult.failed(p.target().shortName(), p.graph().root().digest(), e.getMessage(), e));
            progress.artifactFinished(results.get(results.size() - 1));
            if (!continueOnErrors && stop == null) {
                stop = new RunFailedException(message + ". Set ContinueOnErrors to import the others.", e);
            }
        }
        if (stop != null) {
            String reason = "not tagged: the run stopped when another tag could not be moved (see the failed"
                    + " artifact); its content is in the target, untagged";
            for (int i = skippedFrom; i < results.size(); i++) {
                ArtifactResult r = results.get(i);
                if (r.status() == ArtifactResult.Status.Skipped) {
                    results.set(i, ArtifactResult.skipped(r.artifact(), r.digest(), reason));
                }
            }
            throw new RunFailedException(stop.getMessage(), stop.getCause(), results);
        }
    }

    /**
     * The artifacts that place the same root in the same repository (several tags of one image), by their first
     * artifact's position: their content is pushed once, for the first; a failure fails them all.
     */
    private static Map<Integer, List<Integer>> units(List<Planned> planned) {
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < planned.size(); i++) {
            Planned p = planned.get(i);
            byKey.computeIfAbsent(p.target().repository() + "@" + p.graph().root().digest(), k -> new ArrayList<>())
                    .add(i);
        }
        Map<Integer, List<Integer>> units = new LinkedHashMap<>();
        byKey.values().forEach(members -> units.put(members.get(0), members));
        return units;
    }

    /** One blob to push, and for each target repository the units (by first artifact) that need it there. */
    private record BlobJob(Descriptor blob, Map<String, List<Integer>> users) {
    }

    /**
     * Phase 1: every blob, once per target repository (pushed into the first, mounted into the others where the
     * registry can), up to the pool's width at once, largest first when parallel.
     */
    private void pushBlobs(TaskPool pool, ArchiveReader reader, List<Planned> planned,
                           Map<Integer, List<Integer>> units, Map<Integer, Failure> failures, boolean continueOnErrors,
                           boolean parallel) {
        Map<String, BlobJob> jobs = new LinkedHashMap<>();
        for (int i : units.keySet()) {
            Planned p = planned.get(i);
            for (Descriptor blob : p.graph().blobs()) {
                jobs.computeIfAbsent(blob.digest(), d -> new BlobJob(blob, new LinkedHashMap<>()))
                        .users().computeIfAbsent(p.target().repository(), r -> new ArrayList<>()).add(i);
            }
        }
        List<BlobJob> order = new ArrayList<>(jobs.values());
        if (parallel) {
            order.sort(Comparator.comparingLong((BlobJob j) -> j.blob().size()).reversed());
        }
        List<TaskPool.Task<Void>> tasks = new ArrayList<>();
        for (BlobJob job : order) {
            tasks.add(() -> {
                pushBlob(reader, job, units, failures, continueOnErrors);
                return null;
            });
        }
        finishPhase(pool.runAll(tasks, !continueOnErrors, null), planned, failures, continueOnErrors);
    }

    private void pushBlob(ArchiveReader reader, BlobJob job, Map<Integer, List<Integer>> units,
                          Map<Integer, Failure> failures, boolean continueOnErrors) {
        Descriptor blob = job.blob();
        ProgressingSource source = new ProgressingSource(bodyOf(reader, blob), blob.size());
        String landed = null;
        for (Map.Entry<String, List<Integer>> use : job.users().entrySet()) {
            if (use.getValue().stream().allMatch(failures::containsKey)) {
                continue;
            }
            String repository = use.getKey();
            try {
                Repository target = registry.repository(repository);
                if (!target.exists(blob)) {
                    boolean mounted = landed != null && target instanceof MountSupport m && m.mount(blob, landed);
                    if (!mounted) {
                        target.push(blob, source);
                    }
                }
                if (landed == null) {
                    landed = repository;
                }
            } catch (TransferException | IllegalArgumentException e) {
                Failure failure = new Failure(describeFailure("blob " + blob.digest(), repository, e), e);
                use.getValue().forEach(unit -> units.get(unit).forEach(i -> failures.putIfAbsent(i, failure)));
                LOG.warn("Run {}: {}", runName, failure.message());
                if (!continueOnErrors) {
                    throw e;
                }
            }
        }
        source.finish();
    }

    /**
     * A blob's push body. From an archive with a catalog, a plain ranged read of its region: the push verifies size
     * and digest as it streams (the {@link Repository#push} contract), so the bytes are hashed once. Otherwise the
     * reader's verifying stream.
     */
    private ContentSource bodyOf(ArchiveReader reader, Descriptor blob) {
        if (reader.catalog().isEmpty()) {
            return reader.contentSource(blob);
        }
        long offset = reader.dataOffset(blob);
        ArchiveSource archive = reader.source();
        return ContentSource.reopenable(() -> archive.open(offset, blob.size()));
    }

    /**
     * Phase 2: each unit's manifests, children before parents, up to the pool's width of units at once. The bytes
     * are read again from the archive (verified) as each is pushed: the plan holds none.
     */
    private void pushManifests(TaskPool pool, ArchiveReader reader, List<Planned> planned,
                               Map<Integer, List<Integer>> units, Map<Integer, Failure> failures,
                               boolean continueOnErrors, Set<String> counted) {
        List<TaskPool.Task<Void>> tasks = new ArrayList<>();
        for (int i : units.keySet()) {
            if (failures.containsKey(i)) {
                continue;
            }
            int index = i;
            Planned p = planned.get(i);
            tasks.add(() -> {
                Repository target = registry.repository(p.target().repository());
                for (ContentGraph.ManifestNode node : p.graph().manifests()) {
                    try {
                        if (!target.exists(node.descriptor())) {
                            target.push(node.descriptor(), ContentSource.of(reader.readManifest(node.descriptor())));
                        }
                        if (node.parsed().subject() != null && target instanceof ReferrersSupport referrers) {
                            referrers.addReferrer(node.parsed().subject(), withArtifactType(node));
                        }
                    } catch (TransferException | IllegalArgumentException e) {
                        Failure failure = new Failure(describeFailure("manifest " + node.descriptor().digest(),
                                p.target().repository(), e), e);
                        units.get(index).forEach(member -> failures.putIfAbsent(member, failure));
                        LOG.warn("Run {}: {}", runName, failure.message());
                        if (!continueOnErrors) {
                            throw e;
                        }
                        return null;
                    }
                    if (counted.add(node.descriptor().digest())) {
                        progress.bytes(node.descriptor().size());
                    }
                }
                return null;
            });
        }
        finishPhase(pool.runAll(tasks, !continueOnErrors, null), planned, failures, continueOnErrors);
    }

    /**
     * After a phase: an unexpected exception goes up as it is; without ContinueOnErrors any failure stops the run
     * here, before a tag moves.
     */
    private void finishPhase(TaskPool.Batch<Void> batch, List<Planned> planned, Map<Integer, Failure> failures,
                             boolean continueOnErrors) {
        Exception first = batch.firstFailure();
        if (first != null && !(first instanceof TransferException) && !(first instanceof IllegalArgumentException)) {
            throw first instanceof RuntimeException r ? r : new IllegalStateException("Unexpected "
                    + first.getClass().getSimpleName() + ": " + first.getMessage(), first);
        }
        if (!continueOnErrors && !failures.isEmpty()) {
            Map.Entry<Integer, Failure> earliest = new TreeMap<>(failures).firstEntry();
            Planned p = planned.get(earliest.getKey());
            List<ArtifactResult> results = new ArrayList<>(planned.size());
            for (int i = 0; i < planned.size(); i++) {
                Planned each = planned.get(i);
                Failure failure = failures.get(i);
                results.add(failure != null
                        ? ArtifactResult.failed(each.target().shortName(), each.graph().root().digest(),
                                failure.message(), failure.cause())
                        : ArtifactResult.skipped(each.target().shortName(), each.graph().root().digest(),
                                "not imported: the run stopped at the failure of " + p.target().shortName()
                                        + " before any tag moved"));
            }
            throw new RunFailedException("Artifact " + p.target().shortName() + " (" + p.graph().root().digest()
                    + ") could not be imported: " + earliest.getValue().message() + ". No tag was touched. Set"
                    + " ContinueOnErrors to import the others.", earliest.getValue().cause(), results);
        }
    }

    /** Names the operation and the side that failed: the archive (source) or the registry (target). */
    private String describeFailure(String what, String repository, Exception e) {
        boolean source = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ArchiveFormatException || t instanceof BlobStoreException
                    || t instanceof ContentVerificationException) {
                source = true;
                break;
            }
        }
        return source ? "reading " + what + " from archive " + store.blobUri(request.source().name())
                + " (source) failed: " + e.getMessage()
                : "writing " + what + " to " + registry.location() + "/" + repository + " (target) failed: "
                + e.getMessage();
    }

    /**
     * A blob's push body that reports progress as it is read: bytes re-read by a retried push are not counted again,
     * and {@link #finish()} counts what did not need to move (already there, or mounted).
     */
    private final class ProgressingSource implements ContentSource {
        private final ContentSource source;
        private final long size;
        private volatile long reported;

        ProgressingSource(ContentSource source, long size) {
            this.source = source;
            this.size = size;
        }

        @Override
        public InputStream open() throws IOException {
            long[] position = {0}; // of this opening: a retried push reads from 0 again
            return new MeteredInputStream(source.open(), n -> {
                position[0] += n;
                if (position[0] > reported + (1 << 20) || position[0] == size) {
                    report(position[0]);
                }
            });
        }

        private synchronized void report(long position) {
            long upTo = Math.min(position, size);
            if (upTo > reported) {
                progress.bytes(upTo - reported);
                reported = upTo;
            }
        }

        void finish() {
            report(size);
        }

        @Override
        public boolean replayable() {
            return source.replayable();
        }
    }

    private record Planned(ArtifactRef target, ContentGraph graph) {
    }

    /**
     * Plans every artifact from the manifests the reader parsed when it opened the archive (no read here): one
     * graph per distinct root, shared by every artifact naming it, holding no manifest bytes. Refuses the archive
     * when it names one tag for two digests. Results in index order.
     */
    private List<Planned> plan(TaskPool pool, ArchiveReader reader, List<ArtifactResult> results,
                               boolean continueOnErrors) {
        List<IndexEntry> entries = reader.index();
        List<TaskPool.Task<Planned>> tasks = new ArrayList<>();
        Map<String, ContentGraph> graphs = new ConcurrentHashMap<>();
        for (IndexEntry entry : entries) {
            tasks.add(() -> {
                progress.artifactStarted(label(entry), entry.descriptor().digest());
                ArtifactRef target = targetOf(entry);
                ContentGraph graph = graphs.computeIfAbsent(entry.descriptor().digest(),
                        d -> ContentGraph.walkParsed(entry.descriptor().plain(), reader::parsed));
                for (Descriptor blob : graph.blobs()) {
                    if (!reader.contains(blob.digest())) {
                        throw new RunFailedException("the archive lacks blob " + blob.digest() + " of "
                                + label(entry));
                    }
                }
                return new Planned(target, graph);
            });
        }
        List<TaskPool.Outcome<Planned>> outcomes = pool.runAll(tasks, false, null).outcomes();
        refuseTagsOfTwoDigests(entries, outcomes);
        List<Planned> planned = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            TaskPool.Outcome<Planned> outcome = outcomes.get(i);
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
            String label = label(entry);
            Exception e = outcome.failure();
            results.add(ArtifactResult.failed(label, entry.descriptor().digest(), e.getMessage(), e));
            progress.artifactFinished(results.get(results.size() - 1));
            if (!continueOnErrors) {
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
    private void refuseTagsOfTwoDigests(List<IndexEntry> entries, List<TaskPool.Outcome<Planned>> outcomes) {
        Map<String, Set<String>> digests = new LinkedHashMap<>();
        for (TaskPool.Outcome<Planned> outcome : outcomes) {
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
                                                          List<TaskPool.Outcome<Planned>> outcomes, String stoppedAt) {
        List<ArtifactResult> results = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            IndexEntry entry = entries.get(i);
            Exception failure = outcomes.get(i).failure();
            results.add(failure != null
                    ? ArtifactResult.failed(label(entry), entry.descriptor().digest(), failure.getMessage(), failure)
                    : ArtifactResult.skipped(label(entry), entry.descriptor().digest(), "not imported: the run"
                            + " stopped because archive entry " + stoppedAt + " cannot be imported; nothing was"
                            + " imported"));
        }
        return results;
    }

    private static String label(IndexEntry entry) {
        return entry.refName() != null ? entry.refName() : entry.descriptor().digest();
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

    /** Phase 3: the artifact's tag, unless OverwriteTags is off and the tag points elsewhere. */
    private ArtifactResult tag(Planned p) {
        Repository target = registry.repository(p.target().repository());
        Descriptor root = p.graph().root();
        String tag = p.target().tag();
        if (tag == null) {
            return ArtifactResult.succeeded(p.target().shortName(), root.digest());
        }
        Descriptor existing = currentTag(target, tag);
        if (existing != null && !existing.digest().equals(root.digest())
                && !pipeline.has(PipelineOption.OverwriteTags)) {
            String message = "tag " + p.target().shortName() + " already points at " + existing.digest()
                    + " and was left alone; the content is in the target as " + p.target().repository() + "@"
                    + root.digest() + " (set OverwriteTags to move the tag)";
            LOG.info("Run {}: {}", runName, message);
            return new ArtifactResult(p.target().shortName(), root.digest(), ArtifactResult.Status.TagKept, message);
        }
        if (existing == null || !existing.digest().equals(root.digest())) {
            target.tag(root, tag);
        }
        return ArtifactResult.succeeded(p.target().shortName(), root.digest());
    }

    private static Descriptor withArtifactType(ContentGraph.ManifestNode node) {
        Descriptor d = node.descriptor();
        String type = node.parsed().artifactType() != null ? node.parsed().artifactType()
                : node.parsed().config() != null ? node.parsed().config().mediaType() : null;
        return new Descriptor(d.mediaType(), d.digest(), d.size(), null, null, null, type);
    }

    private static Descriptor currentTag(Repository target, String tag) {
        try {
            return target.resolve(tag);
        } catch (RegistryException e) {
            if (e.reason() == RegistryException.Reason.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }
}
