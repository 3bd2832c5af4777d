package org.ocitransfer.core.signing;

/**
 * Signs an archive's catalogDigest: the SPI a key store implements (a PEM private key from a secret is built in;
 * the Azure module signs with a Key Vault key, the private key never leaving the vault). Called once per export,
 * while the archive is planned and before any byte is written.
 */
public interface CatalogSigner {

    /**
     * Signs the SHA-256 digest of catalog.json (32 bytes; the catalogDigest's value).
     *
     * @param catalogSha256 the 32 bytes of the digest
     * @return the signature as the archive stores it (see {@link CatalogSignatures}): for ECDSA P-256 the DER
     *         {@code ECDSA-Sig-Value} over the digest, for Ed25519 the 64-byte signature of the digest's 32 bytes
     * @throws ArchiveSignatureException when the key cannot sign (naming the key, never its material)
     */
    byte[] sign(byte[] catalogSha256);

    /** Names the key for messages and logs (its URI, never its material). */
    String describe();
}
