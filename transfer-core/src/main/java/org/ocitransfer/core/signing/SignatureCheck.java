package org.ocitransfer.core.signing;

/**
 * What an archive's signature says, as {@link CatalogSignatures#check} found it.
 *
 * @param status the outcome
 * @param reason one sentence: which key verified it, or why it does not verify
 */
public record SignatureCheck(Status status, String reason) {

    /** The outcome of a check. */
    public enum Status {
        /** The archive has no {@code catalog.json.sig}. */
        UNSIGNED,
        /** It is signed, and no key was given to verify it with. */
        SIGNED,
        /** It is signed and the signature verifies with one of the keys. */
        VALID,
        /** It is signed and the signature verifies with none of the keys (another key, or an altered catalog). */
        INVALID
    }
}
