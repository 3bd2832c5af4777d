package org.ocitransfer.core.internal.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The exact header bytes of one archive entry, made by commons-compress in POSIX mode: a PAX extended header when
 * the size exceeds the ustar limit (8 GiB - 1) or the name exceeds 99 bytes, then the ustar header. Every field is
 * fixed (mtime 0, uid/gid 0, empty user and group names, mode 0100644), so the same name and size always give the
 * same bytes, and the length is known before anything is written.
 */
final class TarHeaders {

    /** The tar record size. */
    static final int RECORD = 512;
    /** The end-of-archive marker: two zero records. */
    static final int TRAILER = 2 * RECORD;
    /** Mode of every file entry: a regular file, rw-r--r--. */
    static final int FILE_MODE = 0100644;

    private TarHeaders() {
    }

    /** The header records (PAX extended header, if any, then the ustar header) for a regular file. */
    static byte[] header(String name, long size) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(3 * RECORD);
        // A 512-byte block size makes every record reach the buffer as soon as it is complete; the stream is
        // dropped after putArchiveEntry (closing it would demand the entry's data).
        TarArchiveOutputStream tar = new TarArchiveOutputStream(buffer, RECORD);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(size);
        entry.setMode(FILE_MODE);
        entry.setLastModifiedTime(FileTime.fromMillis(0));
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
        try {
            tar.putArchiveEntry(entry);
            tar.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing a tar header into memory failed", e);
        }
        byte[] header = buffer.toByteArray();
        if (header.length == 0 || header.length % RECORD != 0) {
            throw new IllegalStateException("The tar header for " + name + " is " + header.length
                    + " bytes, not whole 512-byte records");
        }
        return header;
    }

    /** The length of {@link #header(String, long)}. */
    static int headerLength(String name, long size) {
        return header(name, size).length;
    }

    /** {@code size} rounded up to whole records. */
    static long padded(long size) {
        long rest = size % RECORD;
        return rest == 0 ? size : size + (RECORD - rest);
    }
}
