package org.ocitransfer.core.internal.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes tar bytes by hand, including what no well-behaved writer produces (links, devices, traversal, bad sizes,
 * abusive PAX headers): the helper that builds the hostile-archive corpus.
 */
final class RawTar {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A regular file. */
    RawTar file(String name, byte[] data) {
        return entry(name, '0', data.length, data);
    }

    /** A regular file with text content. */
    RawTar file(String name, String text) {
        return file(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A directory. */
    RawTar dir(String name) {
        return entry(name, '5', 0, new byte[0]);
    }

    /** Any entry: a header declaring {@code declaredSize} (octal), then {@code data} padded to 512. */
    RawTar entry(String name, char type, long declaredSize, byte[] data) {
        return raw(header(name, type, octal(declaredSize, 12))).data(data);
    }

    /** A PAX extended header ('x') holding these records, e.g. {@code "size=123"}. */
    RawTar pax(String... records) {
        return extended('x', records);
    }

    /** A PAX global header ('g'). */
    RawTar globalPax(String... records) {
        return extended('g', records);
    }

    private RawTar extended(char type, String... records) {
        StringBuilder sb = new StringBuilder();
        for (String r : records) {
            sb.append(record(r));
        }
        byte[] data = sb.toString().getBytes(StandardCharsets.UTF_8);
        return entry("PaxHeaders/x", type, data.length, data);
    }

    /** A PAX record with its correct length prefix. */
    static String record(String keyValue) {
        int len = keyValue.length() + 2;
        String line = len + " " + keyValue + "\n";
        while (line.getBytes(StandardCharsets.UTF_8).length != len) {
            len = line.getBytes(StandardCharsets.UTF_8).length;
            line = len + " " + keyValue + "\n";
        }
        return line;
    }

    /** Raw bytes, as they are. */
    RawTar raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** Data padded to a whole record. */
    RawTar data(byte[] data) {
        out.writeBytes(data);
        int pad = (512 - data.length % 512) % 512;
        out.writeBytes(new byte[pad]);
        return this;
    }

    /** The end-of-archive marker. */
    RawTar end() {
        out.writeBytes(new byte[1024]);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** A ustar header with this name, type and raw 12-byte size field, checksum computed. */
    static byte[] header(String name, char type, byte[] sizeField) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 100) {
            throw new IllegalArgumentException("name too long for the raw helper: " + name);
        }
        System.arraycopy(n, 0, h, 0, n.length);
        put(h, 100, "0000644 ");
        put(h, 108, "0000000 ");
        put(h, 116, "0000000 ");
        System.arraycopy(sizeField, 0, h, 124, 12);
        put(h, 136, "00000000000 ");
        h[156] = (byte) type;
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        return withChecksum(h);
    }

    /** Recomputes a header's checksum. */
    static byte[] withChecksum(byte[] h) {
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum) + "\0 ");
        return h;
    }

    /** An octal size field (11 digits and a NUL); sizes that do not fit are written truncated on purpose. */
    static byte[] octal(long value, int length) {
        String digits = Long.toOctalString(value);
        String field = "0".repeat(Math.max(0, length - 1 - digits.length())) + digits;
        field = field.substring(field.length() - (length - 1));
        return (field + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static void put(byte[] h, int offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, h, offset, b.length);
    }
}
