// Before a differential archive is imported: the target must already hold everything the archive leaves out.
package org.ocitransfer.core.internal.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.internal.archive.Catalog;
import org.ocitransfer.core.registry.MountSupport;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The import's check of a differential archive, run before anything is written or tagged: every manifest and blob
 * the archive leaves out (its bases hold them) and an artifact needs must already be in the artifact's target
 * repository (a HEAD; in an OCI layout, present), or, for a blob, in another repository of this run from which the
 * target can mount it. When anything is missing the run fails naming the content, the repository and the base
 * archives (blob name and catalog digest) to import first; nothing has been written. Otherwise the needed mounts are
 * made, still before any manifest or tag moves.
 */
final class BaseCheck {

    private static final Logger LOG = LoggerFactory.getLogger(BaseCheck.class);

    /** A left-out descriptor one group of units needs in one repository. */
    private record Need(String repository, Descriptor content, List<GraphCopy.Unit> units) {
    }

    /** Where a missing blob can be mounted from, or nothing. */
    private record Found(Need need, boolean present, String mountFrom) {
    }

    private BaseCheck() {
    }

    /**
     * Checks the target holds what the archive leaves out, then mounts what is in another repository of the run.
     *
     * @param leftOut what the archive leaves out, by digest ({@code ArchiveReader.leftOut()})
     * @throws RunFailedException naming the first missing content and the bases, with every unit's result
     */
    static void require(String runName, String archive, Catalog catalog, Registry target, TaskPool pool,
                        List<GraphCopy.Unit> units, Map<String, Descriptor> leftOut) {
        Map<String, Need> needs = new LinkedHashMap<>();
        for (GraphCopy.Unit u : units) {
            String repository = u.target().repository();
            List<Descriptor> wanted = new ArrayList<>();
            if (leftOut.containsKey(u.graph().root().digest())) {
                wanted.add(u.graph().root());
            }
            for (ContentGraph.ManifestNode node : u.graph().manifests()) {
                node.parsed().children().stream().filter(c -> leftOut.containsKey(c.digest())).forEach(wanted::add);
            }
            for (Descriptor d : wanted) {
                needs.computeIfAbsent(repository + "@" + d.digest(), k -> new Need(repository, d.plain(),
                        new ArrayList<>())).units().add(u);
            }
        }
        List<String> repositories = units.stream().map(u -> u.target().repository()).distinct().toList();
        List<TaskPool.Task<Found>> tasks = new ArrayList<>();
        for (Need need : needs.values()) {
            tasks.add(() -> find(target, need, repositories));
        }
        TaskPool.Batch<Found> batch = pool.runAll(tasks, FailurePolicy.CONTINUE);
        if (batch.firstFailure() != null) {
            Exception e = batch.firstFailure();
            throw new RunFailedException("Archive " + archive + " is differential, and checking that "
                    + target.location() + " (target) holds what it leaves out failed: " + e.getMessage()
                    + ". Nothing was imported.", e, skipped(units, null, "not imported: the check of the"
                    + " content the archive leaves out failed; nothing was imported"));
        }
        List<Found> missing = batch.outcomes().stream().map(TaskPool.Outcome::value)
                .filter(f -> !f.present() && f.mountFrom() == null).toList();
        if (!missing.isEmpty()) {
            Need first = missing.get(0).need();
            String message = "Archive " + archive + " is differential: it leaves out "
                    + (first.content().isManifest() ? "manifest " : "blob ") + first.content().digest() + " (of "
                    + first.units().get(0).label() + ") because " + holders(catalog) + ", but " + target.location()
                    + "/" + first.repository() + " (target) does not have it"
                    + (missing.size() > 1 ? ", nor " + (missing.size() - 1) + " more of what it leaves out" : "")
                    + ". Import " + (catalog.bases().size() > 1 ? "those base archives" : "that base archive")
                    + " into this registry first. Nothing was imported.";
            LOG.warn("Run {}: {}", runName, message);
            throw new RunFailedException(message, null, skipped(units, missing, message));
        }
        for (Found f : batch.outcomes().stream().map(TaskPool.Outcome::value).toList()) {
            if (f.mountFrom() != null) {
                Repository into = target.repository(f.need().repository());
                if (!(into instanceof MountSupport m) || !m.mount(f.need().content(), f.mountFrom())) {
                    throw new RunFailedException("Archive " + archive + " is differential: it leaves out blob "
                            + f.need().content().digest() + ", which " + target.location() + "/" + f.mountFrom()
                            + " has, but the target declined to mount it into " + f.need().repository()
                            + ". No manifest or tag was written.", null, skipped(units, null, "not imported: a"
                            + " blob the archive leaves out could not be mounted; no tag was written"));
                }
            }
        }
    }

    /** {@code base archive X (catalog sha256:...) holds it} or, with several bases, which could. */
    private static String holders(Catalog catalog) {
        List<Catalog.Base> bases = catalog.bases();
        if (bases.size() == 1) {
            return "its base archive " + bases.get(0) + " holds it";
        }
        return "one of its base archives " + String.join(", ", bases.stream().map(Catalog.Base::toString).toList())
                + " holds it";
    }

    private static Found find(Registry target, Need need, List<String> repositories) {
        if (target.repository(need.repository()).exists(need.content())) {
            return new Found(need, true, null);
        }
        if (!need.content().isManifest()) {
            for (String other : repositories) {
                if (!other.equals(need.repository()) && target.repository(other).exists(need.content())) {
                    if (target.repository(need.repository()) instanceof MountSupport) {
                        return new Found(need, false, other);
                    }
                }
            }
        }
        return new Found(need, false, null);
    }

    /** Every unit Skipped, those needing missing content Failed with {@code message}. */
    private static List<ArtifactResult> skipped(List<GraphCopy.Unit> units, List<Found> missing, String message) {
        List<ArtifactResult> results = new ArrayList<>(units.size());
        for (GraphCopy.Unit u : units) {
            boolean lacks = missing != null && missing.stream().anyMatch(f -> f.need().units().contains(u));
            results.add(lacks ? ArtifactResult.failed(u.label(), u.graph().root().digest(), message,
                    ErrorCategory.NOT_FOUND)
                    : ArtifactResult.skipped(u.label(), u.graph().root().digest(), "not imported: the run stopped"
                    + " before anything was written because the target lacks content the differential archive"
                    + " leaves out"));
        }
        return results;
    }
}
