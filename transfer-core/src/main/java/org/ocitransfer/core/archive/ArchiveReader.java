package org.ocitransfer.core.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.Manifests;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.content.VerifyingInputStream;

/**
 * Reads a transfer archive, or any OCI-layout tar (skopeo's {@code oci-archive:}, oras, containerd): entries in any
 * order, with or without {@code catalog.json}.
 *
 * <p>{@link #open} indexes the tar by its headers (blob data is skipped, not read), refuses anything an OCI layout
 * must not hold, checks {@code oci-layout}, {@code index.json} and (when present) {@code catalog.json}, then walks
 * every manifest reachable from index.json (each read and digest-verified, at most 4 MiB) and checks that every
 * blob they name is in the archive with the size they give. So an archive that opens holds complete graphs; the
 * layers' content is verified as it is streamed by {@link #open(Descriptor)}. Every refusal is an
 * {@link ArchiveFormatException} naming the archive, the entry and the rule.
 *
 * <p>Thread-safe once opened: it holds no open stream, each blob read opens its own range of the source.
 */
public final class ArchiveReader implements AutoCloseable {

    private static final int MAX_OCI_LAYOUT_BYTES = 4096;
    private static final Set<String> ABSENT_ALLOWED = Set.of(
            "application/vnd.oci.image.layer.nondistributable.v1.tar",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");

    private final ArchiveSource source;
    private final Map<String, TarScanner.Entry> blobs;
    private final List<IndexEntry> index;
    private final Catalog catalog;
    private final String catalogDigest;
    private final long bytesScanned;

    private ArchiveReader(ArchiveSource source, Map<String, TarScanner.Entry> blobs, List<IndexEntry> index,
                          Catalog catalog, String catalogDigest, long bytesScanned) {
        this.source = source;
        this.blobs = blobs;
        this.index = List.copyOf(index);
        this.catalog = catalog;
        this.catalogDigest = catalogDigest;
        this.bytesScanned = bytesScanned;
    }

    /** Opens and checks an archive with the {@link ReaderLimits#DEFAULTS default limits}. */
    public static ArchiveReader open(ArchiveSource source) {
        return open(source, ReaderLimits.DEFAULTS);
    }

    /**
     * Opens and checks an archive.
     *
     * @throws ArchiveFormatException when the archive is refused; the message names the archive, entry and rule
     */
    public static ArchiveReader open(ArchiveSource source, ReaderLimits limits) {
        TarScanner.Result scan = TarScanner.scan(source, limits, Map.of(
                ArchivePlan.OCI_LAYOUT, MAX_OCI_LAYOUT_BYTES,
                ArchivePlan.INDEX_JSON, limits.maxIndexBytes(),
                ArchivePlan.CATALOG_JSON, limits.maxCatalogBytes()));
        String where = source.describe();
        Map<String, TarScanner.Entry> blobs = new HashMap<>();
        long firstBlobHeader = -1;
        for (TarScanner.Entry e : scan.entries()) {
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
        List<IndexEntry> index = parseIndex(where, indexJson);
        for (IndexEntry entry : index) {
            requireBlob(where, blobs, entry.descriptor(), "index.json");
        }
        Catalog catalog = null;
        String catalogDigest = null;
        byte[] catalogJson = scan.captured().get(ArchivePlan.CATALOG_JSON);
        if (catalogJson != null) {
            catalogDigest = Digest.sha256(catalogJson).toString();
            catalog = checkCatalog(where, catalogJson, indexJson, index, blobs, firstBlobHeader);
        }
        ArchiveReader reader = new ArchiveReader(source, Map.copyOf(blobs), index, catalog, catalogDigest,
                scan.bytesRead());
        reader.checkGraphs(limits);
        return reader;
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

    private static List<IndexEntry> parseIndex(String where, byte[] bytes) {
        JsonNode root;
        try {
            root = ArchiveJson.read(bytes);
        } catch (IOException e) {
            throw refuse(where, "entry 'index.json' is not valid JSON (" + e.getMessage() + ")");
        }
        if (!root.isObject()) {
            throw refuse(where, "entry 'index.json' is not a JSON object");
        }
        JsonNode schema = root.get("schemaVersion");
        if (schema == null || !schema.isInt() || schema.intValue() != 2) {
            throw refuse(where, "entry 'index.json' must have schemaVersion 2");
        }
        JsonNode mediaType = root.get("mediaType");
        if (mediaType != null && !MediaTypes.OCI_INDEX.equals(mediaType.textValue())) {
            throw refuse(where, "entry 'index.json' has mediaType " + mediaType + ", not " + MediaTypes.OCI_INDEX);
        }
        JsonNode manifests = root.get("manifests");
        if (manifests == null || !manifests.isArray()) {
            throw refuse(where, "entry 'index.json' has no 'manifests' array");
        }
        List<IndexEntry> entries = new ArrayList<>();
        int i = 0;
        for (JsonNode item : manifests) {
            Descriptor d = descriptor(where, item, "index.json manifests[" + i++ + "]");
            Map<String, String> annotations = d.annotations() == null ? Map.of() : d.annotations();
            entries.add(new IndexEntry(d, annotations.get(IndexEntry.REF_NAME),
                    annotations.get(IndexEntry.IMAGE_NAME)));
        }
        return entries;
    }

    private static Descriptor descriptor(String where, JsonNode node, String what) {
        if (!node.isObject() || !node.path("mediaType").isTextual() || !node.path("digest").isTextual()
                || !node.path("size").isIntegralNumber() || !node.path("size").canConvertToLong()) {
            throw refuse(where, what + " is not a descriptor (it needs mediaType, digest and an integer size)");
        }
        try {
            return ArchiveJson.MAPPER.treeToValue(node, Descriptor.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Throwable reason = e;
            while (reason.getCause() != null && !(reason instanceof IllegalArgumentException)) {
                reason = reason.getCause();
            }
            String message = reason instanceof JsonProcessingException jpe ? jpe.getOriginalMessage()
                    : reason.getMessage();
            throw refuse(where, what + " is not a valid descriptor: " + message);
        }
    }

    private static Catalog checkCatalog(String where, byte[] json, byte[] indexJson, List<IndexEntry> index,
                                        Map<String, TarScanner.Entry> blobs, long firstBlobHeader) {
        Catalog catalog;
        try {
            catalog = Catalog.parse(json);
        } catch (IllegalArgumentException e) {
            throw refuse(where, "entry 'catalog.json' is invalid: " + e.getMessage());
        }
        String indexDigest = Digest.sha256(indexJson).toString();
        if (!catalog.indexDigest().equals(indexDigest)) {
            throw refuse(where, "entry 'catalog.json' records index.json's digest as " + catalog.indexDigest()
                    + " but index.json's digest is " + indexDigest + ": the archive was altered after it was"
                    + " written; export it again");
        }
        Set<String> indexed = new HashSet<>();
        index.forEach(e -> indexed.add(e.descriptor().digest()));
        for (Catalog.Artifact a : catalog.artifacts()) {
            if (!indexed.contains(a.digest())) {
                throw refuse(where, "entry 'catalog.json' lists artifact " + TarScanner.printable(a.reference())
                        + " (" + a.digest()
                        + ") which index.json does not name");
            }
        }
        for (Catalog.Blob b : catalog.blobs()) {
            TarScanner.Entry e = blobs.get(b.digest());
            if (e == null || e.size() != b.size() || e.dataOffset() - firstBlobHeader != b.offset()) {
                throw refuse(where, "entry 'catalog.json' places blob " + b.digest() + " (" + b.size()
                        + " bytes) at offset " + b.offset() + " but the archive "
                        + (e == null ? "does not hold it" : "holds " + e.size() + " bytes of it at offset "
                        + (e.dataOffset() - firstBlobHeader)) + ": the archive was altered after it was written");
            }
        }
        if (catalog.blobs().size() != blobs.size()) {
            throw refuse(where, "entry 'catalog.json' lists " + catalog.blobs().size() + " blobs but the archive"
                    + " holds " + blobs.size() + ": the archive was altered after it was written");
        }
        return catalog;
    }

    /**
     * Walks every graph from index.json: each manifest read once and verified, every child present with its size.
     * Only unvisited manifests are queued, so memory stays bounded by the number of entries.
     */
    private void checkGraphs(ReaderLimits limits) {
        record Node(Descriptor descriptor, int depth) {
        }
        String where = source.describe();
        Deque<Node> stack = new ArrayDeque<>();
        Set<String> queued = new HashSet<>();
        for (IndexEntry e : index) {
            if (e.descriptor().isManifest() && queued.add(e.descriptor().digest())) {
                stack.push(new Node(e.descriptor(), 1));
            }
        }
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            Descriptor d = node.descriptor();
            if (node.depth() > limits.maxGraphDepth()) {
                throw refuse(where, "manifest " + d.digest() + " is nested " + node.depth()
                        + " levels below index.json, deeper than the reader's limit of " + limits.maxGraphDepth()
                        + " (ReaderLimits.maxGraphDepth)");
            }
            Manifests.Parsed parsed;
            try {
                parsed = Manifests.parse(d, readManifest(d));
            } catch (ContentVerificationException e) {
                throw refuse(where, "entry '" + ArchivePlan.blobName(d) + "' is not a valid "
                        + TarScanner.printable(d.mediaType())
                        + ": " + e.getMessage());
            }
            for (Descriptor child : parsed.children()) {
                if (requireBlob(where, blobs, child, "manifest " + d.digest()) && child.isManifest()
                        && queued.add(child.digest())) {
                    stack.push(new Node(child, node.depth() + 1));
                }
            }
        }
    }

    /** Checks a descriptor's blob is held with its size; false when it may be absent (non-distributable). */
    private static boolean requireBlob(String where, Map<String, TarScanner.Entry> blobs, Descriptor d,
                                       String parent) {
        TarScanner.Entry e = blobs.get(d.digest());
        if (e == null) {
            if (ABSENT_ALLOWED.contains(d.mediaType())) {
                return false;
            }
            throw refuse(where, parent + " names blob " + d.digest() + " (" + TarScanner.printable(d.mediaType())
                    + ") but the archive has no entry " + ArchivePlan.blobName(d) + ": the archive is incomplete");
        }
        if (e.size() != d.size()) {
            throw refuse(where, "entry '" + e.name() + "' is " + e.size() + " bytes but " + parent
                    + " describes it as " + d.size() + " bytes");
        }
        if (d.isManifest() && d.size() > MediaTypes.MAX_MANIFEST_BYTES) {
            throw refuse(where, "entry '" + e.name() + "' is a manifest of " + d.size() + " bytes, over the "
                    + MediaTypes.MAX_MANIFEST_BYTES + "-byte limit for manifests");
        }
        return true;
    }

    /** Every artifact index.json names, in its order. */
    public List<IndexEntry> index() {
        return index;
    }

    /** The catalog, when the archive has one (archives this SDK wrote). */
    public Optional<Catalog> catalog() {
        return Optional.ofNullable(catalog);
    }

    /** {@code sha256:<hex>} of catalog.json's bytes, when the archive has one. */
    public Optional<String> catalogDigest() {
        return Optional.ofNullable(catalogDigest);
    }

    /**
     * Checks the archive's catalogDigest is the expected one (a run's request may name it).
     *
     * @throws ArchiveFormatException when the archive has no catalog or another digest
     */
    public void requireCatalogDigest(String expected) {
        if (!expected.equals(catalogDigest)) {
            throw refuse(source.describe(), catalogDigest == null
                    ? "it has no catalog.json, so it cannot match the expected catalogDigest " + expected
                    : "its catalogDigest is " + catalogDigest + " but " + expected + " was expected: it is not the"
                    + " archive the run names, or it was altered");
        }
    }

    /** Whether the archive holds the blob. */
    public boolean contains(String digest) {
        return blobs.containsKey(digest);
    }

    /** Bytes read while indexing the tar's headers (blob data is skipped, so this stays small). */
    public long bytesScanned() {
        return bytesScanned;
    }

    /** The archive's source. */
    public ArchiveSource source() {
        return source;
    }

    /**
     * Opens a blob. The range is opened on the first read; the stream checks size and sha256 as it is read and fails
     * on any mismatch with an IOException caused by an {@link ArchiveFormatException}, itself caused by the
     * {@link ContentVerificationException} ({@link VerifyingInputStream#verificationFailure} finds it).
     *
     * @throws ArchiveFormatException when the archive does not hold the blob with that size
     */
    public InputStream open(Descriptor d) {
        TarScanner.Entry e = entry(d);
        InputStream verifying = new VerifyingInputStream(new LazyRegion(source, e.dataOffset(), e.size()), d,
                "archive " + source.describe() + " entry " + e.name());
        return new FilterInputStream(verifying) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException ex) {
                    throw refusal(ex);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException ex) {
                    throw refusal(ex);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return super.skip(n);
                } catch (IOException ex) {
                    throw refusal(ex);
                }
            }

            /** A mismatch becomes an IOException caused by an ArchiveFormatException (caused by the mismatch). */
            private IOException refusal(IOException ex) {
                ContentVerificationException cve = VerifyingInputStream.verificationFailure(ex);
                if (cve == null) {
                    return ex;
                }
                return new IOException(refuse(source.describe(), "entry '" + e.name()
                        + "' does not match its descriptor: " + cve.getMessage(), cve));
            }
        };
    }

    /**
     * Where a blob's data starts in the archive ({@code size} bytes from there), for a caller that reads the range
     * from {@link #source()} itself and has the bytes verified elsewhere (a registry push checks size and digest as
     * it streams), so they are not hashed twice.
     *
     * @throws ArchiveFormatException when the archive does not hold the blob with that size
     */
    public long dataOffset(Descriptor d) {
        return entry(d).dataOffset();
    }

    /** The blob as a replayable push body: each open reads its range again, verified. */
    public ContentSource contentSource(Descriptor d) {
        entry(d);
        return ContentSource.reopenable(() -> open(d));
    }

    /**
     * Reads a manifest (at most 4 MiB), verified.
     *
     * @throws ArchiveFormatException when it is absent, too large, or its bytes do not match the descriptor
     */
    public byte[] readManifest(Descriptor d) {
        TarScanner.Entry e = entry(d);
        if (d.size() > MediaTypes.MAX_MANIFEST_BYTES) {
            throw refuse(source.describe(), "entry '" + e.name() + "' is " + d.size() + " bytes, over the "
                    + MediaTypes.MAX_MANIFEST_BYTES + "-byte limit for manifests");
        }
        try (InputStream in = open(d)) {
            return in.readAllBytes();
        } catch (IOException ex) {
            if (ex.getCause() instanceof ArchiveFormatException afe) {
                throw afe;
            }
            ContentVerificationException cve = VerifyingInputStream.verificationFailure(ex);
            throw refuse(source.describe(), "entry '" + e.name() + "' "
                    + (cve != null ? "does not match its descriptor: " + cve.getMessage()
                    : "cannot be read: " + ex.getMessage()), ex);
        }
    }

    private TarScanner.Entry entry(Descriptor d) {
        TarScanner.Entry e = blobs.get(d.digest());
        if (e == null) {
            throw refuse(source.describe(), "it has no blob " + d.digest() + " (entry " + ArchivePlan.blobName(d)
                    + ")");
        }
        if (e.size() != d.size()) {
            throw refuse(source.describe(), "entry '" + e.name() + "' is " + e.size() + " bytes but the descriptor"
                    + " asks for " + d.size());
        }
        return e;
    }

    /** Holds no open resources (each read opens its own range): nothing to release. */
    @Override
    public void close() {
        // Nothing is held open between calls.
    }

    private static ArchiveFormatException refuse(String where, String why) {
        return refuse(where, why, null);
    }

    private static ArchiveFormatException refuse(String where, String why, Throwable cause) {
        return new ArchiveFormatException("Archive " + where + " is refused: " + why, cause);
    }

    /** A range of the source, opened on first use. */
    private static final class LazyRegion extends InputStream {
        private final ArchiveSource source;
        private final long offset;
        private final long length;
        private InputStream in;

        LazyRegion(ArchiveSource source, long offset, long length) {
            this.source = source;
            this.offset = offset;
            this.length = length;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                in = source.open(offset, length);
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in().read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
