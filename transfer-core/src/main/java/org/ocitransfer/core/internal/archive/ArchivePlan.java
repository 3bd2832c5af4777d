package org.ocitransfer.core.internal.archive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.signing.CatalogSignatures;
import org.ocitransfer.core.signing.CatalogSigner;

/**
 * The whole archive, planned to the byte before anything is written: every entry's header, offset and size, the
 * bytes of {@code oci-layout}, {@code index.json} and {@code catalog.json}, the total size and the catalogDigest.
 * Planning is pure computation (no I/O), but for a signed archive's one call to its signer (a Key Vault key signs
 * over the network), before any byte is written. Because every offset is known up front, regions of the archive can be
 * written independently (see {@link ArchiveWriter#writeEntry}).
 *
 * <p>Layout: {@code oci-layout}, {@code index.json}, {@code catalog.json}, when signed {@code catalog.json.sig},
 * then {@code blobs/<alg>/<hex>} in the request's order (each digest once), then two zero records. No block padding
 * follows. The signature is planned like every other entry: it signs the catalogDigest, and catalog.json's blob
 * offsets count from the first blob entry, so neither the catalog nor the signature depends on the other's size.
 */
public final class ArchivePlan {

    /** Name of the layout marker entry. */
    public static final String OCI_LAYOUT = "oci-layout";
    /** Name of the index entry. */
    public static final String INDEX_JSON = "index.json";
    /** Name of the catalog entry. */
    public static final String CATALOG_JSON = "catalog.json";
    /** Name of the signature entry (signed archives only). */
    public static final String CATALOG_SIG = CatalogSignatures.ENTRY;

    private static final byte[] OCI_LAYOUT_BYTES =
            "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

    private final List<PlannedEntry> entries;
    private final Map<String, PlannedEntry> blobEntries;
    private final byte[] indexJson;
    private final byte[] catalogJson;
    private final byte[] signature;
    private final Catalog catalog;
    private final String catalogDigest;
    private final long blobsOffset;
    private final long totalSize;

    private ArchivePlan(List<PlannedEntry> entries, byte[] indexJson, byte[] catalogJson, byte[] signature,
                        Catalog catalog, long blobsOffset, long totalSize) {
        this.entries = List.copyOf(entries);
        Map<String, PlannedEntry> byDigest = new LinkedHashMap<>();
        for (PlannedEntry e : entries) {
            if (e.isBlob()) {
                byDigest.put(e.blob().digest(), e);
            }
        }
        this.blobEntries = Collections.unmodifiableMap(byDigest);
        this.indexJson = indexJson;
        this.catalogJson = catalogJson;
        this.signature = signature;
        this.catalog = catalog;
        this.catalogDigest = Digest.sha256(catalogJson).toString();
        this.blobsOffset = blobsOffset;
        this.totalSize = totalSize;
    }

    /**
     * Plans the archive of a request.
     *
     * @throws IllegalArgumentException when the request is inconsistent: no artifacts, a digest listed with two
     *                                  sizes, an artifact root missing from the blobs, an artifact listed twice
     */
    public static ArchivePlan plan(ArchiveRequest request) {
        return plan(request, null);
    }

    /**
     * Plans the archive of a request, signed by {@code signer} (null: unsigned, the same bytes as
     * {@link #plan(ArchiveRequest)}). The signer is called once, with the catalog's digest, before any offset after
     * catalog.json is fixed.
     *
     * @throws IllegalArgumentException as {@link #plan(ArchiveRequest)}
     */
    public static ArchivePlan plan(ArchiveRequest request, CatalogSigner signer) {
        if (request.artifacts().isEmpty()) {
            throw new IllegalArgumentException("Archive for run " + request.runName()
                    + " has no artifacts: name at least one artifact to export");
        }
        Map<String, Descriptor> blobs = new LinkedHashMap<>();
        for (Descriptor d : request.blobs()) {
            Descriptor first = blobs.putIfAbsent(d.digest(), d);
            if (first != null && first.size() != d.size()) {
                throw new IllegalArgumentException("Archive for run " + request.runName() + ": blob " + d.digest()
                        + " is listed with size " + first.size() + " and with size " + d.size()
                        + "; the source's manifests disagree about it");
            }
        }
        Set<String> refNames = new HashSet<>();
        for (ArchivedArtifact a : request.artifacts()) {
            Descriptor stored = blobs.get(a.root().digest());
            // A differential archive leaves out the roots its bases hold.
            boolean leftOut = stored == null && !request.bases().isEmpty();
            if (!leftOut && (stored == null || stored.size() != a.root().size())) {
                throw new IllegalArgumentException("Archive for run " + request.runName() + ": the root "
                        + a.root() + " of " + a.source() + " is not among the blobs to store"
                        + (stored == null ? "" : " with that size") + "; list every blob of every artifact");
            }
            if (!refNames.add(a.source().shortName())) {
                throw new IllegalArgumentException("Archive for run " + request.runName() + ": artifact "
                        + a.source().shortName() + " is listed twice; name each artifact once");
            }
        }

        byte[] indexJson = indexJson(request.artifacts());
        String indexDigest = Digest.sha256(indexJson).toString();

        // Blob entries, positioned relative to the first blob entry's header (the catalog's fixed point).
        List<long[]> relative = new ArrayList<>(blobs.size());
        List<Catalog.Blob> catalogBlobs = new ArrayList<>(blobs.size());
        long rel = 0;
        for (Descriptor d : blobs.values()) {
            long header = TarHeaders.headerLength(blobName(d), d.size());
            long dataRel = rel + header;
            relative.add(new long[] {rel, dataRel});
            catalogBlobs.add(new Catalog.Blob(d.digest(), d.size(), d.mediaType(), dataRel));
            rel = Math.addExact(dataRel, TarHeaders.padded(d.size()));
        }
        List<Catalog.Artifact> catalogArtifacts = new ArrayList<>();
        for (ArchivedArtifact a : request.artifacts()) {
            catalogArtifacts.add(new Catalog.Artifact(a.source().toString(), a.source().shortName(),
                    a.root().digest(), a.root().mediaType(), a.root().size()));
        }
        Catalog catalog = new Catalog(Catalog.FORMAT_VERSION, request.pipelineName(), request.runName(),
                request.sourceRegistry(), indexDigest, catalogArtifacts, catalogBlobs, request.bases());
        byte[] catalogJson = catalog.toJson();
        byte[] signature = signer == null ? null : sign(signer, catalogJson);

        List<PlannedEntry> entries = new ArrayList<>(blobs.size() + 4);
        entries.add(metadataEntry(OCI_LAYOUT, OCI_LAYOUT_BYTES.length, 0));
        entries.add(metadataEntry(INDEX_JSON, indexJson.length, entries.get(0).end()));
        entries.add(metadataEntry(CATALOG_JSON, catalogJson.length, entries.get(1).end()));
        if (signature != null) {
            entries.add(metadataEntry(CATALOG_SIG, signature.length, entries.get(2).end()));
        }
        long blobsOffset = entries.get(entries.size() - 1).end();
        int i = 0;
        for (Descriptor d : blobs.values()) {
            long[] r = relative.get(i++);
            entries.add(new PlannedEntry(blobName(d), blobsOffset + r[0], blobsOffset + r[1], d.size(), d));
        }
        long totalSize = Math.addExact(Math.addExact(blobsOffset, rel), TarHeaders.TRAILER);
        return new ArchivePlan(entries, indexJson, catalogJson, signature, catalog, blobsOffset, totalSize);
    }

    private static byte[] sign(CatalogSigner signer, byte[] catalogJson) {
        byte[] signature = signer.sign(HexFormat.of().parseHex(Digest.sha256(catalogJson).hex()));
        if (signature == null || signature.length == 0 || signature.length > CatalogSignatures.MAX_BYTES) {
            throw new IllegalStateException("Signer " + signer.describe() + " returned a signature of "
                    + (signature == null ? "null" : signature.length + " bytes") + "; at most "
                    + CatalogSignatures.MAX_BYTES + " are accepted");
        }
        return signature;
    }

    private static PlannedEntry metadataEntry(String name, long size, long offset) {
        return new PlannedEntry(name, offset, offset + TarHeaders.headerLength(name, size), size, null);
    }

    /** {@code blobs/<alg>/<hex>}: where a blob lives in an OCI layout. */
    public static String blobName(Descriptor d) {
        Digest digest = d.parsedDigest();
        return "blobs/" + digest.algorithm() + "/" + digest.hex();
    }

    private static byte[] indexJson(List<ArchivedArtifact> artifacts) {
        return ArchiveJson.write(g -> {
            g.writeStartObject();
            g.writeNumberField("schemaVersion", 2);
            g.writeStringField("mediaType", MediaTypes.OCI_INDEX);
            g.writeArrayFieldStart("manifests");
            for (ArchivedArtifact a : artifacts) {
                Map<String, String> annotations = new TreeMap<>();
                if (a.root().annotations() != null) {
                    annotations.putAll(a.root().annotations());
                }
                annotations.put(IndexEntry.REF_NAME, a.source().shortName());
                annotations.put(IndexEntry.IMAGE_NAME, a.source().toString());
                ArchiveJson.writeDescriptor(g, a.root(), annotations);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** The exact archive size in bytes, trailer included. */
    public long totalSize() {
        return totalSize;
    }

    /** {@code sha256:<hex>} of catalog.json's bytes: the run's catalogDigest. */
    public String catalogDigest() {
        return catalogDigest;
    }

    /** {@code sha256:<hex>} of index.json's bytes (also recorded inside catalog.json). */
    public String indexDigest() {
        return catalog.indexDigest();
    }

    /** index.json's bytes (a copy). */
    public byte[] indexJson() {
        return indexJson.clone();
    }

    /** catalog.json's bytes (a copy). */
    public byte[] catalogJson() {
        return catalogJson.clone();
    }

    /** The signature entry's bytes (a copy), when the archive is signed. */
    public Optional<byte[]> signature() {
        return Optional.ofNullable(signature).map(byte[]::clone);
    }

    /** The catalog, as a value. */
    public Catalog catalog() {
        return catalog;
    }

    /** Every entry in archive order: oci-layout, index.json, catalog.json, catalog.json.sig if signed, the blobs. */
    public List<PlannedEntry> entries() {
        return entries;
    }

    /** The entry storing a blob, if the archive holds it. */
    public Optional<PlannedEntry> blobEntry(String digest) {
        return Optional.ofNullable(blobEntries.get(digest));
    }

    /** Where the first blob entry's header starts: the point catalog.json's blob offsets count from. */
    public long blobsOffset() {
        return blobsOffset;
    }

    /** Where the end-of-archive marker (two zero records) starts. */
    public long trailerOffset() {
        return totalSize - TarHeaders.TRAILER;
    }

    /** The header records of an entry of this plan (regenerated: the same bytes every time). */
    public byte[] header(PlannedEntry entry) {
        byte[] header = TarHeaders.header(entry.name(), entry.size());
        if (header.length != entry.headerLength()) {
            throw new IllegalStateException("Header of " + entry.name() + " is " + header.length
                    + " bytes but was planned as " + entry.headerLength());
        }
        return header;
    }

    /** The content of a metadata entry (oci-layout, index.json, catalog.json or its signature), a copy. */
    public byte[] metadata(PlannedEntry entry) {
        return switch (entry.name()) {
            case OCI_LAYOUT -> OCI_LAYOUT_BYTES.clone();
            case INDEX_JSON -> indexJson.clone();
            case CATALOG_JSON -> catalogJson.clone();
            case CATALOG_SIG -> signature.clone();
            default -> throw new IllegalArgumentException(entry.name() + " is a blob entry, not metadata");
        };
    }
}
