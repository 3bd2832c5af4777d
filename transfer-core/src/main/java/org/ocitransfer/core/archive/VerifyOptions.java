// What an offline verification compares an archive with: an expected catalog digest, and base archives.
package org.ocitransfer.core.archive;

import java.util.List;

/**
 * What {@link OfflineArchive#verify(VerifyOptions)} checks the archive against, beyond its own content.
 *
 * @param expectedCatalogDigest the catalog digest the archive must have (the export run's {@code catalogDigest},
 *                              handed over with the archive), or null to check only that the archive is consistent
 * @param bases                 base archives of a differential archive; a base the catalog records and that is not
 *                              given is looked for beside the archive (its directory or container) under its blob
 *                              name
 */
public record VerifyOptions(String expectedCatalogDigest, List<OfflineArchive> bases) {

    /** No expected digest, no base given. */
    public static final VerifyOptions NONE = new VerifyOptions(null, List.of());

    /** Copies the list. */
    public VerifyOptions {
        bases = bases == null ? List.of() : List.copyOf(bases);
    }

    /** These options expecting that catalog digest. */
    public VerifyOptions withExpectedCatalogDigest(String digest) {
        return new VerifyOptions(digest, bases);
    }

    /** These options with those base archives. */
    public VerifyOptions withBases(List<OfflineArchive> archives) {
        return new VerifyOptions(expectedCatalogDigest, archives);
    }
}
