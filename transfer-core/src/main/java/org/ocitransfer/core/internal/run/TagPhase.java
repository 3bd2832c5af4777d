// Phase 3 of a graph copy: the tags, last, and only for the artifacts whose whole content arrived.
package org.ocitransfer.core.internal.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.internal.run.GraphCopy.Unit;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last phase of a {@link GraphCopy}: once every blob and manifest is in, moves each unit's tag (up to the pool's
 * width at once), unless OverwriteTags is off and the tag points elsewhere (TagKept). With {@link FailurePolicy#STOP}
 * a tag that cannot be moved stops the run, the tags not yet moved reported Skipped. Logs under {@link GraphCopy}'s
 * category.
 */
final class TagPhase {

    private static final Logger LOG = LoggerFactory.getLogger(GraphCopy.class);

    private final String runName;
    private final Registry target;
    private final TaskPool pool;
    private final ProgressTracker progress;
    private final GraphCopy.Policy policy;

    TagPhase(String runName, Registry target, TaskPool pool, ProgressTracker progress, GraphCopy.Policy policy) {
        this.runName = runName;
        this.target = target;
        this.pool = pool;
        this.progress = progress;
        this.policy = policy;
    }

    /**
     * Tags the units whose content arrived; a unit with a failure is reported Failed as it is. Results are in the
     * units' order.
     *
     * @param failures each unit's failure in phases 1 and 2, by position, or null
     * @throws RunFailedException when the policy stops at a tag that could not be moved, with every unit's result
     */
    List<ArtifactResult> tagAll(List<Unit> units, AtomicReferenceArray<GraphCopy.Failure> failures) {
        List<TaskPool.Task<ArtifactResult>> tasks = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            Unit u = units.get(i);
            GraphCopy.Failure failure = failures.get(i);
            tasks.add(() -> {
                ArtifactResult result = failure != null ? ArtifactResult.failed(u.label(),
                        u.graph().root().digest(), failure.message(), failure.cause()) : tag(u);
                progress.artifactFinished(result);
                return result;
            });
        }
        List<TaskPool.Outcome<ArtifactResult>> outcomes = pool.runAll(tasks, policy.failures()).outcomes();
        List<ArtifactResult> results = new ArrayList<>(units.size());
        RunFailedException stop = null;
        for (int i = 0; i < units.size(); i++) {
            Unit u = units.get(i);
            TaskPool.Outcome<ArtifactResult> outcome = outcomes.get(i);
            if (outcome.skipped()) {
                // A failure stopped the phase before this tag: listed as Skipped once that failure is known.
                results.add(ArtifactResult.skipped(u.label(), u.graph().root().digest(), null));
                continue;
            }
            if (outcome.failure() == null) {
                results.add(outcome.value());
                continue;
            }
            if (!(outcome.failure() instanceof TransferException e)) {
                throw outcome.failure() instanceof RuntimeException r ? r : new IllegalStateException("Unexpected "
                        + outcome.failure(), outcome.failure());
            }
            String message = "Artifact " + u.label() + " (" + u.graph().root().digest()
                    + ") could not be tagged in " + target.location() + " (target): " + e.getMessage();
            LOG.warn("Run {}: {}", runName, message);
            ArtifactResult result = ArtifactResult.failed(u.label(), u.graph().root().digest(), e.getMessage(), e);
            progress.artifactFinished(result);
            results.add(result);
            if (policy.failures().stops() && stop == null) {
                stop = new RunFailedException(message + ". Set ContinueOnErrors to " + policy.verb()
                        + " the others.", e);
            }
        }
        if (stop != null) {
            String reason = "not tagged: the run stopped when another tag could not be moved (see the failed"
                    + " artifact); its content is in the target, untagged";
            for (int i = 0; i < results.size(); i++) {
                ArtifactResult r = results.get(i);
                if (r.status() == ArtifactResult.Status.Skipped) {
                    results.set(i, ArtifactResult.skipped(r.artifact(), r.digest(), reason));
                }
            }
            throw new RunFailedException(stop.getMessage(), stop.getCause(), results);
        }
        return results;
    }

    /** The unit's tag, unless OverwriteTags is off and the tag points elsewhere. */
    private ArtifactResult tag(Unit u) {
        Repository into = target.repository(u.target().repository());
        Descriptor root = u.graph().root();
        String tag = u.target().tag();
        if (tag == null) {
            return ArtifactResult.succeeded(u.label(), root.digest());
        }
        Descriptor existing = currentTag(into, tag);
        if (existing != null && !existing.digest().equals(root.digest()) && !policy.overwriteTags()) {
            String message = "tag " + u.target().shortName() + " already points at " + existing.digest()
                    + " and was left alone; the content is in the target as " + u.target().repository() + "@"
                    + root.digest() + " (set OverwriteTags to move the tag)";
            LOG.info("Run {}: {}", runName, message);
            return new ArtifactResult(u.label(), root.digest(), ArtifactResult.Status.TagKept, message);
        }
        if (existing == null || !existing.digest().equals(root.digest())) {
            into.tag(root, tag);
        }
        return ArtifactResult.succeeded(u.label(), root.digest());
    }

    private static Descriptor currentTag(Repository repository, String tag) {
        try {
            return repository.resolve(tag);
        } catch (RegistryException e) {
            if (e.reason() == RegistryException.Reason.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }
}
