// A registry as a run's source: resolves the requested artifacts (and their referrers) and serves their content.
package org.ocitransfer.core.internal.run;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.ReferrersSupport;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source registry (HTTP, OCI layout, memory) as the export and the direct copy read it. The one resolution step
 * of both: every requested artifact resolved and its graph walked, up to the pool's width at once, with
 * IncludeReferrers the referrers of every manifest of the graph (and theirs in turn), each once per artifact; each
 * artifact that cannot be read is a failed outcome of its own, the others go on. As a {@link GraphCopy.Source}, blobs
 * stream from the registry and manifests come from the walk's bytes.
 */
final class RegistrySource implements GraphCopy.Source {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrySource.class);

    /**
     * What resolving one artifact found.
     *
     * @param ref       the artifact as requested
     * @param root      its root, as the registry resolved it
     * @param graph     the root's graph
     * @param referrers the graphs of its referrers (with IncludeReferrers), each once, in the order they were found
     */
    record Resolved(ArtifactRef ref, Descriptor root, ContentGraph graph, List<ContentGraph> referrers) {
    }

    private final Registry registry;

    RegistrySource(Registry registry) {
        this.registry = registry;
    }

    /**
     * Resolves the artifacts on the pool, each on its own: an artifact that cannot be read (or parsed) is a failed
     * outcome, not a stop.
     *
     * @param artifacts        what was requested, in order
     * @param parse            the reference of a requested artifact (a parse failure is that artifact's failure)
     * @param includeReferrers whether each artifact's referrers come too
     * @return one outcome per artifact, in order
     */
    <T> List<TaskPool.Outcome<Resolved>> resolveAll(TaskPool pool, List<T> artifacts,
                                                    Function<T, ArtifactRef> parse, boolean includeReferrers) {
        List<TaskPool.Task<Resolved>> tasks = new ArrayList<>(artifacts.size());
        for (T artifact : artifacts) {
            tasks.add(() -> resolve(parse.apply(artifact), includeReferrers));
        }
        return pool.runAll(tasks, FailurePolicy.CONTINUE).outcomes();
    }

    private Resolved resolve(ArtifactRef ref, boolean includeReferrers) {
        Repository repository = registry.repository(ref.repository());
        Descriptor root = repository.resolve(ref.reference());
        ContentGraph graph = ContentGraph.walk(root.plain(), repository::fetchManifest);
        List<ContentGraph> referrers = new ArrayList<>();
        if (includeReferrers) {
            collectReferrers(repository, ref, graph, referrers);
        }
        return new Resolved(ref, root, graph, List.copyOf(referrers));
    }

    /** The referrers of every manifest of the graph, and theirs in turn, each once. */
    private void collectReferrers(Repository repository, ArtifactRef ref, ContentGraph graph,
                                  List<ContentGraph> referrers) {
        if (!(repository instanceof ReferrersSupport support)) {
            LOG.warn("{} cannot list referrers; IncludeReferrers has nothing to add for {}", registry.location(),
                    ref);
            return;
        }
        Set<String> seen = new HashSet<>();
        List<ContentGraph> pending = new ArrayList<>(List.of(graph));
        for (int i = 0; i < pending.size(); i++) {
            for (ContentGraph.ManifestNode node : pending.get(i).manifests()) {
                for (Descriptor referrer : support.referrers(node.descriptor())) {
                    if (seen.add(referrer.digest()) && MediaTypes.isManifest(referrer.mediaType())) {
                        ContentGraph walked = ContentGraph.walk(referrer.plain(), repository::fetchManifest);
                        pending.add(walked);
                        referrers.add(walked);
                    }
                }
            }
        }
    }

    /** The registry's location, for messages. */
    String location() {
        return registry.location();
    }

    /** The registry's host (as artifacts are named in an archive), or null when its location has no scheme. */
    String host() {
        String location = registry.location();
        int scheme = location.indexOf("://");
        if (scheme > 0) {
            String host = location.substring(scheme + 3);
            int slash = host.indexOf('/');
            return slash >= 0 ? host.substring(0, slash) : host;
        }
        return null;
    }

    /** A blob's body, streamed from the registry's repository named. */
    ContentSource blob(String repository, Descriptor blob) {
        Repository from = registry.repository(repository);
        return ContentSource.reopenable(() -> from.fetch(blob));
    }

    @Override
    public String where(GraphCopy.Unit unit) {
        return registry.location() + "/" + unit.target().repository();
    }

    @Override
    public ContentSource blob(GraphCopy.Unit unit, Descriptor blob) {
        return blob(unit.target().repository(), blob);
    }

    @Override
    public byte[] manifest(GraphCopy.Unit unit, ContentGraph.ManifestNode node) {
        return node.bytes() != null ? node.bytes()
                : registry.repository(unit.target().repository()).fetchManifest(node.descriptor());
    }
}
