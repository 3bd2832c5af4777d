package org.ocitransfer.core.content;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Streams content while checking it against its descriptor: more bytes than the size, fewer bytes at the end, or
 * a different sha256 fail the read with a {@link ContentVerificationException} (wrapped in an IOException, as
 * streams must) naming the digest. The check happens when the last byte is read, so a caller that reads to the end
 * has verified content; a caller that stops early has verified nothing. Every way of reading it (a single byte, a
 * skip) goes through the same check ({@link BlockFilterInputStream}).
 */
public final class VerifyingInputStream extends BlockFilterInputStream {

    private final Descriptor expected;
    private final MessageDigest hasher;
    private final String where;
    private long count;
    private boolean verified;

    /**
     * @param in       the raw content
     * @param expected what it must be
     * @param where    where it comes from, for messages ("registry localhost:5000 repository a/b")
     */
    public VerifyingInputStream(InputStream in, Descriptor expected, String where) {
        super(in);
        this.expected = expected;
        this.hasher = expected.parsedDigest().newHasher();
        this.where = where;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (verified) {
            return -1;
        }
        long remaining = expected.size() - count;
        // Read one byte past the expected size to detect content that is too long.
        int want = (int) Math.min(len, Math.max(remaining, 1));
        int n = in.read(b, off, want);
        if (n < 0) {
            finish();
            return -1;
        }
        count += n;
        if (count > expected.size()) {
            throw new IOException(new ContentVerificationException("Content " + expected.digest() + " from "
                    + where + " is longer than its descriptor's " + expected.size() + " bytes"));
        }
        hasher.update(b, off, n);
        if (count == expected.size()) {
            // Make sure there is nothing more, then verify.
            int extra = in.read();
            if (extra >= 0) {
                throw new IOException(new ContentVerificationException("Content " + expected.digest() + " from "
                        + where + " is longer than its descriptor's " + expected.size() + " bytes"));
            }
            finish();
        }
        return n;
    }

    private void finish() throws IOException {
        if (verified) {
            return;
        }
        if (count != expected.size()) {
            throw new IOException(new ContentVerificationException("Content " + expected.digest() + " from " + where
                    + " ended after " + count + " of its " + expected.size() + " bytes"));
        }
        if (!expected.parsedDigest().matches(hasher)) {
            throw new IOException(new ContentVerificationException("Content from " + where + " does not match its"
                    + " digest " + expected.digest() + ": the bytes are corrupt or were altered"));
        }
        verified = true;
    }

    /** Whether every byte was read and matched. */
    public boolean isVerified() {
        return verified;
    }

    /**
     * Finds the verification failure behind an exception thrown while reading such a stream, if there is one.
     */
    public static ContentVerificationException verificationFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ContentVerificationException cve) {
                return cve;
            }
        }
        return null;
    }
}
