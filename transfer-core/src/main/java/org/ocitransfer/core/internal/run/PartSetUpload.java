// Writes a planned archive as a part set: each region streamed once, cut at part boundaries into the parts' uploads.
package org.ocitransfer.core.internal.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.PartSet;
import org.ocitransfer.core.blob.RegionUpload;
import org.ocitransfer.core.blob.RegionUploadSupport;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.internal.archive.ArchiveRegion;
import org.ocitransfer.core.internal.io.BoundedInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One archive written as the blobs of a {@link PartSet}. The archive's regions (planned as for a single blob) are
 * cut where parts begin: a region within one part is one slice, a region across part boundaries (a large layer) is
 * several, and each part is its own upload whose regions are the slices it holds, in order. A region's bytes are
 * streamed once, from the source, through its slices in turn, so the blob is verified as it streams whatever the
 * parts; regions still go in parallel as for a single blob. With a store that writes regions
 * ({@link RegionUploadSupport}) each part is a region upload; otherwise the archive must be one region and every
 * part a plain upload written in order. Nothing is visible until {@link #commit()}, which commits every part once
 * every slice is in, the first part last (it says how many there are), and deletes the ones it committed if a later
 * commit fails.
 */
final class PartSetUpload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PartSetUpload.class);

    /** A region's bytes that go into one part: that part's region {@code slot}. */
    private record Slice(int part, int slot, long length) {
    }

    private final BlobStore store;
    private final PartSet parts;
    private final List<List<Slice>> slices = new ArrayList<>();
    private final RegionUpload[] regionUploads;
    private final BlobUpload[] uploads;

    /**
     * Starts every part's upload (nothing is visible yet).
     *
     * @param metadata  the archive's own metadata, which every part carries besides its part metadata
     * @param overwrite whether existing parts are replaced; otherwise an existing part is refused, untouched
     */
    PartSetUpload(BlobStore store, PartSet parts, List<ArchiveRegion> regions, Map<String, String> metadata,
                  boolean overwrite) {
        this.store = store;
        this.parts = parts;
        List<List<Long>> lengths = new ArrayList<>();
        for (int i = 0; i < parts.count(); i++) {
            lengths.add(new ArrayList<>());
        }
        for (ArchiveRegion region : regions) {
            List<Slice> cut = new ArrayList<>();
            long at = region.offset();
            while (at < region.end()) {
                int part = (int) (at / parts.partSize()) + 1;
                long end = Math.min(region.end(), parts.partOffset(part) + parts.partLength(part));
                List<Long> slots = lengths.get(part - 1);
                cut.add(new Slice(part, slots.size(), end - at));
                slots.add(end - at);
                at = end;
            }
            slices.add(cut);
        }
        boolean byRegions = store instanceof RegionUploadSupport;
        if (!byRegions && regions.size() != 1) {
            throw new IllegalArgumentException("Container " + store.location() + " writes blobs as one stream, so"
                    + " a part set is written from one region, not " + regions.size());
        }
        regionUploads = new RegionUpload[parts.count()];
        uploads = new BlobUpload[parts.count()];
        try {
            for (int part = 1; part <= parts.count(); part++) {
                Map<String, String> partMetadata = new HashMap<>(metadata);
                partMetadata.putAll(parts.metadata(part));
                UploadOptions options = new UploadOptions(overwrite, partMetadata, parts.partLength(part));
                if (byRegions) {
                    regionUploads[part - 1] = ((RegionUploadSupport) store).uploadRegions(parts.partName(part),
                            lengths.get(part - 1), options);
                } else {
                    uploads[part - 1] = store.upload(parts.partName(part), options);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Writes region {@code index} of the archive: exactly its length read from {@code bytes}, slice by slice into
     * the parts that hold it.
     *
     * @throws IOException when {@code bytes} fails, or is shorter or longer than the region
     */
    void write(int index, InputStream bytes) throws IOException {
        for (Slice slice : slices.get(index)) {
            // Not closed: closing it would close the region's stream, which the caller owns.
            InputStream in = new BoundedInputStream(bytes, slice.length());
            if (regionUploads[slice.part() - 1] != null) {
                regionUploads[slice.part() - 1].write(slice.slot(), in);
            } else {
                long copied = in.transferTo(uploads[slice.part() - 1].output());
                if (copied != slice.length()) {
                    throw new IOException("Region " + index + " of the archive ended " + (slice.length() - copied)
                            + " bytes early, in part " + parts.partName(slice.part()));
                }
            }
        }
        if (bytes.read() >= 0) {
            throw new IOException("Region " + index + " of the archive is longer than planned");
        }
    }

    /**
     * Commits every part, the first one last. If a commit fails, the parts committed before it are deleted (a set
     * counts only whole), and the failure is thrown.
     */
    void commit() {
        List<Integer> order = new ArrayList<>();
        for (int part = 2; part <= parts.count(); part++) {
            order.add(part);
        }
        order.add(1);
        List<Integer> committed = new ArrayList<>();
        try {
            for (int part : order) {
                if (regionUploads[part - 1] != null) {
                    regionUploads[part - 1].commit();
                } else {
                    uploads[part - 1].commit();
                }
                committed.add(part);
            }
        } catch (RuntimeException e) {
            for (int part : committed) {
                try {
                    store.delete(parts.partName(part));
                } catch (BlobStoreException deleteFailed) {
                    LOG.warn("Could not delete part '{}' of the uncommitted set: {}", parts.partName(part),
                            deleteFailed.getMessage());
                    e.addSuppressed(deleteFailed);
                }
            }
            throw e;
        }
        deleteStaleParts();
    }

    /** Parts of an earlier, longer set of this name (replaced with OverwriteBlobs) would only mislead: deleted. */
    private void deleteStaleParts() {
        for (int part = parts.count() + 1; part <= PartSet.MAX_PARTS; part++) {
            String name = PartSet.partName(parts.name(), part);
            if (store.properties(name).filter(PartSet::isLaterPart).isEmpty() || !store.delete(name)) {
                return;
            }
            LOG.info("Deleted '{}', a part of the set this export replaced", name);
        }
    }

    /** Discards every part not committed; safe while slices are being written (their writes then fail). */
    @Override
    public void close() {
        for (int i = 0; i < parts.count(); i++) {
            if (regionUploads[i] != null) {
                regionUploads[i].close();
            }
            if (uploads[i] != null) {
                uploads[i].close();
            }
        }
    }
}
