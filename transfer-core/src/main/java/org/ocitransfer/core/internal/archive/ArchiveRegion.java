// One contiguous region of a planned archive, written independently of the others.
package org.ocitransfer.core.internal.archive;

import java.util.List;

/**
 * A contiguous part of a planned archive: whole entries (header, data, padding), and after the last entry of the
 * archive the end-of-archive marker. The regions of {@link ArchiveWriter#regions} tile the archive in order, so
 * each can be written on its own (into its place in a file, or as its own blocks of a block blob).
 *
 * @param index   its position among the regions
 * @param offset  where it starts in the archive
 * @param length  its length in bytes
 * @param entries the entries it holds, in archive order
 * @param trailer whether it ends with the end-of-archive marker
 */
public record ArchiveRegion(int index, long offset, long length, List<PlannedEntry> entries, boolean trailer) {

    /** Copies the entries. */
    public ArchiveRegion {
        entries = List.copyOf(entries);
    }

    /** The first byte after the region. */
    public long end() {
        return offset + length;
    }
}
