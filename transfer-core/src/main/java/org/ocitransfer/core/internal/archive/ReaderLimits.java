package org.ocitransfer.core.internal.archive;

/**
 * Bounds on what {@link ArchiveReader} accepts, so every archive, however hostile, is read in bounded time and
 * memory (the defaults fit a 64 MiB heap). An archive over a limit is refused with an {@link ArchiveFormatException}
 * naming the limit. docs/archive-format.md ("Limits") lists them.
 *
 * @param maxEntries        the most tar entries (files and directories); default {@value #MAX_ENTRIES}
 * @param maxExtendedHeaderBytes the largest PAX extended header or GNU long-name entry; default 64 KiB
 * @param maxIndexBytes     the largest {@code index.json}; default 4 MiB (the manifest limit)
 * @param maxCatalogBytes   the largest {@code catalog.json}; default 16 MiB (read streaming, never held whole)
 * @param maxGraphDepth     the deepest nesting of indexes and manifests below index.json; default 16
 * @param maxTags           the most artifacts (tags or digests) index.json may name; default {@value #MAX_TAGS}
 * @param maxManifests      the most distinct manifests and indexes reachable from index.json; default
 *                          {@value #MAX_MANIFESTS}
 * @param maxReferences     the most descriptors all those manifests list together (configs, layers, children);
 *                          default {@value #MAX_REFERENCES}
 */
public record ReaderLimits(int maxEntries, int maxExtendedHeaderBytes, int maxIndexBytes, int maxCatalogBytes,
                           int maxGraphDepth, int maxTags, int maxManifests, int maxReferences) {

    /** Default {@link #maxEntries()}: tar entries per archive. */
    public static final int MAX_ENTRIES = 50_000;
    /**
     * Default {@link #maxTags()}: artifacts (index.json entries, each a tag or a digest to import) per archive.
     * Each is planned and tagged on its own, so this bounds the work an import does per archive.
     */
    public static final int MAX_TAGS = 20_000;
    /**
     * Default {@link #maxManifests()}: distinct manifests and indexes per archive. Each is read and verified once
     * however many artifacts reach it, and only what it points at is kept (never its bytes).
     */
    public static final int MAX_MANIFESTS = 20_000;
    /**
     * Default {@link #maxReferences()}: descriptors listed by the archive's distinct manifests, all together (a
     * 4 MiB index can list about 20,000). With the other limits it bounds the memory an import plan takes.
     */
    public static final int MAX_REFERENCES = 500_000;

    /** The default limits. */
    public static final ReaderLimits DEFAULTS = new ReaderLimits(MAX_ENTRIES, 64 * 1024, 4 * 1024 * 1024,
            16 * 1024 * 1024, 16, MAX_TAGS, MAX_MANIFESTS, MAX_REFERENCES);

    /** Every limit must be positive. */
    public ReaderLimits {
        if (maxEntries <= 0 || maxExtendedHeaderBytes <= 0 || maxIndexBytes <= 0 || maxCatalogBytes <= 0
                || maxGraphDepth <= 0 || maxTags <= 0 || maxManifests <= 0 || maxReferences <= 0) {
            throw new IllegalArgumentException("Every archive reader limit must be positive: " + maxEntries + ", "
                    + maxExtendedHeaderBytes + ", " + maxIndexBytes + ", " + maxCatalogBytes + ", " + maxGraphDepth
                    + ", " + maxTags + ", " + maxManifests + ", " + maxReferences);
        }
    }

    /** These limits with another entry limit. */
    public ReaderLimits withMaxEntries(int max) {
        return new ReaderLimits(max, maxExtendedHeaderBytes, maxIndexBytes, maxCatalogBytes, maxGraphDepth, maxTags,
                maxManifests, maxReferences);
    }

    /** These limits with another graph depth limit. */
    public ReaderLimits withMaxGraphDepth(int max) {
        return new ReaderLimits(maxEntries, maxExtendedHeaderBytes, maxIndexBytes, maxCatalogBytes, max, maxTags,
                maxManifests, maxReferences);
    }

    /** These limits with other tag, manifest and reference limits. */
    public ReaderLimits withMaxGraph(int tags, int manifests, int references) {
        return new ReaderLimits(maxEntries, maxExtendedHeaderBytes, maxIndexBytes, maxCatalogBytes, maxGraphDepth,
                tags, manifests, references);
    }
}
