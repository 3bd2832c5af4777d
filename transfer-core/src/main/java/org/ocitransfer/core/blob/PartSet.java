// An archive stored as numbered parts NAME.001, NAME.002, ...: their names, sizes and the metadata that describes them.
package org.ocitransfer.core.blob;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.ocitransfer.api.ErrorCategory;

/**
 * One archive stored as blobs {@code NAME.001}, {@code NAME.002}, ... whose concatenation is the archive byte for
 * byte: every part but the last holds exactly {@code partSize} bytes, the last the rest. The set describes itself in
 * its parts' metadata (never in the archive's bytes): every part carries {@value #PART_COUNT_KEY},
 * {@value #PART_SIZE_KEY}, {@value #ARCHIVE_SIZE_KEY} and its own {@value #PART_INDEX_KEY} (1-based), and the first
 * part's metadata is the one that counts ("the first part says how many there are"). A reader finds the set from its
 * name ({@link #find}), and checks every part is there with its size ({@link #requireWhole}) before it reads a byte.
 *
 * @param name        the archive's name (without the {@code .NNN} suffix)
 * @param count       how many parts, 1 to {@value #MAX_PARTS}
 * @param partSize    the size of every part but the last (the largest part size the set was cut at)
 * @param archiveSize the whole archive's size: the parts' sizes added up
 */
public record PartSet(String name, int count, long partSize, long archiveSize) {

    /** Metadata key: how many parts the set has. */
    public static final String PART_COUNT_KEY = "partcount";
    /** Metadata key: the size of every part but the last. */
    public static final String PART_SIZE_KEY = "partsize";
    /** Metadata key: the whole archive's size. */
    public static final String ARCHIVE_SIZE_KEY = "archivesize";
    /** Metadata key: this part's number, from 1. */
    public static final String PART_INDEX_KEY = "partindex";
    /** The most parts a set may have (three digits). */
    public static final int MAX_PARTS = 999;

    /** Checks the numbers fit together: {@code count} parts of {@code partSize} make {@code archiveSize}. */
    public PartSet {
        Objects.requireNonNull(name, "name");
        if (partSize < 1 || archiveSize < 1) {
            throw new IllegalArgumentException("Part set '" + name + "' needs a positive part size and archive size,"
                    + " not " + partSize + " and " + archiveSize);
        }
        long needed = (archiveSize - 1) / partSize + 1;
        if (needed > MAX_PARTS) {
            throw new IllegalArgumentException("Archive '" + name + "' of " + archiveSize + " bytes would need "
                    + needed + " parts of " + partSize + " bytes, more than the " + MAX_PARTS + " a set may have:"
                    + " choose a larger part size (at least " + ((archiveSize - 1) / MAX_PARTS + 1) + " bytes)");
        }
        if (count != needed) {
            throw new IllegalArgumentException("Part set '" + name + "' says it has " + count + " parts, but "
                    + archiveSize + " bytes in parts of " + partSize + " make " + needed);
        }
    }

    /**
     * The set an archive of {@code archiveSize} bytes is cut into with parts of at most {@code maxPartSize} bytes.
     *
     * @throws IllegalArgumentException when that would make more than {@value #MAX_PARTS} parts
     */
    public static PartSet plan(String name, long archiveSize, long maxPartSize) {
        if (maxPartSize < 1) {
            throw new IllegalArgumentException("The largest part size must be positive, not " + maxPartSize);
        }
        long count = (archiveSize - 1) / maxPartSize + 1;
        return new PartSet(name, (int) Math.min(count, MAX_PARTS + 1L), maxPartSize, archiveSize);
    }

    /** Part {@code index}'s blob name: {@code NAME.001} for 1. */
    public String partName(int index) {
        checkIndex(index);
        return partName(name, index);
    }

    /** The blob name of part {@code index} of the archive {@code name}. */
    public static String partName(String name, int index) {
        return String.format("%s.%03d", name, index);
    }

    /** Where part {@code index} starts in the archive. */
    public long partOffset(int index) {
        checkIndex(index);
        return (index - 1) * partSize;
    }

    /** Part {@code index}'s size in bytes. */
    public long partLength(int index) {
        checkIndex(index);
        return index < count ? partSize : archiveSize - (count - 1) * partSize;
    }

    /** The metadata that part {@code index} carries, besides the archive's own. */
    public Map<String, String> metadata(int index) {
        checkIndex(index);
        return Map.of(PART_COUNT_KEY, Integer.toString(count), PART_SIZE_KEY, Long.toString(partSize),
                ARCHIVE_SIZE_KEY, Long.toString(archiveSize), PART_INDEX_KEY, Integer.toString(index));
    }

    /**
     * The set the first part {@code first} (a blob named {@code NAME.001}) describes in its metadata, or empty when it
     * is not a first part.
     *
     * @throws BlobStoreException when its part metadata is there but malformed (naming the blob)
     */
    public static Optional<PartSet> describedBy(BlobItem first) {
        Map<String, String> m = first.metadata();
        if (!first.name().endsWith(".001") || !m.containsKey(PART_COUNT_KEY)) {
            return Optional.empty();
        }
        String name = first.name().substring(0, first.name().length() - 4);
        try {
            if (!"1".equals(m.get(PART_INDEX_KEY))) {
                throw new IllegalArgumentException("its " + PART_INDEX_KEY + " is " + m.get(PART_INDEX_KEY)
                        + ", not 1");
            }
            return Optional.of(new PartSet(name, Integer.parseInt(m.get(PART_COUNT_KEY)),
                    Long.parseLong(String.valueOf(m.get(PART_SIZE_KEY))),
                    Long.parseLong(String.valueOf(m.get(ARCHIVE_SIZE_KEY)))));
        } catch (IllegalArgumentException e) {
            throw new BlobStoreException("Blob '" + first.name() + "' is the first part of archive '" + name
                    + "' but its part metadata " + Map.of(PART_COUNT_KEY, String.valueOf(m.get(PART_COUNT_KEY)),
                    PART_SIZE_KEY, String.valueOf(m.get(PART_SIZE_KEY)), ARCHIVE_SIZE_KEY,
                    String.valueOf(m.get(ARCHIVE_SIZE_KEY))) + " is not valid (" + e.getMessage() + "): export the"
                    + " archive again", e, ErrorCategory.INVALID_INPUT);
        }
    }

    /**
     * The part set named {@code name} in {@code store}: found by its first part {@code NAME.001}.
     *
     * @return empty when there is no {@code NAME.001}
     * @throws BlobStoreException when {@code NAME.001} is there but carries no part metadata (its set lost it in a
     *                            copy that dropped blob metadata), naming the parts found and what to do; or when its
     *                            part metadata is malformed
     */
    public static Optional<PartSet> find(BlobStore store, String name) {
        Optional<BlobItem> first = store.properties(partName(name, 1));
        if (first.isEmpty()) {
            return Optional.empty();
        }
        Optional<PartSet> parts = describedBy(first.get());
        if (parts.isEmpty()) {
            throw withoutMetadata(store, name);
        }
        return parts;
    }

    /**
     * A set whose first part carries no part metadata is not read by its names and sizes: a part missing at the end,
     * or a stray blob after it, would go unnoticed until the archive's bytes failed to read. Says what is there.
     */
    private static BlobStoreException withoutMetadata(BlobStore store, String name) {
        int found = 1;
        while (found < MAX_PARTS && store.properties(partName(name, found + 1)).isPresent()) {
            found++;
        }
        String parts = found == 1 ? "'" + partName(name, 1) + "' exists" : "'" + partName(name, 1) + "' to '"
                + partName(name, found) + "' exist";
        return new BlobStoreException("Blob '" + name + "' does not exist in " + store.location() + ", but " + parts
                + " and '" + partName(name, 1) + "' carries no part-set metadata (" + PART_COUNT_KEY + ", "
                + PART_SIZE_KEY + ", " + ARCHIVE_SIZE_KEY + ", " + PART_INDEX_KEY + "): the parts were copied without"
                + " their blob metadata, so how many there are is not known. Copy every part again with a tool that"
                + " keeps blob metadata (transfer blob copy, azcopy), or join them into one blob (cat " + name
                + ".0* > " + name + ") and use '" + name + "'", null, ErrorCategory.INVALID_INPUT);
    }

    /** Whether a blob is a part of a set other than its first (it has part metadata with an index above 1). */
    public static boolean isLaterPart(BlobItem blob) {
        String index = blob.metadata().get(PART_INDEX_KEY);
        return index != null && !"1".equals(index) && blob.metadata().containsKey(PART_COUNT_KEY);
    }

    /**
     * For a source trigger: what a listed blob is imported as, given the container's listing. A blob that is no part
     * is its own archive; the first part {@code NAME.001} of a set stands for {@code NAME} once every part it
     * announces is listed whole (a first part whose part metadata is malformed too: its import then fails, saying
     * why); a later part, or a first part whose set is not whole yet, is nothing to import (empty).
     */
    public static Optional<String> importedAs(BlobItem blob, Collection<BlobItem> listed) {
        if (isLaterPart(blob)) {
            return Optional.empty();
        }
        Optional<PartSet> parts;
        try {
            parts = describedBy(blob);
        } catch (BlobStoreException e) {
            return Optional.of(blob.name().substring(0, blob.name().length() - 4));
        }
        if (parts.isEmpty()) {
            return Optional.of(blob.name());
        }
        return parts.get().isWhole(listed) ? Optional.of(parts.get().name()) : Optional.empty();
    }

    /** Whether every part is among {@code blobs} (a listing of its container) with its size. */
    public boolean isWhole(Collection<BlobItem> blobs) {
        Map<String, Long> sizes = new HashMap<>();
        for (BlobItem blob : blobs) {
            sizes.put(blob.name(), blob.size());
        }
        for (int i = 1; i <= count; i++) {
            if (!Long.valueOf(partLength(i)).equals(sizes.get(partName(i)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks that every part is in {@code store} with its size, before anything is read.
     *
     * @throws BlobStoreException naming the first missing part (category NOT_FOUND) or the first part of the wrong
     *                            size (CORRUPT_CONTENT)
     */
    public void requireWhole(BlobStore store) {
        for (int i = 1; i <= count; i++) {
            Optional<BlobItem> part = store.properties(partName(i));
            if (part.isEmpty()) {
                throw new BlobStoreException(missing(i, store.location()), null, ErrorCategory.NOT_FOUND);
            }
            if (part.get().size() != partLength(i)) {
                throw new BlobStoreException(wrongSize(i, part.get().size(), store.location()), null,
                        ErrorCategory.CORRUPT_CONTENT);
            }
        }
    }

    private String missing(int index, String location) {
        return "Part '" + partName(index) + "' of archive '" + name + "' is missing from " + location + ": the set has "
                + count + " parts (" + partName(1) + " says so); copy every part, then run it again";
    }

    private String wrongSize(int index, long actual, String location) {
        return "Part '" + partName(index) + "' of archive '" + name + "' in " + location + " has " + actual
                + " bytes, not the " + partLength(index) + " it was written with (it is short, or another blob):"
                + " copy it again, then run it again";
    }

    private void checkIndex(int index) {
        if (index < 1 || index > count) {
            throw new IndexOutOfBoundsException("Part set '" + name + "' has parts 1 to " + count + ", not " + index);
        }
    }
}
