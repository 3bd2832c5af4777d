// The bytes of one archive region as a stream: headers and metadata from the plan, blobs opened lazily, verified.
package org.ocitransfer.core.internal.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.ocitransfer.core.content.BlockFilterInputStream;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.VerifyingInputStream;

/**
 * Streams a region: for each entry its header records, its data (metadata from the plan; a blob opened from the
 * source only when the stream reaches it, and verified against its descriptor) and its padding; then the trailer
 * when the region has it. Exactly {@link ArchiveRegion#length()} bytes, or an IOException (a content mismatch is
 * an IOException caused by a {@link ContentVerificationException}).
 */
final class ArchiveRegionStream extends BlockFilterInputStream {

    private final ArchivePlan plan;
    private final ArchiveRegion region;
    private final ArchiveWriter.BlobOpener opener;
    /** Which part comes next: 3 per entry (header, data, padding), then the trailer. */
    private int part;
    private InputStream current;
    private boolean closed;

    ArchiveRegionStream(ArchivePlan plan, ArchiveRegion region, ArchiveWriter.BlobOpener opener) {
        super(null);
        this.plan = plan;
        this.region = region;
        this.opener = opener;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("The stream of archive region " + region.index() + " is closed");
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (current == null) {
                current = nextPart();
                if (current == null) {
                    return -1;
                }
            }
            int n = current.read(b, off, len);
            if (n > 0) {
                return n;
            }
            if (n < 0) {
                current.close();
                current = null;
            }
        }
    }

    /** Opens the next part, or returns null at the region's end. */
    private InputStream nextPart() throws IOException {
        int entries = region.entries().size();
        while (part < 3 * entries + 1) {
            int p = part++;
            if (p == 3 * entries) {
                return region.trailer() ? new ByteArrayInputStream(new byte[TarHeaders.TRAILER]) : null;
            }
            PlannedEntry entry = region.entries().get(p / 3);
            switch (p % 3) {
                case 0:
                    return new ByteArrayInputStream(plan.header(entry));
                case 1:
                    if (entry.size() == 0) {
                        continue;
                    }
                    if (!entry.isBlob()) {
                        return new ByteArrayInputStream(plan.metadata(entry));
                    }
                    InputStream raw = opener.open(entry.blob());
                    return raw instanceof VerifyingInputStream ? raw
                            : new VerifyingInputStream(raw, entry.blob(), "the export source");
                default:
                    int padding = (int) (TarHeaders.padded(entry.size()) - entry.size());
                    if (padding == 0) {
                        continue;
                    }
                    return new ByteArrayInputStream(new byte[padding]);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        if (current != null) {
            InputStream c = current;
            current = null;
            c.close();
        }
    }
}
