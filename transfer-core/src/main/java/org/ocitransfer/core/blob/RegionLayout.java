// The regions of one region upload, and which are written: the bookkeeping every RegionUpload implementation needs.
package org.ocitransfer.core.blob;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * For implementers of {@link RegionUpload}: a blob's regions (each one's offset, the sum of the lengths before it) and
 * each region's state, safe to use from every writing thread. A region is claimed once ({@link #claim}), marked
 * complete when its bytes are stored ({@link #complete}); {@link #requireComplete} refuses a commit while any region
 * is not.
 */
public final class RegionLayout {

    private static final int NOT_STARTED = 0;
    private static final int BEING_WRITTEN = 1;
    private static final int COMPLETE = 2;

    private final long[] offsets;
    private final long[] lengths;
    private final long total;
    private final AtomicIntegerArray states;

    /** The layout of consecutive regions of these lengths (checked by {@link RegionUploadSupport#checkLayout}). */
    public RegionLayout(List<Long> regionLengths) {
        lengths = new long[regionLengths.size()];
        offsets = new long[lengths.length];
        long offset = 0;
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = regionLengths.get(i);
            offsets[i] = offset;
            offset += lengths[i];
        }
        total = offset;
        states = new AtomicIntegerArray(lengths.length);
    }

    /** How many regions. */
    public int count() {
        return lengths.length;
    }

    /** Where region {@code index} starts in the blob. */
    public long offset(int index) {
        return offsets[index];
    }

    /** Region {@code index}'s length in bytes. */
    public long length(int index) {
        return lengths[index];
    }

    /** The blob's length: every region's. */
    public long total() {
        return total;
    }

    /**
     * Claims region {@code index} for writing, once.
     *
     * @throws IndexOutOfBoundsException when there is no such region
     * @throws IllegalStateException     when it was claimed before (naming the blob)
     */
    public void claim(int index, String blob) {
        Objects.checkIndex(index, lengths.length);
        if (!states.compareAndSet(index, NOT_STARTED, BEING_WRITTEN)) {
            throw new IllegalStateException("Region " + index + " of blob '" + blob + "' is already written");
        }
    }

    /** Marks claimed region {@code index} complete: its bytes are stored. */
    public void complete(int index) {
        states.set(index, COMPLETE);
    }

    /**
     * @throws BlobStoreException naming up to ten incomplete regions, when any region is not complete
     */
    public void requireComplete(String blob, String location) {
        List<Integer> incomplete = new ArrayList<>();
        for (int i = 0; i < lengths.length && incomplete.size() < 10; i++) {
            if (states.get(i) != COMPLETE) {
                incomplete.add(i);
            }
        }
        if (!incomplete.isEmpty()) {
            throw new BlobStoreException("Blob '" + blob + "' in " + location + " was not committed: region(s) "
                    + incomplete + " of " + lengths.length + " are incomplete; write every region first");
        }
    }
}
