package org.ocitransfer.core.internal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.VerifyingInputStream;

/**
 * Writes a planned archive by streaming: headers and metadata from the plan, each blob copied from its source
 * through a fixed buffer (never held whole), its size and digest verified on the way. Either as one ordered stream
 * ({@link #write}), or as independent {@link #regions regions} ({@link #openRegion}) that together give the same
 * bytes, for stores that write regions in parallel.
 */
public final class ArchiveWriter {

    private static final int BUFFER = 64 * 1024;

    private ArchiveWriter() {
    }

    /** Opens a blob's content from the source (a registry). */
    @FunctionalInterface
    public interface BlobOpener {
        /**
         * Opens the blob's bytes. The stream may already verify them (a {@link VerifyingInputStream}); if it does
         * not, the writer verifies size and digest itself.
         */
        InputStream open(Descriptor blob) throws IOException;
    }

    /**
     * Writes the whole archive: exactly {@link ArchivePlan#totalSize()} bytes.
     *
     * @throws IOException when the output fails, or a blob's content does not match its descriptor (the cause is
     *                     then a {@link ContentVerificationException}; see
     *                     {@link VerifyingInputStream#verificationFailure(Throwable)})
     */
    public static void write(ArchivePlan plan, OutputStream out, BlobOpener opener) throws IOException {
        long written = 0;
        for (PlannedEntry entry : plan.entries()) {
            written += writeEntry(plan, entry, out, opener);
        }
        written += writeTrailer(out);
        if (written != plan.totalSize()) {
            throw new IllegalStateException("Wrote " + written + " bytes of an archive planned as "
                    + plan.totalSize());
        }
        out.flush();
    }

    /**
     * Writes one entry's region, {@code [entry.headerOffset(), entry.end())}: header records, data, padding. Regions
     * may be written independently (in parallel, into separate parts of the target) because every offset is
     * planned.
     *
     * @return the bytes written ({@code entry.end() - entry.headerOffset()})
     */
    public static long writeEntry(ArchivePlan plan, PlannedEntry entry, OutputStream out, BlobOpener opener)
            throws IOException {
        byte[] header = plan.header(entry);
        out.write(header);
        if (entry.isBlob()) {
            copyBlob(entry.blob(), out, opener);
        } else {
            out.write(plan.metadata(entry));
        }
        int padding = (int) (TarHeaders.padded(entry.size()) - entry.size());
        out.write(new byte[padding]);
        return header.length + entry.size() + padding;
    }

    /**
     * Divides a plan into regions that tile the archive in order: the metadata entries together, then each blob
     * entry on its own, the end-of-archive marker with the last. When that makes more than {@code maxRegions},
     * consecutive blob entries are grouped (evenly by count) so there are at most {@code maxRegions}.
     *
     * @throws IllegalArgumentException when {@code maxRegions} is below 1
     */
    public static List<ArchiveRegion> regions(ArchivePlan plan, int maxRegions) {
        if (maxRegions < 1) {
            throw new IllegalArgumentException("An archive needs at least one region, not " + maxRegions);
        }
        List<PlannedEntry> entries = plan.entries();
        int metadataCount = (int) entries.stream().takeWhile(e -> !e.isBlob()).count();
        List<PlannedEntry> metadata = entries.subList(0, metadataCount);
        List<PlannedEntry> blobs = entries.subList(metadataCount, entries.size());
        List<List<PlannedEntry>> groups = new ArrayList<>();
        if (maxRegions == 1) {
            groups.add(entries);
        } else {
            groups.add(metadata);
            int perGroup = (int) Math.max(1, -Math.floorDiv(-(long) blobs.size(), (long) maxRegions - 1));
            for (int i = 0; i < blobs.size(); i += perGroup) {
                groups.add(blobs.subList(i, Math.min(blobs.size(), i + perGroup)));
            }
        }
        List<ArchiveRegion> regions = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            List<PlannedEntry> group = groups.get(i);
            long start = group.get(0).headerOffset();
            boolean last = i == groups.size() - 1;
            long end = last ? plan.totalSize() : group.get(group.size() - 1).end();
            regions.add(new ArchiveRegion(i, start, end - start, group, last));
        }
        return regions;
    }

    /**
     * Opens one region's bytes: exactly {@link ArchiveRegion#length()} of them, identical to that range of what
     * {@link #write} produces. Each blob is opened from the source only when the stream reaches it, and verified
     * (size and digest) as it streams: a mismatch fails the read with an IOException caused by a
     * {@link ContentVerificationException}. The caller closes the stream (which closes an open blob).
     */
    public static InputStream openRegion(ArchivePlan plan, ArchiveRegion region, BlobOpener opener) {
        return new ArchiveRegionStream(plan, region, opener);
    }

    /** Writes the end-of-archive marker (two zero records), at {@link ArchivePlan#trailerOffset()}. */
    public static long writeTrailer(OutputStream out) throws IOException {
        out.write(new byte[TarHeaders.TRAILER]);
        return TarHeaders.TRAILER;
    }

    private static void copyBlob(Descriptor blob, OutputStream out, BlobOpener opener) throws IOException {
        try (InputStream raw = opener.open(blob)) {
            InputStream in = raw instanceof VerifyingInputStream ? raw
                    : new VerifyingInputStream(raw, blob, "the export source");
            byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(1, blob.size()))];
            long remaining = blob.size();
            while (remaining > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    throw new IOException(new ContentVerificationException("Blob " + blob.digest() + " ended after "
                            + (blob.size() - remaining) + " of its " + blob.size() + " bytes"));
                }
                out.write(buffer, 0, n);
                remaining -= n;
            }
            if (in.read() >= 0) {
                throw new IOException(new ContentVerificationException("Blob " + blob.digest()
                        + " is longer than its descriptor's " + blob.size() + " bytes"));
            }
        }
    }
}
