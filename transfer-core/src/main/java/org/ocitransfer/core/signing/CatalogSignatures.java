package org.ocitransfer.core.signing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.core.content.Digest;

/**
 * The signature of a transfer archive (docs/archive-format.md, "Signed archives"): what is signed is the 32-byte
 * SHA-256 digest of catalog.json (the catalogDigest), which covers every byte of the archive. The entry
 * {@value #ENTRY} holds, for an ECDSA P-256 key, the DER {@code ECDSA-Sig-Value} over that digest (what
 * {@code openssl dgst -sha256 -sign} writes for catalog.json), for an Ed25519 key the 64-byte signature of the
 * digest's 32 bytes. Verifying needs only the catalogDigest, never the catalog's bytes again.
 */
public final class CatalogSignatures {

    /** The archive entry holding the signature, right after catalog.json. */
    public static final String ENTRY = "catalog.json.sig";
    /** The largest signature entry a reader accepts (ECDSA P-256 signatures are at most 72 bytes, Ed25519 64). */
    public static final int MAX_BYTES = 1024;

    private CatalogSignatures() {
    }

    /**
     * Signs a catalog digest with a private key ({@link PemKeys#privateKey}).
     *
     * @throws IllegalArgumentException when the digest is not 32 bytes
     */
    public static byte[] sign(PrivateKey key, byte[] catalogSha256) {
        requireDigest(catalogSha256);
        try {
            Signature signature = Signature.getInstance(algorithm(key));
            signature.initSign(key);
            signature.update(catalogSha256);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new ArchiveSignatureException("The signing key could not sign the catalog: " + e.getMessage(), e,
                    ErrorCategory.INVALID_INPUT);
        }
    }

    /** Whether {@code signature} is the key's signature of the catalog digest. A malformed signature is false. */
    public static boolean verifies(PublicKey key, byte[] catalogSha256, byte[] signature) {
        requireDigest(catalogSha256);
        try {
            Signature verifier = Signature.getInstance(algorithm(key));
            verifier.initVerify(key);
            verifier.update(catalogSha256);
            return verifier.verify(signature);
        } catch (java.security.SignatureException e) {
            return false; // not a well-formed signature for this key
        } catch (GeneralSecurityException e) {
            throw new ArchiveSignatureException("The verify key cannot verify: " + e.getMessage(), e,
                    ErrorCategory.INVALID_INPUT);
        }
    }

    /**
     * Checks an archive's signature.
     *
     * @param catalogDigest the archive's catalogDigest ({@code sha256:<hex>}); null when it has no catalog
     * @param signature     the {@value #ENTRY} entry's bytes; null when it has none
     * @param keys          the keys any one of which may have signed it; empty: only say whether it is signed
     */
    public static SignatureCheck check(String catalogDigest, byte[] signature, List<PublicKey> keys) {
        if (signature == null) {
            return new SignatureCheck(SignatureCheck.Status.UNSIGNED, "it has no " + ENTRY + " entry: it was exported"
                    + " by a pipeline without a signing key");
        }
        if (keys.isEmpty()) {
            return new SignatureCheck(SignatureCheck.Status.SIGNED, "it is signed (" + signature.length
                    + " bytes in " + ENTRY + "); no key was given to verify it");
        }
        byte[] digest = HexFormat.of().parseHex(Digest.parse(catalogDigest).hex());
        for (int i = 0; i < keys.size(); i++) {
            if (verifies(keys.get(i), digest, signature)) {
                return new SignatureCheck(SignatureCheck.Status.VALID, "its signature of catalogDigest "
                        + catalogDigest + " verifies with verify key " + (i + 1) + " of " + keys.size() + " ("
                        + describe(keys.get(i)) + ")");
            }
        }
        return new SignatureCheck(SignatureCheck.Status.INVALID, "its signature of catalogDigest " + catalogDigest
                + " verifies with none of the " + keys.size() + " verify keys: it was signed with another key, or"
                + " catalog.json or " + ENTRY + " was altered after signing");
    }

    /**
     * An ECDSA signature as {@code r || s} (IEEE P1363, 64 bytes for P-256: what JOSE's ES256 and Azure Key Vault
     * return) in DER, the form this format stores.
     *
     * @throws IllegalArgumentException when it is not 64 bytes
     */
    public static byte[] derFromRaw(byte[] rs) {
        if (rs.length != 64) {
            throw new IllegalArgumentException("An ES256 signature is 64 bytes (r || s), not " + rs.length);
        }
        byte[] r = new BigInteger(1, Arrays.copyOfRange(rs, 0, 32)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)).toByteArray();
        int length = 2 + r.length + 2 + s.length; // at most 70: one length byte
        byte[] der = new byte[2 + length];
        der[0] = 0x30;
        der[1] = (byte) length;
        der[2] = 0x02;
        der[3] = (byte) r.length;
        System.arraycopy(r, 0, der, 4, r.length);
        der[4 + r.length] = 0x02;
        der[5 + r.length] = (byte) s.length;
        System.arraycopy(s, 0, der, 6 + r.length, s.length);
        return der;
    }

    /** {@code ECDSA P-256} or {@code Ed25519}, for messages. */
    static String describe(Key key) {
        return key instanceof ECKey ? "ECDSA P-256" : "Ed25519";
    }

    private static String algorithm(Key key) {
        // NONEwithECDSA signs the given bytes as the hash: the same signature as SHA256withECDSA over catalog.json.
        return key instanceof ECKey ? "NONEwithECDSA" : "Ed25519";
    }

    private static void requireDigest(byte[] catalogSha256) {
        if (catalogSha256 == null || catalogSha256.length != 32) {
            throw new IllegalArgumentException("A catalog digest is the 32 bytes of a SHA-256, not "
                    + (catalogSha256 == null ? "null" : catalogSha256.length + " bytes"));
        }
    }
}
