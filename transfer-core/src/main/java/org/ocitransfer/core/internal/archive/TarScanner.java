// Indexes a tar archive by its headers only, refusing anything an OCI image layout archive must not hold.
package org.ocitransfer.core.internal.archive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Indexes a tar archive by reading its headers only: each entry's data is skipped by opening the source again past
 * it (a seek), never by reading it, except for the few small files the caller asks to capture. Accepts POSIX
 * (ustar + PAX) and GNU headers and refuses everything an OCI image layout archive must not hold, with bounded
 * memory and time whatever the input.
 *
 * <p>Why not commons-compress's {@code TarArchiveInputStream}: in 1.28 its {@code skip} reads the skipped bytes
 * through (commons-io {@code IOUtils.skip}), so indexing a 10 GiB archive held in blob storage would download it
 * all; and its PAX parsing holds a header of any declared size in memory.
 *
 * <p>The scan and the rules on entries are here; {@link TarWindow} reads the source forward and {@link TarRecords}
 * decodes each header's fields.
 */
final class TarScanner {

    /** An accepted entry. Names are normalised: no leading {@code ./}, no trailing {@code /}. */
    record Entry(String name, boolean directory, long headerOffset, long dataOffset, long size) {
    }

    /** The entries in archive order, the captured files' bytes and how many bytes the scan read. */
    record Result(List<Entry> entries, Map<String, byte[]> captured, long bytesRead) {
    }

    private static final int RECORD = TarHeaders.RECORD;
    private static final Pattern SHA256_BLOB = Pattern.compile("blobs/sha256/[a-f0-9]{64}");
    private static final Pattern SHA512_BLOB = Pattern.compile("blobs/sha512/[a-f0-9]{128}");
    private static final Set<String> FILES = Set.of(ArchivePlan.OCI_LAYOUT, ArchivePlan.INDEX_JSON,
            ArchivePlan.CATALOG_JSON, ArchivePlan.CATALOG_SIG);
    /**
     * Top-level files {@code regctl image export} and {@code ctr images export} add beside the layout for
     * {@code docker load}: accepted and never read (the layout alone says what the archive holds).
     */
    private static final Set<String> DOCKER_LOAD_FILES = Set.of("manifest.json", "repositories");
    /** The most zero padding accepted after the end-of-archive marker (tar pads to its blocking factor). */
    private static final int MAX_TRAILING_ZEROS = TarWindow.WINDOW;
    private static final Set<String> DIRECTORIES = Set.of("", "blobs", "blobs/sha256", "blobs/sha512");
    /** What an OCI layout archive may hold, for refusals of what it must not. */
    static final String ALLOWED = "an OCI layout archive holds only the files oci-layout, index.json,"
            + " catalog.json, catalog.json.sig and blobs/<alg>/<hex> (sha256: 64 lowercase hex, sha512: 128), the directories"
            + " blobs/ and blobs/<alg>/, and docker load's top-level manifest.json and repositories (ignored)";

    private final String where;
    private final ReaderLimits limits;
    private final TarWindow window;
    private final long size;

    private TarScanner(ArchiveSource source, ReaderLimits limits, TarWindow window) {
        this.where = source.describe();
        this.limits = limits;
        this.window = window;
        this.size = window.size();
    }

    /**
     * Scans the archive.
     *
     * @param capture names of files whose bytes to keep, with the most bytes each may have
     * @throws ArchiveFormatException naming the archive, the entry and the rule, for anything refused
     */
    static Result scan(ArchiveSource source, ReaderLimits limits, Map<String, Integer> capture) {
        try (TarWindow window = new TarWindow(source)) {
            try {
                return new TarScanner(source, limits, window).run(capture);
            } catch (IOException e) {
                throw ArchiveFormatException.refused(source.describe(), "it cannot be read at offset "
                        + window.position() + ": " + e.getMessage(), e);
            }
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
            long headerOffset = window.position();
            if (window.remaining() < RECORD) {
                if (headerOffset == 0) {
                    throw refuse("it is not a tar archive: it is only " + size + " bytes long");
                }
                throw refuse("it ends at offset " + size + " without the end-of-archive marker (two zero"
                        + " records): the archive is truncated; copy it again from its source");
            }
            byte[] h = window.read(RECORD, "a header");
            if (TarRecords.allZero(h)) {
                if (extendedAt >= 0) {
                    throw refuse("the extended header at offset " + extendedAt + " is followed by the end of the"
                            + " archive instead of an entry");
                }
                if (window.remaining() >= RECORD
                        && !TarRecords.allZero(window.read(RECORD, "the end-of-archive marker"))) {
                    throw refuse("the record at offset " + (window.position() - RECORD) + " after the first"
                            + " end-of-archive record is not zero: the archive is corrupt");
                }
                checkTrailer(headerOffset);
                return new Result(entries, captured, window.bytesRead());
            }
            TarRecords.checkHeader(where, h, headerOffset);
            char type = (char) h[156];
            String name = TarRecords.name(h);
            long entrySize = TarRecords.size(where, h, headerOffset, name);
            switch (type) {
                case 'x' -> {
                    if (pax != null) {
                        throw refuse(at(name, headerOffset) + "a second PAX extended header follows the one at"
                                + " offset " + extendedAt + " with no entry between them");
                    }
                    pax = TarRecords.pax(where, readExtended(entrySize, name, headerOffset), name, headerOffset);
                    extendedAt = extendedAt >= 0 ? extendedAt : headerOffset;
                    continue;
                }
                case 'g' -> {
                    Map<String, String> global = TarRecords.pax(where, readExtended(entrySize, name, headerOffset),
                            name, headerOffset);
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
                    longName = TarRecords.longName(readExtended(entrySize, name, headerOffset));
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
            long dataOffset = window.position();
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
                captured.put(normalised, window.read((int) entrySize, normalised));
            }
            window.skipTo(dataOffset + TarHeaders.padded(entrySize));
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
        long rest = window.remaining();
        if (rest > MAX_TRAILING_ZEROS) {
            throw refuse(rest + " bytes follow the end-of-archive marker at offset " + marker
                    + ", more than the " + MAX_TRAILING_ZEROS + " bytes of zero padding a tar writer adds: entries"
                    + " after the end-of-archive marker are refused, as other tools may read them");
        }
        while (window.remaining() > 0) {
            byte[] chunk = window.read((int) Math.min(64 * 1024, window.remaining()),
                    "the padding after the end marker");
            for (int i = 0; i < chunk.length; i++) {
                if (chunk[i] != 0) {
                    throw refuse("the byte at offset " + (window.position() - chunk.length + i)
                            + ", after the end-of-archive marker at offset " + marker + ", is not zero: entries"
                            + " after the end-of-archive marker are refused, as other tools may read them");
                }
            }
        }
    }

    private byte[] readExtended(long entrySize, String name, long offset) throws IOException {
        if (entrySize > limits.maxExtendedHeaderBytes()) {
            throw refuse(at(name, offset) + "it is an extended header of " + entrySize + " bytes, over the reader's"
                    + " limit of " + limits.maxExtendedHeaderBytes() + " bytes (ReaderLimits.maxExtendedHeaderBytes)");
        }
        if (entrySize > window.remaining()) {
            throw refuse(at(name, offset) + "its " + entrySize + " bytes run past the end of the archive: the"
                    + " archive is truncated");
        }
        long dataOffset = window.position();
        byte[] data = window.read((int) entrySize, "an extended header");
        window.skipTo(dataOffset + TarHeaders.padded(entrySize));
        return data;
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

    private ArchiveFormatException refuse(String why) {
        return ArchiveFormatException.refused(where, why, null);
    }

    /** The start of a refusal about one entry: its (printable) name and its header's offset. */
    static String at(String name, long offset) {
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
}
