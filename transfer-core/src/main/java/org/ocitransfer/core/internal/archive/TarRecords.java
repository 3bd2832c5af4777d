// Decodes the fields of tar header records and PAX extended headers, refusing malformed ones.
package org.ocitransfer.core.internal.archive;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The fields of a 512-byte POSIX (ustar) or GNU tar header and the records of a PAX extended header, as
 * {@link TarScanner} reads them: checksum and magic checked, the name with its ustar prefix, the size in octal or GNU
 * base-256, PAX {@code length key=value} records each checked. Anything malformed is refused with an
 * {@link ArchiveFormatException} naming the archive ({@code where}), the entry and its header's offset.
 */
final class TarRecords {

    private static final int RECORD = TarHeaders.RECORD;

    private TarRecords() {
    }

    /** Checks a header's checksum and magic; the first header decides whether the archive is a tar at all. */
    static void checkHeader(String where, byte[] h, long offset) {
        long stored = octal(h, 148, 8);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < RECORD; i++) {
            byte b = i >= 148 && i < 156 ? (byte) ' ' : h[i];
            unsigned += b & 0xff;
            signed += b;
        }
        boolean checksumOk = stored >= 0 && (stored == unsigned || stored == signed);
        String magic = new String(h, 257, 6, StandardCharsets.ISO_8859_1);
        boolean magicOk = magic.equals("ustar\0") || magic.equals("ustar ");
        if (offset == 0 && (!checksumOk || !magicOk)) {
            throw refuse(where, "it is not a tar archive: the first 512 bytes are not a valid POSIX or GNU tar"
                    + " header");
        }
        if (!checksumOk) {
            throw refuse(where, "the header at offset " + offset + " has a wrong checksum: the archive is corrupt");
        }
        if (!magicOk) {
            throw refuse(where, "the header at offset " + offset + " is not a POSIX (ustar) or GNU tar header");
        }
    }

    /** The header's name: its name field, behind the prefix field in a POSIX ustar header. */
    static String name(byte[] h) {
        String name = cString(h, 0, 100);
        if (h[257 + 5] == 0) { // POSIX ustar: the prefix field extends the name
            String prefix = cString(h, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        return name;
    }

    /** The header's size field: octal, or GNU base-256 (non-negative, below 2^63). */
    static long size(String where, byte[] h, long offset, String name) {
        if ((h[124] & 0x80) != 0) { // GNU base-256
            if ((h[124] & 0x40) != 0) {
                throw refuse(where, name, offset, "its size field holds a negative number");
            }
            long value = h[124] & 0x3f;
            for (int i = 125; i < 136; i++) {
                if (value > (Long.MAX_VALUE >>> 8)) {
                    throw refuse(where, name, offset, "its size field overflows a 63-bit number");
                }
                value = (value << 8) | (h[i] & 0xff);
            }
            return value;
        }
        long value = octal(h, 124, 12);
        if (value < 0) {
            throw refuse(where, name, offset, "its size field is not an octal number");
        }
        return value;
    }

    /** An octal field (spaces and NULs around it allowed; empty is 0), or -1 when it holds anything else. */
    private static long octal(byte[] h, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        while (end > i && (h[end - 1] == ' ' || h[end - 1] == 0)) {
            end--;
        }
        long value = 0;
        for (; i < end; i++) {
            if (h[i] < '0' || h[i] > '7') {
                return -1;
            }
            value = value * 8 + (h[i] - '0');
        }
        return value;
    }

    /**
     * The records of a PAX extended header, each key once; a sparse file (any {@code GNU.sparse} key) and a
     * {@code size} that is not a non-negative decimal below 2^63 are refused.
     */
    static Map<String, String> pax(String where, byte[] data, String name, long offset) {
        Map<String, String> records = new HashMap<>();
        int i = 0;
        while (i < data.length) {
            if (allZero(data, i)) {
                break;
            }
            int space = i;
            while (space < data.length && space - i < 9 && data[space] >= '0' && data[space] <= '9') {
                space++;
            }
            if (space == i || space >= data.length || data[space] != ' ') {
                throw refuse(where, name, offset, "it has a malformed PAX record at byte " + i + " (no length)");
            }
            int length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
            if (length < space - i + 3 || length > data.length - i || data[i + length - 1] != '\n') {
                throw refuse(where, name, offset, "it has a malformed PAX record at byte " + i + " (its length "
                        + length + " does not fit the header)");
            }
            String record = new String(data, space + 1, i + length - 1 - (space + 1), StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq <= 0) {
                throw refuse(where, name, offset, "it has a malformed PAX record at byte " + i
                        + " (no key=value)");
            }
            String key = record.substring(0, eq);
            if (records.put(key, record.substring(eq + 1)) != null) {
                throw refuse(where, name, offset, "the PAX key '" + TarScanner.printable(key) + "' appears twice");
            }
            i += length;
        }
        for (String key : records.keySet()) {
            if (key.startsWith("GNU.sparse")) {
                throw refuse(where, name, offset, "it is a sparse file (PAX key " + TarScanner.printable(key)
                        + "); " + TarScanner.ALLOWED);
            }
        }
        String paxSize = records.get("size");
        if (paxSize != null) {
            boolean valid = paxSize.matches("[0-9]{1,19}");
            if (valid) {
                try {
                    Long.parseLong(paxSize);
                } catch (NumberFormatException e) {
                    valid = false;
                }
            }
            if (!valid) {
                throw refuse(where, name, offset, "the PAX size '" + TarScanner.printable(paxSize)
                        + "' is not a size (a non-negative decimal number below 2^63)");
            }
        }
        return records;
    }

    /** A GNU long name's data: up to its first NUL. */
    static String longName(byte[] data) {
        return cString(data, 0, data.length);
    }

    static boolean allZero(byte[] b) {
        return allZero(b, 0);
    }

    private static boolean allZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] h, int offset, int length) {
        int end = offset;
        while (end < offset + length && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static ArchiveFormatException refuse(String where, String why) {
        return ArchiveFormatException.refused(where, why, null);
    }

    private static ArchiveFormatException refuse(String where, String name, long offset, String why) {
        return refuse(where, TarScanner.at(name, offset) + why);
    }
}
