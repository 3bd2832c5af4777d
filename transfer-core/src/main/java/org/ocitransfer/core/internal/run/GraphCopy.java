// The one graph-copy engine: moves artifacts' content graphs into a target registry, blobs, then manifests, then tags.
package org.ocitransfer.core.internal.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.RunPhase;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.registry.MountSupport;
import org.ocitransfer.core.registry.ReferrersSupport;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.TagBatchSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the content graphs of a run's artifacts into a target registry (an HTTP registry, an OCI layout, memory),
 * whatever they are read from (an archive, another registry, a layout), in three phases: every blob once per target
 * repository (skipped when there, mounted from another repository of the run when the target can, pushed otherwise;
 * largest first when parallel), then each artifact's manifests children before parents (registering referrers), and
 * only when all content is in, the tags (one tag batch per layout target). The artifacts that place one root in one
 * repository (two tags of one image) share their content, pushed once; a failure fails them all.
 *
 * <p>One place for the copy's rules: with {@link FailurePolicy#STOP} the first failure stops the run before any tag
 * moves (the others Skipped); with {@link FailurePolicy#CONTINUE} the failed artifacts are reported and the others
 * go on. Each failure names its side: reading from the source, or writing into the target. Without OverwriteTags a
 * tag pointing elsewhere is left alone (TagKept). Progress goes through the {@link ProgressTracker}.
 *
 * <p>A target planned whole before any byte moves (an archive blob) is written by {@link PlannedCopy} from the same
 * units and the same {@link Source}.
 *
 * <p>Phases 1 and 2 and the stop at a failure are here; phase 3 is {@link TagPhase}, a blob's progress
 * {@link ProgressingSource}.
 */
final class GraphCopy {

    private static final Logger LOG = LoggerFactory.getLogger(GraphCopy.class);

    /** Where the content comes from: an archive, a registry, a layout. */
    interface Source {

        /** Where a unit's content is read from, for messages: {@code archive <uri>}, {@code <registry>/<repo>}. */
        String where(Unit unit);

        /** A blob's body; the target's push verifies size and digest as it streams. */
        ContentSource blob(Unit unit, Descriptor blob);

        /** A manifest's exact bytes, verified. */
        byte[] manifest(Unit unit, ContentGraph.ManifestNode node);

        /** Whether a failure is the source's (its content, its storage), beyond what the engine saw read. */
        default boolean failedReading(Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ContentVerificationException) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * One artifact to copy.
     *
     * @param label  its name in results: as requested, or as the archive names it
     * @param target where it goes: repository, and tag or digest
     * @param graph  its content
     */
    record Unit(String label, ArtifactRef target, ContentGraph graph) {
    }

    /**
     * How the copy behaves.
     *
     * @param failures      stop at the first failure, or go on with the others
     * @param overwriteTags whether a tag pointing elsewhere moves
     * @param largestFirst  whether the largest blobs start first (parallel copies), else in the artifacts' order
     * @param verb          what the run does, in messages: {@code import}, {@code copy}
     * @param done          the same, done: {@code imported}, {@code copied}
     */
    record Policy(FailurePolicy failures, boolean overwriteTags, boolean largestFirst, String verb, String done) {
    }

    /** Why a unit could not be copied: what was being done, and on which side it failed. */
    record Failure(String message, Exception cause) {
    }

    /** The units placing one root in one repository: the first's position, and every member's. */
    private record Group(int first, List<Integer> members) {
    }

    /** One blob to copy, and for each target repository the groups that need it there. */
    private record BlobJob(Descriptor blob, Map<String, List<Group>> users) {
    }

    private final String runName;
    private final Source source;
    private final Registry target;
    private final TaskPool pool;
    private final ProgressTracker progress;
    private final Policy policy;

    private List<Unit> units;
    private AtomicReferenceArray<Failure> failures;

    GraphCopy(String runName, Source source, Registry target, TaskPool pool, ProgressTracker progress,
              Policy policy) {
        this.runName = runName;
        this.source = source;
        this.target = target;
        this.pool = pool;
        this.progress = progress;
        this.policy = policy;
    }

    /** The bytes of every manifest and blob of the units, each digest once. */
    static long totalBytes(List<Unit> units) {
        long total = 0;
        Set<String> counted = new java.util.HashSet<>();
        for (Unit u : units) {
            for (ContentGraph.ManifestNode m : u.graph().manifests()) {
                total += counted.add(m.descriptor().digest()) ? m.descriptor().size() : 0;
            }
            for (Descriptor b : u.graph().blobs()) {
                total += counted.add(b.digest()) ? b.size() : 0;
            }
        }
        return total;
    }

    /**
     * Copies the units. Results are in the units' order.
     *
     * @throws RunFailedException when the policy stops at a failure, with every unit's result (Failed or Skipped)
     */
    List<ArtifactResult> run(List<Unit> units) {
        this.units = List.copyOf(units);
        this.failures = new AtomicReferenceArray<>(units.size());
        List<Group> groups = groups(this.units);
        progress.phase(RunPhase.COPYING);
        for (Unit u : this.units) {
            progress.artifactStarted(u.label(), u.graph().root().digest());
        }
        pushBlobs(groups);
        pushManifests(groups);
        progress.phase(RunPhase.TAGGING);
        // One index.json write for all the tags of an OCI layout target, not one per tag.
        try (TagBatchSupport.TagBatch tags = TagBatchSupport.open(target,
                this.units.stream().map(u -> u.target().repository()).toList())) {
            return new TagPhase(runName, target, pool, progress, policy).tagAll(this.units, failures);
        }
    }

    private static List<Group> groups(List<Unit> units) {
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < units.size(); i++) {
            Unit u = units.get(i);
            byKey.computeIfAbsent(u.target().repository() + "@" + u.graph().root().digest(), k -> new ArrayList<>())
                    .add(i);
        }
        return byKey.values().stream().map(m -> new Group(m.get(0), List.copyOf(m))).toList();
    }

    private boolean failed(Group group) {
        return failures.get(group.first()) != null;
    }

    private void fail(Group group, Failure failure) {
        group.members().forEach(i -> failures.compareAndSet(i, null, failure));
    }

    /** Phase 1: every blob, once per target repository, up to the pool's width at once. */
    private void pushBlobs(List<Group> groups) {
        Map<String, BlobJob> jobs = new LinkedHashMap<>();
        for (Group g : groups) {
            Unit u = units.get(g.first());
            for (Descriptor blob : u.graph().blobs()) {
                jobs.computeIfAbsent(blob.digest(), d -> new BlobJob(blob, new LinkedHashMap<>()))
                        .users().computeIfAbsent(u.target().repository(), r -> new ArrayList<>()).add(g);
            }
        }
        List<BlobJob> order = new ArrayList<>(jobs.values());
        if (policy.largestFirst()) {
            order.sort(Comparator.comparingLong((BlobJob j) -> j.blob().size()).reversed());
        }
        List<TaskPool.Task<Void>> tasks = new ArrayList<>();
        for (BlobJob job : order) {
            tasks.add(() -> {
                pushBlob(job);
                return null;
            });
        }
        finishPhase(pool.runAll(tasks, policy.failures()));
    }

    private void pushBlob(BlobJob job) {
        Descriptor blob = job.blob();
        String landed = null;
        Unit reader = units.get(job.users().values().iterator().next().get(0).first());
        ProgressingSource body = new ProgressingSource(source.blob(reader, blob), blob.size(), progress);
        for (Map.Entry<String, List<Group>> use : job.users().entrySet()) {
            if (use.getValue().stream().allMatch(this::failed)) {
                continue;
            }
            String repository = use.getKey();
            Unit first = units.get(use.getValue().get(0).first());
            try {
                Repository into = target.repository(repository);
                if (!into.exists(blob)) {
                    boolean mounted = landed != null && into instanceof MountSupport m && m.mount(blob, landed);
                    if (!mounted) {
                        into.push(blob, body);
                    }
                }
                if (landed == null) {
                    landed = repository;
                }
            } catch (TransferException | IllegalArgumentException e) {
                Failure failure = new Failure(describeFailure("blob " + blob.digest(), first, repository,
                        body.failedReading() || source.failedReading(e), e), e);
                use.getValue().forEach(g -> fail(g, failure));
                LOG.warn("Run {}: {}", runName, failure.message());
                if (policy.failures().stops()) {
                    throw e;
                }
            }
        }
        body.finish();
    }

    /** Phase 2: each group's manifests, children before parents, up to the pool's width of groups at once. */
    private void pushManifests(List<Group> groups) {
        Set<String> counted = ConcurrentHashMap.newKeySet();
        List<TaskPool.Task<Void>> tasks = new ArrayList<>();
        for (Group g : groups) {
            if (failed(g)) {
                continue;
            }
            Unit u = units.get(g.first());
            tasks.add(() -> {
                Repository into = target.repository(u.target().repository());
                for (ContentGraph.ManifestNode node : u.graph().manifests()) {
                    boolean reading = false;
                    try {
                        if (!into.exists(node.descriptor())) {
                            reading = true;
                            byte[] bytes = source.manifest(u, node);
                            reading = false;
                            into.push(node.descriptor(), ContentSource.of(bytes));
                        }
                        if (node.parsed().subject() != null && into instanceof ReferrersSupport referrers) {
                            referrers.addReferrer(node.parsed().subject(), withArtifactType(node));
                        }
                    } catch (TransferException | IllegalArgumentException e) {
                        Failure failure = new Failure(describeFailure("manifest " + node.descriptor().digest(), u,
                                u.target().repository(), reading || source.failedReading(e), e), e);
                        fail(g, failure);
                        LOG.warn("Run {}: {}", runName, failure.message());
                        if (policy.failures().stops()) {
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
        finishPhase(pool.runAll(tasks, policy.failures()));
    }

    /**
     * After a phase: an unexpected exception goes up as it is; with {@link FailurePolicy#STOP} any failure stops the
     * run here, before a tag moves.
     */
    private void finishPhase(TaskPool.Batch<Void> batch) {
        Exception first = batch.firstFailure();
        if (first != null && !(first instanceof TransferException) && !(first instanceof IllegalArgumentException)) {
            throw first instanceof RuntimeException r ? r : new IllegalStateException("Unexpected "
                    + first.getClass().getSimpleName() + ": " + first.getMessage(), first);
        }
        if (!policy.failures().stops()) {
            return;
        }
        int earliest = -1;
        for (int i = 0; i < units.size() && earliest < 0; i++) {
            earliest = failures.get(i) != null ? i : -1;
        }
        if (earliest < 0) {
            return;
        }
        Unit stopped = units.get(earliest);
        Failure why = failures.get(earliest);
        List<ArtifactResult> results = new ArrayList<>(units.size());
        for (int i = 0; i < units.size(); i++) {
            Unit each = units.get(i);
            Failure failure = failures.get(i);
            ArtifactResult result = failure != null
                    ? ArtifactResult.failed(each.label(), each.graph().root().digest(), failure.message(),
                            failure.cause())
                    : ArtifactResult.skipped(each.label(), each.graph().root().digest(), "not " + policy.done()
                            + ": the run stopped at the failure of " + stopped.label() + " before any tag moved");
            progress.artifactFinished(result);
            results.add(result);
        }
        throw new RunFailedException("Artifact " + stopped.label() + " (" + stopped.graph().root().digest()
                + ") could not be " + policy.done() + ": " + why.message() + ". No tag was touched. Set"
                + " ContinueOnErrors to " + policy.verb() + " the others.", why.cause(), results);
    }

    /** Names the operation and the side that failed: the source (reading) or the target (writing). */
    private String describeFailure(String what, Unit unit, String repository, boolean reading, Exception e) {
        return reading ? "reading " + what + " from " + source.where(unit) + " (source) failed: " + e.getMessage()
                : "writing " + what + " to " + target.location() + "/" + repository + " (target) failed: "
                + e.getMessage();
    }

    private static Descriptor withArtifactType(ContentGraph.ManifestNode node) {
        Descriptor d = node.descriptor();
        String type = node.parsed().artifactType() != null ? node.parsed().artifactType()
                : node.parsed().config() != null ? node.parsed().config().mediaType() : null;
        return new Descriptor(d.mediaType(), d.digest(), d.size(), null, null, null, type);
    }

    /** The failed artifacts and why, for a run's message: {@code a: why; b: why}. */
    static String failures(List<ArtifactResult> results) {
        StringBuilder sb = new StringBuilder();
        for (ArtifactResult r : results) {
            if (r.status() == ArtifactResult.Status.Failed) {
                sb.append(sb.length() == 0 ? "" : "; ").append(r.artifact()).append(": ").append(r.message());
            }
        }
        return sb.toString();
    }

    /** The innermost message of a failure (a verification failure's own, when there is one). */
    static String rootMessage(Throwable e) {
        Throwable verification = VerifyingInputStream.verificationFailure(e);
        if (verification != null) {
            return verification.getMessage();
        }
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
