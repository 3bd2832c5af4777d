package org.ocitransfer.core.internal.archive;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.Manifests;
import org.ocitransfer.core.registry.layout.LayoutIndex;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.signing.CatalogSignatures;
import org.ocitransfer.core.signing.SignatureCheck;

/**
 * Reads a transfer archive, or any OCI-layout tar (skopeo's {@code oci-archive:}, oras, containerd): entries in any
 * order, with or without {@code catalog.json}.
 *
 * <p>{@link #open} indexes the tar by its headers (blob data is skipped, not read), refuses anything an OCI layout
 * must not hold, checks {@code oci-layout}, {@code index.json} and (when present) {@code catalog.json}, then walks
 * every manifest reachable from index.json (each read and digest-verified, at most 4 MiB) and checks that every
 * blob they name is in the archive with the size they give. So an archive that opens holds complete graphs, except
 * a differential archive (catalog.json names {@code bases}): what it lacks is listed by {@link #leftOut()} for the
 * import to find in the target. The layers' content is verified as it is streamed by {@link #open(Descriptor)}. Every refusal is an
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
    private final byte[] signature;
    private final long bytesScanned;
    /** Every manifest reachable from index.json, parsed once at open, its descriptors shared (no bytes kept). */
    private final Map<String, Manifests.Parsed> manifests = new HashMap<>();
    /** What a differential archive leaves out because its bases hold it: manifests and blobs, by digest. */
    private final Map<String, Descriptor> leftOut = new LinkedHashMap<>();

    private ArchiveReader(ArchiveSource source, Map<String, TarScanner.Entry> blobs, List<IndexEntry> index,
                          Catalog catalog, String catalogDigest, byte[] signature, long bytesScanned) {
        this.source = source;
        this.blobs = blobs;
        this.index = List.copyOf(index);
        this.catalog = catalog;
        this.catalogDigest = catalogDigest;
        this.signature = signature;
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
                throw refuse(where, "entry 'catalog.json' cannot be read: " + e.getMessage(), e);
            }
            catalogDigest = "sha256:" + HexFormat.of().formatHex(sha256.digest());
        }
        byte[] signature = scan.captured().get(ArchivePlan.CATALOG_SIG);
        if (signature != null && catalog == null) {
            throw refuse(where, "entry '" + ArchivePlan.CATALOG_SIG + "' signs a catalog.json the archive does not"
                    + " hold: the archive was altered after it was written");
        }
        ArchiveReader reader = new ArchiveReader(source, Map.copyOf(blobs), index, catalog, catalogDigest,
                signature, scan.bytesRead());

        for (IndexEntry entry : index) {
            if (!reader.leavesOut(entry.descriptor())) {
                requireBlob(where, blobs, entry.descriptor(), "index.json");
            }
        }
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
                throw refuse(where, what + " (" + label(entry) + ") is typed "
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

    /**
     * Walks every graph from index.json: each manifest read once and verified (its shape too), every child present
     * with its size. Only unvisited manifests are queued, and each is kept only as what it points at, with its
     * descriptors shared: memory stays bounded by {@link ReaderLimits#maxManifests()} and
     * {@link ReaderLimits#maxReferences()}, however many artifacts reach a manifest.
     */
    private void checkGraphs(ReaderLimits limits) {
        record Node(Descriptor descriptor, int depth, String root) {
        }
        String where = source.describe();
        Deque<Node> stack = new ArrayDeque<>();
        Set<String> queued = new HashSet<>();
        for (IndexEntry e : index) {
            if (!leftOut.containsKey(e.descriptor().digest()) && queued.add(e.descriptor().digest())) {
                stack.push(new Node(e.descriptor(), 1, label(e)));
            }
        }
        Map<Descriptor, Descriptor> shared = new HashMap<>();
        long references = 0;
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            Descriptor d = node.descriptor();
            if (node.depth() > limits.maxGraphDepth()) {
                throw refuse(where, "manifest " + d.digest() + " is nested " + node.depth()
                        + " levels below index.json, deeper than the reader's limit of " + limits.maxGraphDepth()
                        + " (ReaderLimits.maxGraphDepth)");
            }
            Manifests.Parsed parsed;
            String entry = "entry '" + ArchivePlan.blobName(d) + "' (under " + TarScanner.printable(node.root())
                    + ")";
            try {
                byte[] bytes = readManifest(d);
                parsed = Manifests.parse(d, bytes);
                checkShape(where, entry, d, bytes);
            } catch (ContentVerificationException e) {
                throw refuse(where, entry + " is not a valid " + TarScanner.printable(d.mediaType())
                        + ": " + e.getMessage());
            }
            references += parsed.children().size();
            if (references > limits.maxReferences()) {
                throw refuse(where, "its manifests list more than " + limits.maxReferences() + " descriptors"
                        + " together, the reader's limit (ReaderLimits.maxReferences); " + entry + " is the last read");
            }
            for (Descriptor child : parsed.children()) {
                if (!leavesOut(child) && requireBlob(where, blobs, child, "manifest " + d.digest())
                        && child.isManifest() && queued.add(child.digest())) {
                    if (queued.size() > limits.maxManifests()) {
                        throw refuse(where, "more than " + limits.maxManifests() + " distinct manifests are"
                                + " reachable from index.json, the reader's limit of manifests per archive"
                                + " (ReaderLimits.maxManifests); " + entry + " lists the one over it");
                    }
                    stack.push(new Node(child, node.depth() + 1, node.root()));
                }
            }
            manifests.put(d.digest(), new Manifests.Parsed(parsed.mediaType(), share(shared, parsed.config()),
                    parsed.layers().stream().map(l -> share(shared, l)).toList(),
                    parsed.manifests().stream().map(m -> share(shared, m)).toList(), parsed.subject(),
                    parsed.artifactType()));
        }
    }

    /**
     * Whether a differential archive leaves this out (its bases hold it, so the target must have it): absent, and
     * not a layer any archive may omit. Remembered for {@link #leftOut()}; always false for a whole archive.
     */
    private boolean leavesOut(Descriptor d) {
        if (catalog == null || !catalog.differential() || blobs.containsKey(d.digest())
                || ABSENT_ALLOWED.contains(d.mediaType())) {
            return false;
        }
        leftOut.putIfAbsent(d.digest(), d.plain());
        return true;
    }

    /**
     * What this differential archive leaves out because its bases (the catalog's {@code bases}) hold it: every
     * manifest and blob reachable from index.json that the archive lacks, in the order met; nothing under a manifest
     * left out is listed (the target has it whole when it has that manifest). Empty for a whole archive.
     */
    public Map<String, Descriptor> leftOut() {
        return Collections.unmodifiableMap(leftOut);
    }

    /** One plain descriptor object per distinct descriptor, however many manifests list it. */
    private static Descriptor share(Map<Descriptor, Descriptor> shared, Descriptor d) {
        if (d == null) {
            return null;
        }
        Descriptor plain = d.plain();
        return shared.computeIfAbsent(plain, p -> p);
    }

    /**
     * Refuses a manifest whose body is not what its descriptor says: a schemaVersion other than 2 (Docker schema 1),
     * a declared mediaType other than the descriptor's, an index without a {@code manifests} array or with
     * {@code layers} or {@code config}. Reads only the top-level fields, with the strict parser.
     */
    private static void checkShape(String where, String entry, Descriptor d, byte[] bytes) {
        Object schemaVersion = null;
        String declared = null;
        boolean manifestsArray = false;
        boolean layers = false;
        boolean config = false;
        try (JsonParser p = ArchiveJson.MAPPER.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return; // not an object: Manifests.parse refuses it with its own words
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "schemaVersion" -> schemaVersion = value == JsonToken.VALUE_NUMBER_INT
                            ? p.getNumberValue() : p.getText();
                    case "mediaType" -> declared = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "manifests" -> manifestsArray = value == JsonToken.START_ARRAY;
                    case "layers" -> layers = value != JsonToken.VALUE_NULL;
                    case "config" -> config = value != JsonToken.VALUE_NULL;
                    default -> {
                        // other fields do not decide what the body is
                    }
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            throw refuse(where, entry + " is not valid JSON: " + e.getMessage(), e);
        }
        String type = TarScanner.printable(d.mediaType());
        if (!Integer.valueOf(2).equals(schemaVersion)) {
            throw refuse(where, entry + " declares schemaVersion "
                    + (schemaVersion == null ? "(none)" : TarScanner.printable(String.valueOf(schemaVersion)))
                    + " but is described as " + type + ", which needs schemaVersion 2 (Docker schema 1 manifests"
                    + " cannot be imported)");
        }
        if (declared != null && !declared.equals(d.mediaType())) {
            throw refuse(where, entry + " declares mediaType " + TarScanner.printable(declared)
                    + " but is described as " + type);
        }
        if (MediaTypes.isIndex(d.mediaType()) && (!manifestsArray || layers || config)) {
            throw refuse(where, entry + " is described as the index " + type
                    + (manifestsArray ? "" : " but has no 'manifests' array") + (layers ? ", has 'layers'" : "")
                    + (config ? ", has a 'config'" : "") + ": its body is not an index");
        }
    }

    /**
     * What a manifest reachable from index.json points at, as read (and verified) when the archive was opened: no
     * read happens here. Its descriptors are plain (no annotations or platform) and shared between manifests.
     *
     * @throws ArchiveFormatException when the manifest is not reachable from index.json
     */
    public Manifests.Parsed parsed(Descriptor manifest) {
        Manifests.Parsed parsed = manifests.get(manifest.digest());
        if (parsed == null) {
            throw refuse(source.describe(), "manifest " + manifest.digest() + " is not reachable from index.json");
        }
        return parsed;
    }

    private static String label(IndexEntry entry) {
        return entry.refName() != null ? entry.refName() : entry.descriptor().digest();
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

    /** The bytes of the {@code catalog.json.sig} entry (a copy), when the archive is signed. */
    public Optional<byte[]> signature() {
        return Optional.ofNullable(signature).map(byte[]::clone);
    }

    /**
     * What the archive's signature says: unsigned, signed (no keys given), or valid or invalid with the keys (any one
     * of which may have signed it). This is the check an import pipeline with verify keys makes before it writes
     * anything, and what {@code transfer archive inspect|verify} reports.
     */
    public SignatureCheck checkSignature(List<PublicKey> keys) {
        return CatalogSignatures.check(catalogDigest, signature, keys);
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
