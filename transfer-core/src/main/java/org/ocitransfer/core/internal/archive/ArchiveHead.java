// Reads only the head of a transfer archive (its catalog.json) by a few ranged reads: what a differential export needs of a base.
package org.ocitransfer.core.internal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Collectors;
import org.ocitransfer.core.content.Digest;

/**
 * The catalog of an archive this SDK wrote, read without reading the archive: the format puts {@code oci-layout},
 * {@code index.json} and {@code catalog.json} first, each behind a header that depends only on its name and size
 * (docs/archive-format.md, sections 1 and 2). So three header reads (512 bytes each) find catalog.json, which is then
 * streamed (at most {@link ReaderLimits#maxCatalogBytes()}) and hashed for its catalogDigest. Each header must be
 * byte for byte the one this SDK writes, so any other tar (another tool's layout, a corrupted blob) is refused.
 *
 * @param catalog       the catalog
 * @param catalogDigest {@code sha256:<hex>} of catalog.json's bytes
 */
public record ArchiveHead(Catalog catalog, String catalogDigest) {

    private static final int RECORD = TarHeaders.RECORD;

    /** The digest of every blob and manifest the archive holds (its catalog's {@code blobs}). */
    public Set<String> heldDigests() {
        return catalog.blobs().stream().map(Catalog.Blob::digest).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Reads the head of an archive.
     *
     * @throws ArchiveFormatException when it is not an archive this SDK wrote (no catalog.json at its place, another
     *                                header, an invalid or oversized catalog), naming the archive
     */
    public static ArchiveHead read(ArchiveSource source, ReaderLimits limits) {
        String where = source.describe();
        long indexHeader = entryEnd(source, 0, ArchivePlan.OCI_LAYOUT, 4096);
        long catalogHeader = entryEnd(source, indexHeader, ArchivePlan.INDEX_JSON, limits.maxIndexBytes());
        long catalogSize = size(source, catalogHeader, ArchivePlan.CATALOG_JSON, limits.maxCatalogBytes());
        MessageDigest sha256 = Digest.newSha256();
        Catalog catalog;
        try (InputStream in = new DigestInputStream(source.open(catalogHeader + RECORD, catalogSize), sha256)) {
            catalog = Catalog.read(in, Catalog.ItemCheck.ANY);
            if (in.read() != -1) {
                throw refuse(where, "entry 'catalog.json' is longer than its header says");
            }
        } catch (IllegalArgumentException e) {
            throw refuse(where, "entry 'catalog.json' is invalid: " + e.getMessage());
        } catch (IOException e) {
            throw refuse(where, "entry 'catalog.json' cannot be read: " + e.getMessage());
        }
        return new ArchiveHead(catalog, "sha256:" + HexFormat.of().formatHex(sha256.digest()));
    }

    /** Where the entry after the one at {@code header} starts. */
    private static long entryEnd(ArchiveSource source, long header, String name, long maxSize) {
        return header + RECORD + TarHeaders.padded(size(source, header, name, maxSize));
    }

    /** The size of the entry whose header is at {@code offset}, refused unless it is this SDK's header for it. */
    private static long size(ArchiveSource source, long offset, String name, long maxSize) {
        String where = source.describe();
        if (offset + RECORD > source.size()) {
            throw refuse(where, "it ends before entry '" + name + "': it is not a transfer archive written by this"
                    + " SDK");
        }
        byte[] header;
        try (InputStream in = source.open(offset, RECORD)) {
            header = in.readNBytes(RECORD);
        } catch (IOException e) {
            throw refuse(where, "the header at offset " + offset + " cannot be read: " + e.getMessage());
        }
        long size = -1;
        if (header.length == RECORD && name.equals(cString(header, 0, 100))) {
            try {
                size = Long.parseLong(cString(header, 124, 12).trim(), 8);
            } catch (NumberFormatException e) {
                size = -1;
            }
        }
        if (size < 0 || size > maxSize || !Arrays.equals(header, TarHeaders.header(name, size))) {
            throw refuse(where, "offset " + offset + " does not hold the header of '" + name + "' as this SDK"
                    + " writes it: it is not a transfer archive with a catalog (another tool's tar, or damaged)");
        }
        return size;
    }

    private static String cString(byte[] h, int offset, int length) {
        int end = offset;
        while (end < offset + length && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static ArchiveFormatException refuse(String where, String why) {
        return new ArchiveFormatException("Archive " + where + " is refused: " + why, null);
    }
}
