// A transfer archive blob as the copy engine's planned target: plans the archive, writes its regions, commits it whole.
package org.ocitransfer.core.internal.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.PartSet;
import org.ocitransfer.core.blob.RegionUpload;
import org.ocitransfer.core.blob.RegionUploadSupport;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.internal.archive.ArchivePlan;
import org.ocitransfer.core.internal.archive.ArchiveRegion;
import org.ocitransfer.core.internal.archive.ArchiveRequest;
import org.ocitransfer.core.internal.archive.ArchiveWriter;
import org.ocitransfer.core.internal.archive.ArchivedArtifact;
import org.ocitransfer.core.signing.CatalogSigner;

/**
 * One new archive blob of a container, written by {@link PlannedCopy}. Planning puts every manifest (in
 * the units' order), then every config, then every other blob, each once, after the metadata naming the artifacts,
 * so the bytes and the catalog digest depend only on the input. When the container supports
 * {@link RegionUploadSupport} (and the run is parallel) the pieces are independent regions of the archive, written at
 * their planned places; otherwise the one piece is the whole archive as one ordered stream. The bytes are the same
 * either way, and nothing is committed unless every piece is in. A differential archive leaves out every blob and
 * manifest its bases hold (and records the bases in catalog.json); those are never read from the source.
 */
final class ArchiveTarget implements PlannedCopy.Target {

    /**
     * What the archive records and where it goes.
     *
     * @param pipelineName   the export pipeline's name (in catalog.json)
     * @param runName        the run's name (in catalog.json)
     * @param sourceLocation the source registry (in catalog.json and messages)
     * @param artifacts      the artifacts index.json names, in order
     * @param store          the container
     * @param blobName       the archive blob
     * @param overwrite      whether an existing blob is replaced
     * @param parallel       whether regions may be written in parallel (when the container can)
     * @param signer         signs the catalogDigest while the archive is planned; null: unsigned
     * @param bases          a differential archive's bases: what they hold is left out (NONE for a whole archive)
     * @param maxPartSize    when set, the archive is written as a {@link PartSet} of parts of at most this size
     */
    record Spec(String pipelineName, String runName, String sourceLocation, List<ArchivedArtifact> artifacts,
                BlobStore store, String blobName, boolean overwrite, boolean parallel, CatalogSigner signer,
                BaseArchives bases, Long maxPartSize) {

        /** A whole, unsigned archive in one blob. */
        Spec(String pipelineName, String runName, String sourceLocation, List<ArchivedArtifact> artifacts,
             BlobStore store, String blobName, boolean overwrite, boolean parallel) {
            this(pipelineName, runName, sourceLocation, artifacts, store, blobName, overwrite, parallel, null,
                    BaseArchives.NONE, null);
        }
    }

    private final Spec spec;
    private final AtomicBoolean closed = new AtomicBoolean();
    private ArchivePlan plan;
    private List<ArchiveRegion> regions;
    private RegionUpload regionUpload;
    private BlobUpload upload;
    private PartSetUpload partUpload;
    private volatile Descriptor lastOpened;

    ArchiveTarget(Spec spec) {
        this.spec = spec;
    }

    /** The catalog digest, once planned. */
    String catalogDigest() {
        return plan.catalogDigest();
    }

    @Override
    public List<PlannedCopy.Piece> plan(List<GraphCopy.Unit> units) {
        LinkedHashMap<String, Descriptor> manifests = new LinkedHashMap<>();
        LinkedHashMap<String, Descriptor> configs = new LinkedHashMap<>();
        LinkedHashMap<String, Descriptor> layers = new LinkedHashMap<>();
        for (GraphCopy.Unit unit : units) {
            for (ContentGraph.ManifestNode node : unit.graph().manifests()) {
                manifests.putIfAbsent(node.descriptor().digest(), node.descriptor());
            }
            for (Descriptor blob : unit.graph().configs()) {
                configs.putIfAbsent(blob.digest(), blob);
            }
            for (Descriptor blob : unit.graph().layers()) {
                layers.putIfAbsent(blob.digest(), blob);
            }
        }
        for (String digest : configs.keySet()) {
            layers.remove(digest);
        }
        List<Descriptor> blobs = new ArrayList<>(manifests.values());
        blobs.addAll(configs.values());
        blobs.addAll(layers.values());
        blobs.removeIf(d -> spec.bases().held().contains(d.digest()));
        plan = ArchivePlan.plan(new ArchiveRequest(spec.pipelineName(), spec.runName(), spec.sourceLocation(),
                spec.artifacts(), blobs, spec.bases().bases()), spec.signer());
        UploadOptions options = new UploadOptions(spec.overwrite(), Map.of(ExportRunner.CATEGORY_KEY,
                ExportRunner.CATEGORY_VALUE, ExportRunner.CATALOG_DIGEST_KEY, plan.catalogDigest()), plan.totalSize());
        if (spec.maxPartSize() != null) {
            PartSet parts = PartSet.plan(spec.blobName(), plan.totalSize(), spec.maxPartSize());
            regions = spec.parallel() && spec.store() instanceof RegionUploadSupport regionStore
                    ? ArchiveWriter.regions(plan, regionStore.maxRegions()) : ArchiveWriter.regions(plan, 1);
            try {
                partUpload = new PartSetUpload(spec.store(), parts, regions, options.metadata(), spec.overwrite());
            } catch (TransferException e) {
                throw couldNotWrite(e);
            }
        } else if (spec.parallel() && spec.store() instanceof RegionUploadSupport regionStore) {
            regions = ArchiveWriter.regions(plan, regionStore.maxRegions());
            try {
                regionUpload = regionStore.uploadRegions(spec.blobName(), regions.stream()
                        .map(ArchiveRegion::length).toList(), options);
            } catch (TransferException e) {
                throw couldNotWrite(e);
            }
        } else {
            regions = ArchiveWriter.regions(plan, 1);
            try {
                upload = spec.store().upload(spec.blobName(), options);
            } catch (TransferException e) {
                throw e instanceof BlobAlreadyExistsException ? e : failed(null, null, false, e);
            }
        }
        return regions.stream().map(r -> new PlannedCopy.Piece(r.index(), r.length())).toList();
    }

    @Override
    public InputStream open(PlannedCopy.Piece piece, PlannedCopy.ContentOpener content) {
        return ArchiveWriter.openRegion(plan, regions.get(piece.index()), blob -> {
            lastOpened = blob;
            return content.open(blob);
        });
    }

    @Override
    public void write(PlannedCopy.Piece piece, InputStream bytes) throws IOException {
        if (partUpload != null) {
            partUpload.write(piece.index(), bytes);
        } else if (regionUpload != null) {
            regionUpload.write(piece.index(), bytes);
        } else {
            OutputStream out = upload.output();
            bytes.transferTo(out);
            out.flush();
        }
    }

    @Override
    public void commit() {
        try {
            if (partUpload != null) {
                partUpload.commit();
            } else if (regionUpload != null) {
                regionUpload.commit();
            } else {
                upload.commit();
            }
        } catch (TransferException e) {
            if (e instanceof BlobAlreadyExistsException) {
                throw e;
            }
            throw upload == null ? couldNotWrite(e) : failed(null, lastOpened, false, e);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (partUpload != null) {
                partUpload.close();
            } else if (regionUpload != null) {
                regionUpload.close();
            } else if (upload != null) {
                upload.close();
            }
        }
    }

    /** The run's error for a copy that stopped: which blob and artifact, reading (source) or writing (target). */
    @Override
    public RunFailedException failed(GraphCopy.Unit unit, Descriptor at, boolean reading, Exception cause) {
        String what = at == null ? "the archive header" : "blob " + at.digest() + " of artifact "
                + (unit == null ? "?" : unit.label());
        String where = reading ? "reading " + what + " from " + spec.sourceLocation() + " (source)"
                : "writing " + what + " into " + spec.store().blobUri(spec.blobName()) + " (target)";
        List<ArtifactResult> failed = at == null || unit == null ? List.of()
                : List.of(ArtifactResult.failed(unit.label(), null, "stopped while " + where + ": "
                        + GraphCopy.rootMessage(cause), cause));
        return new RunFailedException("Export stopped while " + where + ": " + GraphCopy.rootMessage(cause)
                + ". The upload was aborted and nothing was committed to " + spec.store().blobUri(spec.blobName())
                + "; run it again.", cause, failed);
    }

    private TransferException couldNotWrite(TransferException e) {
        if (e instanceof BlobAlreadyExistsException) {
            return e;
        }
        return new RunFailedException("Export could not write " + spec.store().blobUri(spec.blobName())
                + " (target): " + e.getMessage() + ". Nothing was committed; run it again.", e);
    }
}
