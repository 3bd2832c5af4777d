// A direct registry -> registry copy (the connected case, like `az acr import` or `oras cp`) on the GraphCopy engine.
package org.ocitransfer.core.internal.run;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.CopyRequest;
import org.ocitransfer.api.CopyResult;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.ProgressListener;
import org.ocitransfer.api.RunPhase;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.registry.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies artifacts from one registry (HTTP, OCI layout, memory) straight into another: resolves each artifact and
 * walks its graph through {@link RegistrySource} (with IncludeReferrers, its referrers too, each once), then hands
 * the graphs to {@link GraphCopy}
 * with the source registry as its source. Each artifact keeps its repository and tag (or digest). Nothing is kept
 * but the manifests of the graphs; blobs stream from source to target, verified by the target's push.
 */
public final class DirectCopy {

    /** The run name progress is reported under. */
    public static final String RUN_NAME = "copy";

    private static final Logger LOG = LoggerFactory.getLogger(DirectCopy.class);

    private final Function<String, Registry> registries;
    private final int concurrency;
    private final CopyRequest request;
    private final ProgressTracker progress;

    /**
     * @param registries  opens a registry from its URI (the caller's registry factories); the copy closes it
     * @param concurrency how many artifacts are resolved, blobs copied and tags set at once (at least 1)
     * @param request     what to copy
     * @param listener    where progress goes (may be null)
     */
    public DirectCopy(Function<String, Registry> registries, int concurrency, CopyRequest request,
                      ProgressListener listener) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("Concurrency must be at least 1, got " + concurrency);
        }
        this.registries = registries;
        this.concurrency = concurrency;
        this.request = request;
        this.progress = new ProgressTracker(RUN_NAME, listener);
    }

    /**
     * Runs the copy. A copy that fails is returned as {@link RunStatus#Failed}, with the reason.
     *
     * @throws IllegalArgumentException when a registry URI opens no registry
     */
    public CopyResult run() {
        progress.phase(RunPhase.PLANNING);
        try (Registry source = registries.apply(request.sourceRegistry());
             Registry target = registries.apply(request.targetRegistry());
             TaskPool pool = new TaskPool(RUN_NAME, concurrency)) {
            CopyResult result = copy(source, target, pool);
            progress.phase(RunPhase.DONE);
            return result;
        } catch (RunFailedException e) {
            return new CopyResult(RunStatus.Failed, e.artifactResults(), e.getMessage());
        } catch (TransferException e) {
            return new CopyResult(RunStatus.Failed, List.of(), "Copy from " + request.sourceRegistry() + " to "
                    + request.targetRegistry() + " failed: " + e.getMessage());
        }
    }

    private CopyResult copy(Registry source, Registry target, TaskPool pool) {
        List<ArtifactRef> artifacts = request.artifacts();
        FailurePolicy failurePolicy = FailurePolicy.of(request.options());
        progress.totals(0, artifacts.size());

        // 1. Resolve every artifact and walk its graph, in parallel; nothing is written yet.
        RegistrySource from = new RegistrySource(source);
        List<TaskPool.Outcome<RegistrySource.Resolved>> resolved = from.resolveAll(pool, artifacts, ref -> ref,
                request.has(PipelineOption.IncludeReferrers));
        List<ArtifactResult> unread = new ArrayList<>(artifacts.size());
        int firstFailure = -1;
        for (int i = 0; i < artifacts.size(); i++) {
            Exception e = resolved.get(i).failure();
            if (e == null) {
                unread.add(null);
                continue;
            }
            if (!(e instanceof TransferException) && !(e instanceof IllegalArgumentException)) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException("Unexpected "
                        + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
            String message = "could not be read from " + source.location() + "/" + artifacts.get(i).repository()
                    + " (source): " + e.getMessage();
            LOG.warn("Copy: artifact {} {}", artifacts.get(i), message);
            ArtifactResult failed = ArtifactResult.failed(artifacts.get(i).toString(), null, message, e);
            progress.artifactFinished(failed);
            unread.add(failed);
            firstFailure = firstFailure < 0 ? i : firstFailure;
        }
        if (firstFailure >= 0 && failurePolicy.stops()) {
            String stopped = artifacts.get(firstFailure).toString();
            List<ArtifactResult> results = new ArrayList<>();
            for (int i = 0; i < artifacts.size(); i++) {
                results.add(unread.get(i) != null ? unread.get(i) : ArtifactResult.skipped(artifacts.get(i)
                        .toString(), resolved.get(i).value().graph().root().digest(), "not copied: the copy stopped"
                        + " because " + stopped + " could not be read; nothing was copied"));
            }
            return new CopyResult(RunStatus.Failed, results, "Artifact " + stopped + " "
                    + unread.get(firstFailure).message() + ". Nothing was copied to " + target.location()
                    + ". Fix the reference or set ContinueOnErrors to copy the others.");
        }
        if (firstFailure >= 0 && unread.stream().allMatch(r -> r != null)) {
            return new CopyResult(RunStatus.Failed, unread, "No artifact could be read from " + source.location()
                    + "; nothing was copied. " + GraphCopy.failures(unread));
        }

        // 2. One unit per artifact read, then each referrer once (in the source's repository and the target's).
        List<GraphCopy.Unit> units = new ArrayList<>();
        Set<String> referrerKeys = new LinkedHashSet<>();
        List<GraphCopy.Unit> referrers = new ArrayList<>();
        for (int i = 0; i < artifacts.size(); i++) {
            RegistrySource.Resolved r = resolved.get(i).value();
            if (r == null) {
                continue;
            }
            ArtifactRef ref = artifacts.get(i);
            units.add(new GraphCopy.Unit(ref.toString(), ref, r.graph()));
            for (ContentGraph graph : r.referrers()) {
                ArtifactRef at = new ArtifactRef(null, ref.repository(), null, graph.root().digest());
                if (referrerKeys.add(at.toString())) {
                    referrers.add(new GraphCopy.Unit(at.toString(), at, graph));
                }
            }
        }
        units.addAll(referrers);
        progress.totals(GraphCopy.totalBytes(units), artifacts.size() + referrers.size());

        // 3. Copy: blobs, manifests, then tags.
        List<ArtifactResult> copied;
        try {
            copied = new GraphCopy(RUN_NAME, from, target, pool, progress,
                    new GraphCopy.Policy(failurePolicy, request.has(PipelineOption.OverwriteTags), concurrency > 1,
                            "copy", "copied")).run(units);
        } catch (RunFailedException e) {
            throw new RunFailedException(e.getMessage(), e.getCause(), merge(unread, e.artifactResults()));
        }
        List<ArtifactResult> results = merge(unread, copied);
        long failed = results.stream().filter(r -> r.status() == ArtifactResult.Status.Failed).count();
        if (failed == 0) {
            return new CopyResult(RunStatus.Succeeded, results, null);
        }
        boolean any = results.stream().anyMatch(r -> r.status() != ArtifactResult.Status.Failed);
        return new CopyResult(any ? RunStatus.CompletedWithErrors : RunStatus.Failed, results, failed + " of "
                + results.size() + " artifacts failed and were not copied: " + GraphCopy.failures(results));
    }

    /** The requested artifacts' results in request order (those not read, and the copied), then the referrers'. */
    private static List<ArtifactResult> merge(List<ArtifactResult> unread, List<ArtifactResult> copied) {
        List<ArtifactResult> results = new ArrayList<>(unread.size() + copied.size());
        int next = 0;
        for (ArtifactResult r : unread) {
            results.add(r != null ? r : copied.get(next++));
        }
        results.addAll(copied.subList(next, copied.size()));
        return results;
    }
}
