// What an offline verification compares an archive with: an expected catalog digest, base archives, verify keys.
package org.ocitransfer.core.archive;

import java.security.PublicKey;
import java.util.List;

/**
 * What {@link OfflineArchive#verify(VerifyOptions)} checks the archive against, beyond its own content.
 *
 * @param expectedCatalogDigest the catalog digest the archive must have (the export run's {@code catalogDigest},
 *                              handed over with the archive), or null to check only that the archive is consistent
 * @param bases                 base archives of a differential archive; a base the catalog records and that is not
 *                              given is looked for beside the archive (its directory or container) under its blob
 *                              name
 * @param keys                  public keys (ECDSA P-256 or Ed25519, read with
 *                              {@link org.ocitransfer.core.signing.PemKeys#publicKeys}) any one of which must have
 *                              signed the archive; empty to only report whether it is signed
 */
public record VerifyOptions(String expectedCatalogDigest, List<OfflineArchive> bases, List<PublicKey> keys) {

    /** No expected digest, no base given, no key. */
    public static final VerifyOptions NONE = new VerifyOptions(null, List.of(), List.of());

    /** Copies the lists. */
    public VerifyOptions {
        bases = bases == null ? List.of() : List.copyOf(bases);
        keys = keys == null ? List.of() : List.copyOf(keys);
    }

    /** Options with no verify key. */
    public VerifyOptions(String expectedCatalogDigest, List<OfflineArchive> bases) {
        this(expectedCatalogDigest, bases, List.of());
    }

    /** These options expecting that catalog digest. */
    public VerifyOptions withExpectedCatalogDigest(String digest) {
        return new VerifyOptions(digest, bases, keys);
    }

    /** These options with those base archives. */
    public VerifyOptions withBases(List<OfflineArchive> archives) {
        return new VerifyOptions(expectedCatalogDigest, archives, keys);
    }

    /**
     * These options with those verify keys: the archive must be signed, and its signature of the catalog digest must
     * verify with one of them.
     */
    public VerifyOptions withKeys(List<PublicKey> publicKeys) {
        return new VerifyOptions(expectedCatalogDigest, bases, publicKeys);
    }
}
