// Whether an archive carries a signature, and what checking it found.
package org.ocitransfer.api.archive;

/** An archive's signature, as inspection and verification see it. */
public enum SignatureStatus {
    /** The archive has no {@code catalog.json.sig} entry. */
    UNSIGNED,
    /** It has a {@code catalog.json.sig} entry, not checked (no key was given). */
    SIGNED_NOT_VERIFIED,
    /** Its signature over the catalog digest checked out with a given key. */
    VERIFIED,
    /** Its signature does not match the catalog digest with any given key. */
    INVALID
}
