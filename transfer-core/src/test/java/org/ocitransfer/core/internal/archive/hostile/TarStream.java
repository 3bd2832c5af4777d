// Writes tar bytes by hand, into any stream or into memory, including what no well-behaved writer produces: the pen of
// the hostile corpus and of the archive reader's hostile and mutation tests.
package org.ocitransfer.core.internal.archive.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A tar writer for the hostile-archive corpus: ustar headers with any type, any raw size field and any name, PAX
 * records, raw bytes. It streams (the 100,000-entry and 4 MiB cases go straight to a file) and counts what it wrote;
 * made with no stream it writes into memory ({@link #bytes()}).
 */
public final class TarStream {

    static final int RECORD = 512;

    private final OutputStream out;
    private long written;

    TarStream(OutputStream out) {
        this.out = out;
    }

    /** A tar written into memory, read back with {@link #bytes()}. */
    public TarStream() {
        this(new ByteArrayOutputStream());
    }

    /** Bytes written so far. */
    long written() {
        return written;
    }

    /** What was written, for a tar made in memory. */
    public byte[] bytes() {
        if (!(out instanceof ByteArrayOutputStream memory)) {
            throw new IllegalStateException("This tar streams into " + out + ", not into memory");
        }
        return memory.toByteArray();
    }

    /** A regular file. */
    public TarStream file(String name, byte[] data) {
        return entry(name, '0', octal(data.length), data);
    }

    /** A regular file with UTF-8 text. */
    public TarStream file(String name, String text) {
        return file(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A directory entry. */
    public TarStream dir(String name) {
        return entry(name, '5', octal(0), new byte[0]);
    }

    /** An entry of any type declaring {@code declaredSize} (whatever {@code data}'s length), then {@code data}. */
    public TarStream entry(String name, char type, long declaredSize, byte[] data) {
        return entry(name, type, octal(declaredSize), data);
    }

    /** An entry of any type whose header carries {@code sizeField} (12 raw bytes), followed by {@code data}. */
    public TarStream entry(String name, char type, byte[] sizeField, byte[] data) {
        return raw(header(name, type, sizeField)).data(data);
    }

    /** A PAX extended header ('x') holding these {@code key=value} records. */
    public TarStream pax(String... records) {
        byte[] data = paxRecords(records);
        return entry("PaxHeaders/0", 'x', octal(data.length), data);
    }

    /** A PAX global header ('g'). */
    public TarStream globalPax(String... records) {
        byte[] data = paxRecords(records);
        return entry("PaxHeaders/g", 'g', octal(data.length), data);
    }

    /** Data, zero-padded to a whole record. */
    public TarStream data(byte[] data) {
        raw(data);
        return raw(new byte[(RECORD - data.length % RECORD) % RECORD]);
    }

    /** Bytes as they are. */
    public TarStream raw(byte[] bytes) {
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Writing a corpus archive failed", e);
        }
        written += bytes.length;
        return this;
    }

    /** The end-of-archive marker (two zero records). */
    public TarStream end() {
        return raw(new byte[2 * RECORD]);
    }

    /** A ustar header with this name (at most 100 bytes), type and raw size field; the checksum is computed. */
    public static byte[] header(String name, char type, byte[] sizeField) {
        byte[] h = new byte[RECORD];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 100) {
            throw new IllegalArgumentException("A corpus entry name is longer than 100 bytes: " + name);
        }
        System.arraycopy(n, 0, h, 0, n.length);
        put(h, 100, "0000644\0");
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        System.arraycopy(sizeField, 0, h, 124, 12);
        put(h, 136, "00000000000\0");
        h[156] = (byte) type;
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        return withChecksum(h);
    }

    /** Recomputes a header's checksum, in place; returns the header. */
    public static byte[] withChecksum(byte[] h) {
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        String digits = Long.toOctalString(sum);
        put(h, 148, "0".repeat(6 - digits.length()) + digits + "\0 ");
        return h;
    }

    /** An octal size field: 11 digits and a NUL. */
    public static byte[] octal(long value) {
        String digits = Long.toOctalString(value);
        if (digits.length() > 11) {
            throw new IllegalArgumentException(value + " does not fit an octal size field");
        }
        return ("0".repeat(11 - digits.length()) + digits + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    /** A raw 12-byte size field (for base-256 and garbage sizes). */
    public static byte[] sizeField(int... bytes) {
        byte[] field = new byte[12];
        for (int i = 0; i < bytes.length; i++) {
            field[i] = (byte) bytes[i];
        }
        return field;
    }

    /** PAX records, each with its correct length prefix. */
    public static byte[] paxRecords(String... keyValues) {
        StringBuilder sb = new StringBuilder();
        for (String kv : keyValues) {
            int length = kv.getBytes(StandardCharsets.UTF_8).length + 3;
            String line = length + " " + kv + "\n";
            while (line.getBytes(StandardCharsets.UTF_8).length != length) {
                length = line.getBytes(StandardCharsets.UTF_8).length;
                line = length + " " + kv + "\n";
            }
            sb.append(line);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void put(byte[] h, int offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, h, offset, b.length);
    }
}
