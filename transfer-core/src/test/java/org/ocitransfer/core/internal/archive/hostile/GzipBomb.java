// A gzip bomb for the corpus: 1 GiB of zeros in about 1 MiB, built from one small member repeated.
package org.ocitransfer.core.internal.archive.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A valid gzip stream that expands about a thousandfold: one gzip member of 16 MiB of zeros, concatenated 64 times
 * (concatenated members are one valid gzip stream: {@code gunzip} and {@link java.util.zip.GZIPInputStream}
 * expand them all). Built once, in memory (about 1 MiB).
 */
final class GzipBomb {

    /** What the bomb expands to. */
    static final long EXPANDED_BYTES = 64L * 16 * 1024 * 1024;

    private static final byte[] BYTES = build();

    private GzipBomb() {
    }

    /** The bomb's bytes (a fresh copy). */
    static byte[] bytes() {
        return BYTES.clone();
    }

    private static byte[] build() {
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(member) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 16; i++) {
                gz.write(zeros);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] one = member.toByteArray();
        ByteArrayOutputStream all = new ByteArrayOutputStream(one.length * 64);
        for (int i = 0; i < 64; i++) {
            all.writeBytes(one);
        }
        return all.toByteArray();
    }
}
