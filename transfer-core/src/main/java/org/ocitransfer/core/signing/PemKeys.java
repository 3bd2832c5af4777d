package org.ocitransfer.core.signing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.core.secret.SecretStore;

/**
 * PEM keys for signed archives: an unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}) to sign,
 * a public key ({@code -----BEGIN PUBLIC KEY-----}, or a {@code CERTIFICATE}) to verify; ECDSA P-256 or Ed25519.
 * Every other form is refused with what to run instead. Messages name where the key came from, never its material.
 */
public final class PemKeys {

    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
    /** The order of the P-256 (secp256r1) group: identifies the curve. */
    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    private static final String KINDS = "use an ECDSA P-256 or Ed25519 key (openssl genpkey -algorithm EC"
            + " -pkeyopt ec_paramgen_curve:P-256, or openssl genpkey -algorithm ed25519)";

    private PemKeys() {
    }

    /**
     * The signer of a PEM private key held in a secret: what an export pipeline's signingKeyUri names when no
     * {@link CatalogSignerFactory} supports it.
     *
     * @throws ArchiveSignatureException when the secret does not hold a usable private key
     */
    public static CatalogSigner signer(String secretUri, SecretStore secrets) {
        PrivateKey key = privateKey(secrets.get(secretUri).reveal(), "the signing key " + secretUri);
        return new CatalogSigner() {
            @Override
            public byte[] sign(byte[] catalogSha256) {
                return CatalogSignatures.sign(key, catalogSha256);
            }

            @Override
            public String describe() {
                return secretUri;
            }

            @Override
            public String toString() {
                return "PemSigner[" + secretUri + "]";
            }
        };
    }

    /**
     * The public keys an import pipeline's verifyKeys name: each a secret URI (any form {@code secrets} supports,
     * e.g. {@code file:/path}, {@code env:NAME} or a Key Vault secret) or a file path, holding a PEM public key.
     *
     * @throws ArchiveSignatureException naming the key that cannot be read or used
     */
    public static List<PublicKey> publicKeys(List<String> fileOrSecret, SecretStore secrets) {
        List<PublicKey> keys = new ArrayList<>(fileOrSecret.size());
        for (String key : fileOrSecret) {
            String where = "the verify key " + key;
            String pem;
            if (secrets.supports(key)) {
                pem = secrets.get(key).reveal();
            } else {
                try {
                    pem = Files.readString(Path.of(key), StandardCharsets.US_ASCII);
                } catch (IOException | InvalidPathException e) {
                    throw new ArchiveSignatureException(where + " cannot be read as a file (" + e.getMessage()
                            + "): give a PEM public key file or a secret URI", e, ErrorCategory.INVALID_INPUT);
                }
            }
            keys.add(publicKey(pem, where));
        }
        return List.copyOf(keys);
    }

    /**
     * Reads an unencrypted PKCS#8 PEM private key, ECDSA P-256 or Ed25519.
     *
     * @param where names the key in messages (a URI or path)
     * @throws ArchiveSignatureException naming {@code where} and what to do, for anything else
     */
    public static PrivateKey privateKey(String pem, String where) {
        String label = label(pem, where, "a PEM private key (-----BEGIN PRIVATE KEY-----)");
        switch (label) {
            case "PRIVATE KEY" -> {
                PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(body(pem, label, where));
                return decode(factory -> factory.generatePrivate(spec), where, "PKCS#8 private key");
            }
            case "ENCRYPTED PRIVATE KEY" -> throw invalid(where + " is an encrypted private key: store it"
                    + " unencrypted in the secret (openssl pkey -in key.pem -out plain.pem; the secret store protects"
                    + " it)");
            case "EC PRIVATE KEY" -> throw invalid(where + " is a SEC1 EC private key (-----BEGIN EC PRIVATE"
                    + " KEY-----); convert it to PKCS#8: openssl pkey -in key.pem -out key.p8.pem");
            case "RSA PRIVATE KEY" -> throw invalid(where + " is an RSA private key: " + KINDS);
            case "PUBLIC KEY", "CERTIFICATE" -> throw invalid(where + " holds a public key or certificate, not the"
                    + " private key: sign with the private key and give importers the public key");
            default -> throw invalid(where + " holds a PEM " + label + ", not a private key"
                    + " (-----BEGIN PRIVATE KEY-----): " + KINDS);
        }
    }

    /**
     * Reads a PEM public key (SubjectPublicKeyInfo, or a certificate's key), ECDSA P-256 or Ed25519.
     *
     * @param where names the key in messages (a URI or path)
     * @throws ArchiveSignatureException naming {@code where} and what to do, for anything else
     */
    public static PublicKey publicKey(String pem, String where) {
        String label = label(pem, where, "a PEM public key (-----BEGIN PUBLIC KEY-----)");
        switch (label) {
            case "PUBLIC KEY" -> {
                X509EncodedKeySpec spec = new X509EncodedKeySpec(body(pem, label, where));
                return decode(factory -> factory.generatePublic(spec), where, "public key");
            }
            case "CERTIFICATE" -> {
                try {
                    return supported(CertificateFactory.getInstance("X.509").generateCertificate(
                            new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                            .getPublicKey(), where);
                } catch (CertificateException e) {
                    throw invalid(where + " is not a valid X.509 certificate (" + e.getMessage() + ")");
                }
            }
            default -> throw invalid(where + " holds a PEM " + label + ", not a public key: give the public key"
                    + " (openssl pkey -in key.pem -pubout -out pub.pem)");
        }
    }

    /** Reads a key with one JDK key factory of this format's algorithms after the other. */
    private interface Decoder<K extends Key> {
        K decode(KeyFactory factory) throws GeneralSecurityException;
    }

    private static <K extends Key> K decode(Decoder<K> decoder, String where, String kind) {
        for (String algorithm : new String[] {"EC", "Ed25519"}) {
            try {
                return supported(decoder.decode(KeyFactory.getInstance(algorithm)), where);
            } catch (GeneralSecurityException e) {
                // Not this algorithm: try the next.
            }
        }
        throw invalid(where + " is a " + kind + " of another kind (RSA, DSA, Ed448, ...): " + KINDS);
    }

    /** Whether the key is one this format signs with (ECDSA P-256 or Ed25519); throws otherwise. */
    private static <K extends Key> K supported(K key, String where) {
        if (key instanceof ECKey ec) {
            if (!ec.getParams().getOrder().equals(P256_ORDER)) {
                throw invalid(where + " is an ECDSA key on another curve than P-256 (a "
                        + ec.getParams().getOrder().bitLength() + "-bit group): " + KINDS);
            }
            return key;
        }
        if (key instanceof EdECKey ed && "Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
            return key;
        }
        throw invalid(where + " is a " + key.getAlgorithm() + " key: " + KINDS);
    }

    private static String label(String pem, String where, String expected) {
        Matcher m = BEGIN.matcher(pem == null ? "" : pem);
        if (!m.find()) {
            throw invalid(where + " is not PEM: expected " + expected);
        }
        return m.group(1);
    }

    private static byte[] body(String pem, String label, String where) {
        int start = pem.indexOf("-----BEGIN " + label + "-----") + label.length() + 16;
        int end = pem.indexOf("-----END " + label + "-----", start);
        if (end < 0) {
            throw invalid(where + " has no -----END " + label + "----- line: the PEM is cut short");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(start, end));
        } catch (IllegalArgumentException e) {
            throw invalid(where + " is not valid PEM: its body is not base64");
        }
    }

    private static ArchiveSignatureException invalid(String message) {
        return new ArchiveSignatureException(message, ErrorCategory.INVALID_INPUT);
    }
}
