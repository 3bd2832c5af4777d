// The head of an OCI-layout tar as ArchiveReader.open reads it: tar headers, oci-layout, index.json, catalog.json.
package org.ocitransfer.core.internal.archive;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.layout.LayoutIndex;
import org.ocitransfer.core.signing.CatalogSignatures;

/**
 * The head of an OCI-layout tar (any tool's), read and checked by {@link #read}: the tar indexed by its headers
 * ({@link TarScanner}: blob data skipped), {@code oci-layout} at version 1.0.0, {@code index.json} naming only image
 * manifests and indexes, and, when present, {@code catalog.json} (streamed and hashed, never held as bytes) agreeing
 * with index.json and with every blob's place and size, and {@code catalog.json.sig} only beside a catalog. The
 * manifests' graphs are checked after, by {@link ManifestGraphCheck}. Not to be confused with {@link ArchiveHead}, the
 * catalog of an archive this SDK wrote read by a few ranged reads.
 *
 * @param entries       the blob entries, by digest, to read them
 * @param index         every artifact index.json names, in its order
 * @param catalog       the catalog, or null when the archive has none
 * @param catalogDigest {@code sha256:<hex>} of catalog.json's bytes, or null
 * @param signature     the bytes of {@code catalog.json.sig}, or null when unsigned
 * @param bytesScanned  bytes read while indexing the tar's headers
 */
record LayoutHead(ArchiveEntries entries, List<IndexEntry> index, Catalog catalog, String catalogDigest,
                  byte[] signature, long bytesScanned) {

    private static final int MAX_OCI_LAYOUT_BYTES = 4096;

    /**
     * Reads and checks the head of an archive.
     *
     * @throws ArchiveFormatException when the archive is refused; the message names the archive, entry and rule
     */
    static LayoutHead read(ArchiveSource source, ReaderLimits limits) {
        TarScanner.Result scan = TarScanner.scan(source, limits, Map.of(
                ArchivePlan.OCI_LAYOUT, MAX_OCI_LAYOUT_BYTES,
                ArchivePlan.INDEX_JSON, limits.maxIndexBytes(),
                ArchivePlan.CATALOG_SIG, CatalogSignatures.MAX_BYTES));
        String where = source.describe();
        Map<String, TarScanner.Entry> blobs = new HashMap<>();
        long firstBlobHeader = -1;
        TarScanner.Entry catalogEntry = null;
        for (TarScanner.Entry e : scan.entries()) {
            if (!e.directory() && e.name().equals(ArchivePlan.CATALOG_JSON)) {
                catalogEntry = e;
            }
            if (!e.directory() && e.name().startsWith("blobs/")) {
                String[] parts = e.name().split("/");
                blobs.put(parts[1] + ":" + parts[2], e);
                if (firstBlobHeader < 0) {
                    firstBlobHeader = e.headerOffset();
                }
            }
        }
        byte[] layout = scan.captured().get(ArchivePlan.OCI_LAYOUT);
        if (layout == null) {
            throw refuse(where, "it has no oci-layout file, so it is not an OCI image layout");
        }
        checkLayout(where, layout);
        byte[] indexJson = scan.captured().get(ArchivePlan.INDEX_JSON);
        if (indexJson == null) {
            throw refuse(where, "it has no index.json, so it names no artifacts");
        }
        List<IndexEntry> index = parseIndex(where, indexJson, limits);
        Catalog catalog = null;
        String catalogDigest = null;
        if (catalogEntry != null) {
            if (catalogEntry.size() > limits.maxCatalogBytes()) {
                throw refuse(where, "entry 'catalog.json' is " + catalogEntry.size() + " bytes, over the "
                        + limits.maxCatalogBytes() + "-byte limit for catalog.json (ReaderLimits.maxCatalogBytes)");
            }
            // Streamed from the archive and hashed on the way: a catalog is never held as bytes or as a tree.
            MessageDigest sha256 = Digest.newSha256();
            try (InputStream in = new DigestInputStream(source.open(catalogEntry.dataOffset(), catalogEntry.size()),
                    sha256)) {
                catalog = checkCatalog(where, in, indexJson, index, blobs, firstBlobHeader);
            } catch (IOException e) {
                throw ArchiveFormatException.refused(where, "entry 'catalog.json' cannot be read: " + e.getMessage(),
                        e);
            }
            catalogDigest = "sha256:" + HexFormat.of().formatHex(sha256.digest());
        }
        byte[] signature = scan.captured().get(ArchivePlan.CATALOG_SIG);
        if (signature != null && catalog == null) {
            throw refuse(where, "entry '" + ArchivePlan.CATALOG_SIG + "' signs a catalog.json the archive does not"
                    + " hold: the archive was altered after it was written");
        }
        return new LayoutHead(new ArchiveEntries(source, blobs), List.copyOf(index), catalog, catalogDigest,
                signature, scan.bytesRead());
    }

    private static void checkLayout(String where, byte[] layout) {
        String version;
        try {
            JsonNode node = ArchiveJson.read(layout);
            JsonNode field = node.isObject() ? node.get("imageLayoutVersion") : null;
            version = field != null && field.isTextual() ? field.textValue() : null;
        } catch (IOException e) {
            throw refuse(where, "entry 'oci-layout' is not valid JSON (" + e.getMessage() + ")");
        }
        if (!"1.0.0".equals(version)) {
            throw refuse(where, "entry 'oci-layout' must be {\"imageLayoutVersion\":\"1.0.0\"} but its"
                    + " imageLayoutVersion is "
                    + (version == null ? "missing" : "'" + TarScanner.printable(version) + "'"));
        }
    }

    private static List<IndexEntry> parseIndex(String where, byte[] bytes, ReaderLimits limits) {
        JsonNode root;
        try {
            root = ArchiveJson.read(bytes);
        } catch (IOException e) {
            throw refuse(where, "entry 'index.json' is not valid JSON (" + e.getMessage() + ")");
        }
        List<LayoutIndex.Entry> parsed;
        try {
            parsed = LayoutIndex.parse(root, limits.maxTags(), "the reader's limit of " + limits.maxTags()
                    + " tags per archive (ReaderLimits.maxTags): split the export");
        } catch (LayoutIndex.InvalidIndexException e) {
            throw refuse(where, e.entry() < 0 ? "entry 'index.json' " + e.problem() : e.getMessage());
        }
        List<IndexEntry> entries = new ArrayList<>(parsed.size());
        int i = 0;
        for (LayoutIndex.Entry item : parsed) {
            String what = "index.json manifests[" + i++ + "]";
            IndexEntry entry = new IndexEntry(item.descriptor(), item.refName(), item.imageName());
            if (!item.descriptor().isManifest()) {
                throw refuse(where, what + " (" + entry.label() + ") is typed "
                        + TarScanner.printable(item.descriptor().mediaType()) + ", not an image manifest or index ("
                        + String.join(", ", MediaTypes.MANIFESTS) + "): only those can be imported and tagged");
            }
            entries.add(entry);
        }
        return entries;
    }

    private static Catalog checkCatalog(String where, InputStream json, byte[] indexJson, List<IndexEntry> index,
                                        Map<String, TarScanner.Entry> blobs, long firstBlobHeader)
            throws IOException {
        Set<String> indexed = new HashSet<>();
        index.forEach(e -> indexed.add(e.descriptor().digest()));
        Set<String> listed = new HashSet<>();
        int[] artifacts = {0};
        Catalog catalog;
        try {
            catalog = Catalog.read(json, new Catalog.ItemCheck() {
                @Override
                public void artifact(Catalog.Artifact a) {
                    if (!indexed.contains(a.digest())) {
                        throw refuse(where, "entry 'catalog.json' lists artifact "
                                + TarScanner.printable(a.reference()) + " (" + a.digest()
                                + ") which index.json does not name");
                    }
                    if (++artifacts[0] > index.size()) {
                        throw refuse(where, "entry 'catalog.json' lists more artifacts than the " + index.size()
                                + " index.json names: the archive was altered after it was written");
                    }
                }

                @Override
                public void blob(Catalog.Blob b) {
                    TarScanner.Entry e = blobs.get(b.digest());
                    if (e == null || e.size() != b.size() || e.dataOffset() - firstBlobHeader != b.offset()) {
                        throw refuse(where, "entry 'catalog.json' places blob " + b.digest() + " (" + b.size()
                                + " bytes) at offset " + b.offset() + " but the archive "
                                + (e == null ? "does not hold it" : "holds " + e.size() + " bytes of it at offset "
                                + (e.dataOffset() - firstBlobHeader))
                                + ": the archive was altered after it was written");
                    }
                    if (!listed.add(b.digest())) {
                        throw refuse(where, "entry 'catalog.json' lists blob " + b.digest() + " twice (so it can"
                                + " omit another and still count right): the archive was altered after it was"
                                + " written");
                    }
                }
            });
        } catch (IllegalArgumentException e) {
            throw refuse(where, "entry 'catalog.json' is invalid: " + e.getMessage());
        }
        String indexDigest = Digest.sha256(indexJson).toString();
        if (!catalog.indexDigest().equals(indexDigest)) {
            throw refuse(where, "entry 'catalog.json' records index.json's digest as " + catalog.indexDigest()
                    + " but index.json's digest is " + indexDigest + ": the archive was altered after it was"
                    + " written; export it again");
        }
        if (catalog.blobs().size() != blobs.size()) {
            throw refuse(where, "entry 'catalog.json' lists " + catalog.blobs().size() + " blobs but the archive"
                    + " holds " + blobs.size() + ": the archive was altered after it was written");
        }
        return catalog;
    }

    private static ArchiveFormatException refuse(String where, String why) {
        return ArchiveFormatException.refused(where, why, null);
    }
}
