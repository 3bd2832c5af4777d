// An archive stored as a part set (NAME.001, NAME.002, ...) read as one archive: each range from the parts it spans.
package org.ocitransfer.core.internal.archive;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.NoSuchElementException;
import org.ocitransfer.api.archive.ArchiveInspection;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.PartSet;

/**
 * The concatenation of a part set's blobs as one {@link ArchiveSource}: a range is read from each part it spans
 * (a ranged read per part, opened only when the stream reaches it), so blobs of the archive are read in parallel
 * from whichever parts hold them. Built by {@link ArchiveSource#open(BlobStore, String)} once every part was found
 * whole.
 */
final class PartSetSource implements ArchiveSource {

    private final BlobStore store;
    private final PartSet parts;

    PartSetSource(BlobStore store, PartSet parts) {
        this.store = store;
        this.parts = parts;
    }

    @Override
    public long size() {
        return parts.archiveSize();
    }

    @Override
    public InputStream open(long offset, long length) {
        ArchiveSource.checkRange(this, offset, length);
        if (length == 0) {
            return new ByteArrayInputStream(new byte[0]);
        }
        int first = (int) (offset / parts.partSize()) + 1;
        int last = (int) ((offset + length - 1) / parts.partSize()) + 1;
        if (first == last) {
            return store.read(parts.partName(first), offset - parts.partOffset(first), length);
        }
        return new SequenceInputStream(new Enumeration<InputStream>() {
            private int next = first;

            @Override
            public boolean hasMoreElements() {
                return next <= last;
            }

            @Override
            public InputStream nextElement() {
                if (next > last) {
                    throw new NoSuchElementException();
                }
                int index = next++;
                long start = Math.max(offset, parts.partOffset(index));
                long end = Math.min(offset + length, parts.partOffset(index) + parts.partLength(index));
                return store.read(parts.partName(index), start - parts.partOffset(index), end - start);
            }
        });
    }

    @Override
    public List<ArchiveInspection.Part> parts() {
        List<ArchiveInspection.Part> list = new ArrayList<>(parts.count());
        for (int i = 1; i <= parts.count(); i++) {
            list.add(new ArchiveInspection.Part(parts.partName(i), parts.partLength(i)));
        }
        return List.copyOf(list);
    }

    @Override
    public String position(long offset) {
        if (offset < 0 || offset >= parts.archiveSize()) {
            return "";
        }
        int index = (int) (offset / parts.partSize()) + 1;
        return " (in part " + parts.partName(index) + " at byte " + (offset - parts.partOffset(index)) + ")";
    }

    @Override
    public String describe() {
        return store.blobUri(parts.name()) + " (parts " + parts.partName(1) + " to " + parts.partName(parts.count())
                + ")";
    }
}
