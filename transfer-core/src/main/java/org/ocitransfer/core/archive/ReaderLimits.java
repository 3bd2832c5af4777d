package org.ocitransfer.core.archive;

/**
 * Bounds on what {@link ArchiveReader} accepts, so every archive, however hostile, is read in bounded time and
 * memory. An archive over a limit is refused with an {@link ArchiveFormatException} naming the limit.
 *
 * @param maxEntries        the most tar entries (files and directories); default 50,000
 * @param maxExtendedHeaderBytes the largest PAX extended header or GNU long-name entry; default 64 KiB
 * @param maxIndexBytes     the largest {@code index.json}; default 4 MiB (the manifest limit)
 * @param maxCatalogBytes   the largest {@code catalog.json}; default 16 MiB (about 80,000 blobs)
 * @param maxGraphDepth     the deepest nesting of indexes and manifests below index.json; default 16
 */
public record ReaderLimits(int maxEntries, int maxExtendedHeaderBytes, int maxIndexBytes, int maxCatalogBytes,
                           int maxGraphDepth) {

    /** The default limits. */
    public static final ReaderLimits DEFAULTS = new ReaderLimits(50_000, 64 * 1024, 4 * 1024 * 1024,
            16 * 1024 * 1024, 16);

    /** Every limit must be positive. */
    public ReaderLimits {
        if (maxEntries <= 0 || maxExtendedHeaderBytes <= 0 || maxIndexBytes <= 0 || maxCatalogBytes <= 0
                || maxGraphDepth <= 0) {
            throw new IllegalArgumentException("Every archive reader limit must be positive: " + maxEntries + ", "
                    + maxExtendedHeaderBytes + ", " + maxIndexBytes + ", " + maxCatalogBytes + ", " + maxGraphDepth);
        }
    }

    /** These limits with another entry limit. */
    public ReaderLimits withMaxEntries(int max) {
        return new ReaderLimits(max, maxExtendedHeaderBytes, maxIndexBytes, maxCatalogBytes, maxGraphDepth);
    }

    /** These limits with another graph depth limit. */
    public ReaderLimits withMaxGraphDepth(int max) {
        return new ReaderLimits(maxEntries, maxExtendedHeaderBytes, maxIndexBytes, maxCatalogBytes, max);
    }
}
