package org.ocitransfer.core.internal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes a tar archive by reading its headers only: each entry's data is skipped by opening the source again past
 * it (a seek), never by reading it, except for the few small files the caller asks to capture. Accepts POSIX
 * (ustar + PAX) and GNU headers and refuses everything an OCI image layout archive must not hold, with bounded
 * memory and time whatever the input.
 *
 * <p>Why not commons-compress's {@code TarArchiveInputStream}: in 1.28 its {@code skip} reads the skipped bytes
 * through (commons-io {@code IOUtils.skip}), so indexing a 10 GiB archive held in blob storage would download it
 * all; and its PAX parsing holds a header of any declared size in memory.
 */
final class TarScanner {

    /** An accepted entry. Names are normalised: no leading {@code ./}, no trailing {@code /}. */
    record Entry(String name, boolean directory, long headerOffset, long dataOffset, long size) {
    }

    /** The entries in archive order, the captured files' bytes and how many bytes the scan read. */
    record Result(List<Entry> entries, Map<String, byte[]> captured, long bytesRead) {
    }

    /** How much of the archive is read ahead in one ranged read while scanning headers. */
    static final int WINDOW = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(TarScanner.class);
    private static final int RECORD = TarHeaders.RECORD;
    private static final Pattern SHA256_BLOB = Pattern.compile("blobs/sha256/[a-f0-9]{64}");
    private static final Pattern SHA512_BLOB = Pattern.compile("blobs/sha512/[a-f0-9]{128}");
    private static final Set<String> FILES = Set.of(ArchivePlan.OCI_LAYOUT, ArchivePlan.INDEX_JSON,
            ArchivePlan.CATALOG_JSON, ArchivePlan.CATALOG_SIG);
    /**
     * Top-level files {@code regctl image export} and {@code ctr images export} add beside the layout for
     * {@code docker load}: accepted and never read (the layout alone says what the archive holds).
     */
    static final Set<String> DOCKER_LOAD_FILES = Set.of("manifest.json", "repositories");
    /** The most zero padding accepted after the end-of-archive marker (tar pads to its blocking factor). */
    static final int MAX_TRAILING_ZEROS = WINDOW;
    private static final Set<String> DIRECTORIES = Set.of("", "blobs", "blobs/sha256", "blobs/sha512");
    private static final String ALLOWED = "an OCI layout archive holds only the files oci-layout, index.json,"
            + " catalog.json, catalog.json.sig and blobs/<alg>/<hex> (sha256: 64 lowercase hex, sha512: 128), the directories"
            + " blobs/ and blobs/<alg>/, and docker load's top-level manifest.json and repositories (ignored)";

    private final ArchiveSource source;
    private final ReaderLimits limits;
    private final long size;
    private long pos;
    private InputStream in;
    private long windowEnd;
    private long bytesRead;

    private TarScanner(ArchiveSource source, ReaderLimits limits) {
        this.source = source;
        this.limits = limits;
        this.size = source.size();
    }

    /**
     * Scans the archive.
     *
     * @param capture names of files whose bytes to keep, with the most bytes each may have
     * @throws ArchiveFormatException naming the archive, the entry and the rule, for anything refused
     */
    static Result scan(ArchiveSource source, ReaderLimits limits, Map<String, Integer> capture) {
        TarScanner scanner = new TarScanner(source, limits);
        try {
            return scanner.run(capture);
        } catch (IOException e) {
            throw scanner.refuse("it cannot be read at offset " + scanner.pos + ": " + e.getMessage(), e);
        } finally {
            scanner.closeWindow();
        }
    }

    private Result run(Map<String, Integer> capture) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Map<String, byte[]> captured = new HashMap<>();
        Set<String> names = new HashSet<>();
        Map<String, String> pax = null;
        String longName = null;
        long extendedAt = -1;
        while (true) {
            long headerOffset = pos;
            if (size - pos < RECORD) {
                if (pos == 0) {
                    throw refuse("it is not a tar archive: it is only " + size + " bytes long");
                }
                throw refuse("it ends at offset " + size + " without the end-of-archive marker (two zero"
                        + " records): the archive is truncated; copy it again from its source");
            }
            byte[] h = read(RECORD, "a header");
            if (allZero(h)) {
                if (extendedAt >= 0) {
                    throw refuse("the extended header at offset " + extendedAt + " is followed by the end of the"
                            + " archive instead of an entry");
                }
                if (size - pos >= RECORD && !allZero(read(RECORD, "the end-of-archive marker"))) {
                    throw refuse("the record at offset " + (pos - RECORD) + " after the first end-of-archive"
                            + " record is not zero: the archive is corrupt");
                }
                checkTrailer(headerOffset);
                return new Result(entries, captured, bytesRead);
            }
            checkHeader(h, headerOffset);
            char type = (char) h[156];
            String name = cString(h, 0, 100);
            if (h[257 + 5] == 0) { // POSIX ustar: the prefix field extends the name
                String prefix = cString(h, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            long entrySize = headerSize(h, headerOffset, name);
            switch (type) {
                case 'x' -> {
                    if (pax != null) {
                        throw refuse(at(name, headerOffset) + "a second PAX extended header follows the one at"
                                + " offset " + extendedAt + " with no entry between them");
                    }
                    pax = parsePax(readExtended(entrySize, name, headerOffset), name, headerOffset);
                    extendedAt = extendedAt >= 0 ? extendedAt : headerOffset;
                    continue;
                }
                case 'g' -> {
                    Map<String, String> global = parsePax(readExtended(entrySize, name, headerOffset), name,
                            headerOffset);
                    for (String key : List.of("path", "size", "linkpath")) {
                        if (global.containsKey(key)) {
                            throw refuse(at(name, headerOffset) + "a global PAX header sets '" + key
                                    + "' for every later entry, which this reader does not accept");
                        }
                    }
                    continue;
                }
                case 'L' -> {
                    if (longName != null) {
                        throw refuse(at(name, headerOffset) + "two GNU long-name entries follow each other");
                    }
                    byte[] data = readExtended(entrySize, name, headerOffset);
                    int end = 0;
                    while (end < data.length && data[end] != 0) {
                        end++;
                    }
                    longName = new String(data, 0, end, StandardCharsets.UTF_8);
                    extendedAt = extendedAt >= 0 ? extendedAt : headerOffset;
                    continue;
                }
                default -> {
                    // an entry: handled below
                }
            }
            if (longName != null) {
                name = longName;
            }
            if (pax != null) {
                name = pax.getOrDefault("path", name);
                if (pax.containsKey("size")) {
                    entrySize = Long.parseLong(pax.get("size"));
                }
            }
            boolean directory = type == '5';
            if (type != '0' && type != 0 && !directory) {
                throw refuse(at(name, headerOffset) + "it is " + describeType(type) + "; " + ALLOWED);
            }
            if (entries.size() >= limits.maxEntries()) {
                throw refuse(at(name, headerOffset) + "the archive has more than " + limits.maxEntries()
                        + " entries, the reader's limit (ReaderLimits.maxEntries)");
            }
            String normalised = normalise(name, directory, headerOffset);
            if (!names.add(normalised)) {
                throw refuse(at(name, headerOffset) + "it is a duplicate: the archive already holds '" + normalised
                        + "', and two entries of one name may differ");
            }
            long dataOffset = pos;
            if (directory && entrySize != 0) {
                throw refuse(at(name, headerOffset) + "it is a directory entry with " + entrySize
                        + " bytes of data");
            }
            if (entrySize > size - dataOffset) {
                throw refuse(at(name, headerOffset) + "its " + entrySize + " bytes of data run past the end of the"
                        + " archive (" + size + " bytes): the archive is truncated or the size is corrupt");
            }
            Integer limit = capture.get(normalised);
            if (limit != null && !directory) {
                if (entrySize > limit) {
                    throw refuse(at(name, headerOffset) + "it is " + entrySize + " bytes, over the " + limit
                            + "-byte limit for " + normalised);
                }
                captured.put(normalised, read((int) entrySize, normalised));
            }
            skipTo(dataOffset + TarHeaders.padded(entrySize));
            entries.add(new Entry(normalised, directory, extendedAt >= 0 ? extendedAt : headerOffset, dataOffset,
                    entrySize));
            pax = null;
            longName = null;
            extendedAt = -1;
        }
    }

    /**
     * After the end-of-archive marker only zero padding may follow, at most {@link #MAX_TRAILING_ZEROS} bytes:
     * anything else would be content other tar readers may see and this one would not.
     */
    private void checkTrailer(long marker) throws IOException {
        long rest = size - pos;
        if (rest > MAX_TRAILING_ZEROS) {
            throw refuse(rest + " bytes follow the end-of-archive marker at offset " + marker
                    + ", more than the " + MAX_TRAILING_ZEROS + " bytes of zero padding a tar writer adds: entries"
                    + " after the end-of-archive marker are refused, as other tools may read them");
        }
        while (pos < size) {
            byte[] chunk = read((int) Math.min(64 * 1024, size - pos), "the padding after the end marker");
            for (int i = 0; i < chunk.length; i++) {
                if (chunk[i] != 0) {
                    throw refuse("the byte at offset " + (pos - chunk.length + i) + ", after the end-of-archive"
                            + " marker at offset " + marker + ", is not zero: entries after the"
                            + " end-of-archive marker are refused, as other tools may read them");
                }
            }
        }
    }

    private void checkHeader(byte[] h, long offset) {
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
            throw refuse("it is not a tar archive: the first 512 bytes are not a valid POSIX or GNU tar header");
        }
        if (!checksumOk) {
            throw refuse("the header at offset " + offset + " has a wrong checksum: the archive is corrupt");
        }
        if (!magicOk) {
            throw refuse("the header at offset " + offset + " is not a POSIX (ustar) or GNU tar header");
        }
    }

    private long headerSize(byte[] h, long offset, String name) {
        if ((h[124] & 0x80) != 0) { // GNU base-256
            if ((h[124] & 0x40) != 0) {
                throw refuse(at(name, offset) + "its size field holds a negative number");
            }
            long value = h[124] & 0x3f;
            for (int i = 125; i < 136; i++) {
                if (value > (Long.MAX_VALUE >>> 8)) {
                    throw refuse(at(name, offset) + "its size field overflows a 63-bit number");
                }
                value = (value << 8) | (h[i] & 0xff);
            }
            return value;
        }
        long value = octal(h, 124, 12);
        if (value < 0) {
            throw refuse(at(name, offset) + "its size field is not an octal number");
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

    private byte[] readExtended(long entrySize, String name, long offset) throws IOException {
        if (entrySize > limits.maxExtendedHeaderBytes()) {
            throw refuse(at(name, offset) + "it is an extended header of " + entrySize + " bytes, over the reader's"
                    + " limit of " + limits.maxExtendedHeaderBytes() + " bytes (ReaderLimits.maxExtendedHeaderBytes)");
        }
        if (entrySize > size - pos) {
            throw refuse(at(name, offset) + "its " + entrySize + " bytes run past the end of the archive: the"
                    + " archive is truncated");
        }
        long dataOffset = pos;
        byte[] data = read((int) entrySize, "an extended header");
        skipTo(dataOffset + TarHeaders.padded(entrySize));
        return data;
    }

    private Map<String, String> parsePax(byte[] data, String name, long offset) {
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
                throw refuse(at(name, offset) + "it has a malformed PAX record at byte " + i + " (no length)");
            }
            int length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
            if (length < space - i + 3 || length > data.length - i || data[i + length - 1] != '\n') {
                throw refuse(at(name, offset) + "it has a malformed PAX record at byte " + i + " (its length " + length
                        + " does not fit the header)");
            }
            String record = new String(data, space + 1, i + length - 1 - (space + 1), StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq <= 0) {
                throw refuse(at(name, offset) + "it has a malformed PAX record at byte " + i + " (no key=value)");
            }
            String key = record.substring(0, eq);
            if (records.put(key, record.substring(eq + 1)) != null) {
                throw refuse(at(name, offset) + "the PAX key '" + printable(key) + "' appears twice");
            }
            i += length;
        }
        for (String key : records.keySet()) {
            if (key.startsWith("GNU.sparse")) {
                throw refuse(at(name, offset) + "it is a sparse file (PAX key " + printable(key) + "); " + ALLOWED);
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
                throw refuse(at(name, offset) + "the PAX size '" + printable(paxSize) + "' is not a size (a"
                        + " non-negative decimal number below 2^63)");
            }
        }
        return records;
    }

    private String normalise(String raw, boolean directory, long offset) {
        String name = raw;
        String problem = null;
        if (name.isEmpty()) {
            problem = "it has an empty name";
        } else if (name.indexOf('\0') >= 0) {
            problem = "its name has a NUL byte";
        } else if (name.startsWith("/")) {
            problem = "it is an absolute path";
        } else if (name.indexOf('\\') >= 0) {
            problem = "its name has a backslash";
        } else if (List.of(name.split("/", -1)).contains("..")) {
            problem = "its path climbs out of the archive with '..' (path traversal)";
        }
        if (problem != null) {
            throw refuse(at(raw, offset) + problem + "; " + ALLOWED);
        }
        if (name.startsWith("./")) {
            name = name.substring(2);
        } else if (name.equals(".")) {
            name = "";
        }
        if (directory) {
            if (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            if (DIRECTORIES.contains(name)) {
                return name;
            }
        } else if (FILES.contains(name) || DOCKER_LOAD_FILES.contains(name) || SHA256_BLOB.matcher(name).matches()
                || SHA512_BLOB.matcher(name).matches()) {
            return name;
        }
        throw refuse(at(raw, offset) + "it is an unexpected " + (directory ? "directory" : "file") + "; " + ALLOWED);
    }

    private static String describeType(char type) {
        return switch (type) {
            case '1' -> "a hard link";
            case '2' -> "a symbolic link";
            case '3' -> "a character device";
            case '4' -> "a block device";
            case '6' -> "a FIFO";
            case '7' -> "a contiguous file";
            case 'K' -> "a GNU long link name (links are refused)";
            case 'S' -> "a GNU sparse file";
            case 'D' -> "a GNU directory dump";
            case 'M', 'V' -> "a GNU multi-volume or volume header";
            default -> "an entry of unknown type '" + printable(String.valueOf(type)) + "'";
        };
    }

    private byte[] read(int length, String what) throws IOException {
        byte[] out = new byte[length];
        int got = 0;
        while (got < length) {
            if (in == null || pos >= windowEnd) {
                openWindow();
            }
            int n = in.read(out, got, (int) Math.min(length - got, windowEnd - pos));
            if (n < 0) {
                throw refuse("it ends early at offset " + pos + " while reading " + what + ", although it claims "
                        + size + " bytes: the archive is truncated");
            }
            got += n;
            pos += n;
            bytesRead += n;
        }
        return out;
    }

    private void skipTo(long target) throws IOException {
        if (in != null && target <= windowEnd) {
            // Within the window already fetched: reading on costs less than another ranged read.
            byte[] sink = pos < target ? new byte[(int) Math.min(8192, target - pos)] : null;
            while (pos < target) {
                int n = in.read(sink, 0, (int) Math.min(sink.length, target - pos));
                if (n < 0) {
                    throw refuse("it ends early at offset " + pos + ", although it claims " + size
                            + " bytes: the archive is truncated");
                }
                pos += n;
                bytesRead += n;
            }
            return;
        }
        closeWindow();
        pos = target;
    }

    private void openWindow() throws IOException {
        closeWindow();
        long length = Math.min(WINDOW, size - pos);
        in = source.open(pos, length);
        windowEnd = pos + length;
    }

    private void closeWindow() {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // Only a read-ahead window is being dropped; nothing was lost. Record it for diagnosis.
                LOG.debug("Closing a read window of {} failed: {}", source.describe(), e.toString());
            }
            in = null;
        }
    }

    private ArchiveFormatException refuse(String why) {
        return refuse(why, null);
    }

    private ArchiveFormatException refuse(String why, Throwable cause) {
        return new ArchiveFormatException("Archive " + source.describe() + " is refused: " + why, cause);
    }

    private static String at(String name, long offset) {
        return "entry '" + printable(name) + "' (header at offset " + offset + "): ";
    }

    /** The name as safe text: control and non-ASCII characters escaped, at most 200 characters. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 200; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return s.length() > 200 ? sb + "..." : sb.toString();
    }

    private static String cString(byte[] h, int offset, int length) {
        int end = offset;
        while (end < offset + length && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean allZero(byte[] b) {
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
}
