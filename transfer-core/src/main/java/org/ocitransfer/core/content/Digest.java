package org.ocitransfer.core.content;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, {@code sha256:<64 lowercase hex>}. Only sha256 is produced; sha512 is read.
 *
 * @param algorithm {@code sha256} or {@code sha512}
 * @param hex       the encoded hash, lowercase
 */
public record Digest(String algorithm, String hex) {

    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

    /** Validates algorithm and encoding. */
    public Digest {
        boolean ok = ("sha256".equals(algorithm) && hex != null && SHA256.matcher(hex).matches())
                || ("sha512".equals(algorithm) && hex != null && SHA512.matcher(hex).matches());
        if (!ok) {
            throw new IllegalArgumentException("Invalid digest '" + algorithm + ":" + hex
                    + "': expected sha256:<64 lowercase hex> or sha512:<128 lowercase hex>");
        }
    }

    /** Parses {@code alg:hex}. @throws IllegalArgumentException naming the value */
    public static Digest parse(String value) {
        int colon = value == null ? -1 : value.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("Invalid digest '" + value + "': expected sha256:<64 lowercase hex>");
        }
        return new Digest(value.substring(0, colon), value.substring(colon + 1));
    }

    /** The sha256 of the bytes. */
    public static Digest sha256(byte[] bytes) {
        return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    /** The sha256 of the string's UTF-8 bytes. */
    public static Digest sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh hasher for this digest's algorithm. */
    public MessageDigest newHasher() {
        try {
            return MessageDigest.getInstance("sha256".equals(algorithm) ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no " + algorithm, e);
        }
    }

    /** A fresh SHA-256 hasher. */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-256", e);
        }
    }

    /** Whether the hasher's result equals this digest. Consumes the hasher. */
    public boolean matches(MessageDigest hasher) {
        return hex.equals(HexFormat.of().formatHex(hasher.digest()));
    }

    /** {@code alg:hex}. */
    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
