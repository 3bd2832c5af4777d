// Offline verification's one sequential read of an archive: every entry's data hashed, its padding checked.
package org.ocitransfer.core.internal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.api.archive.ArchiveProblem;

/**
 * Reads an archive once from its first byte to its last, through a fixed 64 KiB buffer, hashing each entry's data
 * and checking the zero padding after it: memory stays flat whatever the archive's size, and a blob store is read
 * with one ranged stream. Blob entries are checked against the digest their name carries; every entry's actual
 * digest goes to the listener (the caller checks catalog.json's against what it expects).
 */
final class EntryDigestPass {

    private static final int BUFFER = 64 * 1024;

    /** What the pass reports, in archive order. */
    interface Listener {
        /** An entry's data was read whole; {@code digest} is what it hashes to (sha512 for sha512 blobs). */
        void hashed(TarScanner.Entry entry, String digest);

        /** Something is wrong at this point of the archive. */
        void problem(ArchiveProblem problem);
    }

    /** The bytes read and the entries hashed. */
    record Totals(long bytes, int entries) {
    }

    private EntryDigestPass() {
    }

    /**
     * Runs the pass over the scanned entries (in archive order). A source shorter than it claims is reported as a
     * {@link ArchiveProblem.Kind#TRUNCATED} problem and ends the pass.
     *
     * @throws TransferException when the source cannot be read (an I/O error, not a fault of the archive)
     */
    static Totals run(ArchiveSource source, List<TarScanner.Entry> entries, Listener listener) {
        byte[] buffer = new byte[BUFFER];
        long pos = 0;
        int hashed = 0;
        try (InputStream in = source.open(0, source.size())) {
            for (TarScanner.Entry e : entries) {
                if (e.directory()) {
                    continue;
                }
                long skipped = drain(in, buffer, e.dataOffset() - pos, null);
                pos += skipped;
                if (pos < e.dataOffset()) {
                    listener.problem(truncated(source, e, pos));
                    return new Totals(pos, hashed);
                }
                MessageDigest hasher = hasher(e.name());
                long read = drain(in, buffer, e.size(), hasher);
                pos += read;
                if (read < e.size()) {
                    listener.problem(truncated(source, e, pos));
                    return new Totals(pos, hashed);
                }
                String actual = algorithm(e.name()) + ":" + HexFormat.of().formatHex(hasher.digest());
                hashed++;
                String expected = blobDigest(e.name());
                if (expected != null && !expected.equals(actual)) {
                    listener.problem(new ArchiveProblem(ArchiveProblem.Kind.DIGEST_MISMATCH, e.name(), e.dataOffset(),
                            expected, actual, "entry '" + e.name() + "' (" + e.size() + " bytes of data at byte offset "
                            + e.dataOffset() + source.position(e.dataOffset()) + ") hashes to " + actual + " but its name says " + expected
                            + ": the blob was altered or damaged; copy the archive again from its source"));
                }
                listener.hashed(e, actual);
                long padding = TarHeaders.padded(e.size()) - e.size();
                long paddingAt = pos;
                long nonZero = drainPadding(in, buffer, padding);
                if (nonZero == -1) {
                    pos += padding;
                } else if (nonZero == -2) {
                    listener.problem(truncated(source, e, pos));
                    return new Totals(pos, hashed);
                } else {
                    pos += padding;
                    listener.problem(new ArchiveProblem(ArchiveProblem.Kind.NONZERO_PADDING, e.name(),
                            paddingAt + nonZero, "0", null, "the zero padding after entry '" + e.name()
                            + "' holds a non-zero byte at byte offset " + (paddingAt + nonZero)
                            + source.position(paddingAt + nonZero) + ": the archive was altered or damaged"));
                }
            }
        } catch (IOException ex) {
            throw new TransferException("Archive " + source.describe() + " cannot be read at byte offset " + pos
                    + ": " + ex.getMessage() + " (verification stopped; try again)", ex, ErrorCategory.UNAVAILABLE);
        }
        return new Totals(pos, hashed);
    }

    /** The digest a blob entry's name carries ({@code blobs/sha256/<hex>}), or null for other entries. */
    static String blobDigest(String name) {
        if (!name.startsWith("blobs/")) {
            return null;
        }
        String[] parts = name.split("/");
        return parts.length == 3 ? parts[1] + ":" + parts[2] : null;
    }

    private static String algorithm(String name) {
        return name.startsWith("blobs/sha512/") ? "sha512" : "sha256";
    }

    private static MessageDigest hasher(String name) {
        try {
            return MessageDigest.getInstance(name.startsWith("blobs/sha512/") ? "SHA-512" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no " + algorithm(name), e);
        }
    }

    /** Reads up to {@code length} bytes, hashing them when a hasher is given. @return the bytes read */
    private static long drain(InputStream in, byte[] buffer, long length, MessageDigest hasher) throws IOException {
        long done = 0;
        while (done < length) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - done));
            if (n < 0) {
                break;
            }
            if (hasher != null) {
                hasher.update(buffer, 0, n);
            }
            done += n;
        }
        return done;
    }

    /** Reads the padding: -1 when all zero, -2 when the stream ended, else the index of the first non-zero byte. */
    private static long drainPadding(InputStream in, byte[] buffer, long length) throws IOException {
        long done = 0;
        long firstNonZero = -1;
        while (done < length) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - done));
            if (n < 0) {
                return -2;
            }
            for (int i = 0; i < n && firstNonZero < 0; i++) {
                if (buffer[i] != 0) {
                    firstNonZero = done + i;
                }
            }
            done += n;
        }
        return firstNonZero;
    }

    private static ArchiveProblem truncated(ArchiveSource source, TarScanner.Entry e, long pos) {
        return new ArchiveProblem(ArchiveProblem.Kind.TRUNCATED, e.name(), pos, String.valueOf(source.size()),
                String.valueOf(pos), "archive " + source.describe() + " ends at byte offset " + pos
                + source.position(pos) + ", inside entry '"
                + e.name() + "' (data at " + e.dataOffset() + ", " + e.size() + " bytes), although its size is given as "
                + source.size() + ": the archive is truncated; copy it again from its source");
    }
}
