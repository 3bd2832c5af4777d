package org.ocitransfer.core.run;

import java.io.FilterInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.archive.ArchiveReader;
import org.ocitransfer.core.archive.ArchiveSource;
import org.ocitransfer.core.archive.IndexEntry;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.MountSupport;
import org.ocitransfer.core.registry.ReferrersSupport;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes an import run: opens the archive (every entry checked before anything is pushed), then for each artifact
 * pushes its blobs (skipping what the target has, mounting from another repository of this run when it can), then
 * its manifests children before parents, and only then its tag. Without OverwriteTags an existing tag pointing
 * elsewhere is left alone and reported. With DeleteSourceBlobOnSuccess the archive is deleted only after a wholly
 * successful import.
 */
public final class ImportRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ImportRunner.class);

    private final String runName;
    private final ImportPipeline pipeline;
    private final Registry registry;
    private final BlobStore store;
    private final PipelineRunRequest request;
    private final ProgressTracker progress;

    /**
     * @param runName  the run
     * @param pipeline its pipeline
     * @param registry the target registry
     * @param store    the source container
     * @param request  the run's request (source blob, optional catalog digest and target repository)
     * @param progress where progress goes
     */
    public ImportRunner(String runName, ImportPipeline pipeline, Registry registry, BlobStore store,
                        PipelineRunRequest request, ProgressTracker progress) {
        this.runName = runName;
        this.pipeline = pipeline;
        this.registry = registry;
        this.store = store;
        this.request = request;
        this.progress = progress;
    }

    /** Runs the import. Failures that stop the run are thrown as {@link TransferException}s. */
    public RunOutcome run() {
        String blobName = request.source().name();
        Set<StorageAccess> needs = EnumSet.of(StorageAccess.READ, StorageAccess.LIST);
        if (pipeline.has(PipelineOption.DeleteSourceBlobOnSuccess)) {
            needs.add(StorageAccess.DELETE);
        }
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
            List<Planned> planned = plan(reader, results, continueOnErrors);
            long total = 0;
            Set<String> counted = new HashSet<>();
            for (Planned p : planned) {
                for (ContentGraph.ManifestNode m : p.graph().manifests()) {
                    total += counted.add(m.descriptor().digest()) ? m.descriptor().size() : 0;
                }
                for (Descriptor b : p.graph().blobs()) {
                    total += counted.add(b.digest()) ? b.size() : 0;
                }
            }
            progress.totals(total, reader.index().size());
            Map<String, String> pushedIn = new HashMap<>();
            Set<String> counted2 = new HashSet<>();
            for (Planned p : planned) {
                AtomicBoolean archiveFailed = new AtomicBoolean();
                try {
                    ArtifactResult result = importOne(reader, p, pushedIn, counted2, archiveFailed);
                    results.add(result);
                    imported.add(result.status() == ArtifactResult.Status.Succeeded ? p.target().shortName()
                            : p.target().repository() + "@" + p.graph().root().digest());
                } catch (TransferException e) {
                    String message = "Artifact " + p.target().shortName() + " (" + p.graph().root().digest()
                            + (archiveFailed.get() ? ") could not be read from archive " + store.blobUri(blobName)
                            + " (source)" : ") could not be written to " + registry.location() + " (target)") + ": "
                            + e.getMessage();
                    LOG.warn("Run {}: {}", runName, message);
                    results.add(ArtifactResult.failed(p.target().shortName(), p.graph().root().digest(),
                            e.getMessage()));
                    if (!continueOnErrors) {
                        throw new RunFailedException(message + ". Its tag was not touched. Set ContinueOnErrors to"
                                + " import the others.", e);
                    }
                } finally {
                    progress.artifactDone();
                }
            }
        }
        long failed = results.stream().filter(r -> r.status() == ArtifactResult.Status.Failed).count();
        if (failed > 0 && imported.isEmpty()) {
            throw new RunFailedException("No artifact could be imported from " + store.blobUri(blobName) + ": "
                    + ExportRunner.failures(results));
        }
        RunStatus status = failed == 0 ? RunStatus.Succeeded : RunStatus.CompletedWithErrors;
        if (status == RunStatus.Succeeded && pipeline.has(PipelineOption.DeleteSourceBlobOnSuccess)) {
            store.delete(blobName);
            LOG.info("Run {}: deleted {} after a successful import (DeleteSourceBlobOnSuccess)", runName,
                    store.blobUri(blobName));
        }
        return new RunOutcome(status, results, imported, catalogDigest, failed == 0 ? null : failed + " of "
                + results.size() + " artifacts failed: " + ExportRunner.failures(results));
    }

    private record Planned(ArtifactRef target, ContentGraph graph) {
    }

    private List<Planned> plan(ArchiveReader reader, List<ArtifactResult> results, boolean continueOnErrors) {
        List<Planned> planned = new ArrayList<>();
        for (IndexEntry entry : reader.index()) {
            String label = entry.refName() != null ? entry.refName() : entry.descriptor().digest();
            try {
                ArtifactRef target = targetOf(entry);
                ContentGraph graph = ContentGraph.walk(entry.descriptor().plain(), reader::readManifest);
                for (Descriptor blob : graph.blobs()) {
                    if (!reader.contains(blob.digest())) {
                        throw new RunFailedException("the archive lacks blob " + blob.digest() + " of " + label);
                    }
                }
                planned.add(new Planned(target, graph));
            } catch (TransferException | IllegalArgumentException e) {
                results.add(ArtifactResult.failed(label, entry.descriptor().digest(), e.getMessage()));
                if (!continueOnErrors) {
                    throw new RunFailedException("Archive entry " + label + " in " + store.blobUri(request.source()
                            .name()) + " (source) cannot be imported: " + e.getMessage() + ". Nothing was imported.", e);
                }
            }
        }
        return planned;
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

    private ArtifactResult importOne(ArchiveReader reader, Planned p, Map<String, String> pushedIn,
                                     Set<String> counted, AtomicBoolean archiveFailed) {
        Repository target = registry.repository(p.target().repository());
        for (Descriptor blob : p.graph().blobs()) {
            boolean first = counted.add(blob.digest());
            if (!target.exists(blob)) {
                String from = pushedIn.get(blob.digest());
                boolean mounted = from != null && !from.equals(target.name()) && target instanceof MountSupport m
                        && m.mount(blob, from);
                if (!mounted) {
                    target.push(blob, fromArchive(reader, blob, archiveFailed));
                }
            }
            pushedIn.putIfAbsent(blob.digest(), target.name());
            if (first) {
                progress.bytes(blob.size());
            }
        }
        for (ContentGraph.ManifestNode node : p.graph().manifests()) {
            if (!target.exists(node.descriptor())) {
                target.push(node.descriptor(), ContentSource.of(node.bytes()));
            }
            if (node.parsed().subject() != null && target instanceof ReferrersSupport referrers) {
                referrers.addReferrer(node.parsed().subject(), withArtifactType(node));
            }
            if (counted.add(node.descriptor().digest())) {
                progress.bytes(node.descriptor().size());
            }
        }
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

    /** The blob's bytes from the archive; a failed read sets {@code failed}, so the error names the side. */
    private static ContentSource fromArchive(ArchiveReader reader, Descriptor blob, AtomicBoolean failed) {
        ContentSource source = reader.contentSource(blob);
        return ContentSource.reopenable(() -> new FilterInputStream(source.open()) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    failed.set(true);
                    throw e;
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    failed.set(true);
                    throw e;
                }
            }
        });
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
