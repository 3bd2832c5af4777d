// Walks every manifest graph an archive's index.json reaches: each manifest verified, each child present or left out.
package org.ocitransfer.core.internal.archive;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Manifests;
import org.ocitransfer.core.content.MediaTypes;

/**
 * The graph half of {@link ArchiveReader#open}: after the {@link LayoutHead} is checked, walks every manifest
 * reachable from index.json (each read and digest-verified, at most 4 MiB, its body's shape matching its descriptor)
 * and checks that every blob they name is in the archive with the size they give, within the reader's limits. A
 * differential archive (catalog.json names {@code bases}) may lack what its bases hold: that is collected as
 * {@link #leftOut()} for the import to find in the target. Every refusal is an {@link ArchiveFormatException}.
 */
final class ManifestGraphCheck {

    private static final Set<String> ABSENT_ALLOWED = Set.of(
            "application/vnd.oci.image.layer.nondistributable.v1.tar",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");

    private final String where;
    private final LayoutHead head;
    private final ArchiveEntries blobs;
    /** Every manifest reachable from index.json, parsed once, its descriptors shared (no bytes kept). */
    private final Map<String, Manifests.Parsed> manifests = new HashMap<>();
    /** What a differential archive leaves out because its bases hold it: manifests and blobs, by digest. */
    private final Map<String, Descriptor> leftOut = new LinkedHashMap<>();

    private ManifestGraphCheck(String where, LayoutHead head) {
        this.where = where;
        this.head = head;
        this.blobs = head.entries();
    }

    /**
     * Checks every graph of the archive whose head is {@code head}.
     *
     * @throws ArchiveFormatException when a graph is incomplete, invalid or over a limit
     */
    static ManifestGraphCheck check(String where, LayoutHead head, ReaderLimits limits) {
        ManifestGraphCheck check = new ManifestGraphCheck(where, head);
        for (IndexEntry entry : head.index()) {
            if (!check.leavesOut(entry.descriptor())) {
                check.requireBlob(entry.descriptor(), "index.json");
            }
        }
        check.walk(limits);
        return check;
    }

    /** What each manifest reachable from index.json points at, by the manifest's digest. */
    Map<String, Manifests.Parsed> manifests() {
        return Collections.unmodifiableMap(manifests);
    }

    /** See {@link ArchiveReader#leftOut()}. */
    Map<String, Descriptor> leftOut() {
        return Collections.unmodifiableMap(leftOut);
    }

    /**
     * Walks every graph from index.json: each manifest read once and verified (its shape too), every child present
     * with its size. Only unvisited manifests are queued, and each is kept only as what it points at, with its
     * descriptors shared: memory stays bounded by {@link ReaderLimits#maxManifests()} and
     * {@link ReaderLimits#maxReferences()}, however many artifacts reach a manifest.
     */
    private void walk(ReaderLimits limits) {
        record Node(Descriptor descriptor, int depth, String root) {
        }
        Deque<Node> stack = new ArrayDeque<>();
        Set<String> queued = new HashSet<>();
        for (IndexEntry e : head.index()) {
            if (!leftOut.containsKey(e.descriptor().digest()) && queued.add(e.descriptor().digest())) {
                stack.push(new Node(e.descriptor(), 1, e.label()));
            }
        }
        Map<Descriptor, Descriptor> shared = new HashMap<>();
        long references = 0;
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            Descriptor d = node.descriptor();
            if (node.depth() > limits.maxGraphDepth()) {
                throw refuse("manifest " + d.digest() + " is nested " + node.depth()
                        + " levels below index.json, deeper than the reader's limit of " + limits.maxGraphDepth()
                        + " (ReaderLimits.maxGraphDepth)");
            }
            Manifests.Parsed parsed;
            String entry = "entry '" + ArchivePlan.blobName(d) + "' (under " + TarScanner.printable(node.root())
                    + ")";
            try {
                byte[] bytes = blobs.readManifest(d);
                parsed = Manifests.parse(d, bytes);
                checkShape(entry, d, bytes);
            } catch (ContentVerificationException e) {
                throw refuse(entry + " is not a valid " + TarScanner.printable(d.mediaType())
                        + ": " + e.getMessage());
            }
            references += parsed.children().size();
            if (references > limits.maxReferences()) {
                throw refuse("its manifests list more than " + limits.maxReferences() + " descriptors"
                        + " together, the reader's limit (ReaderLimits.maxReferences); " + entry + " is the last read");
            }
            for (Descriptor child : parsed.children()) {
                if (!leavesOut(child) && requireBlob(child, "manifest " + d.digest())
                        && child.isManifest() && queued.add(child.digest())) {
                    if (queued.size() > limits.maxManifests()) {
                        throw refuse("more than " + limits.maxManifests() + " distinct manifests are"
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
        Catalog catalog = head.catalog();
        if (catalog == null || !catalog.differential() || blobs.contains(d.digest())
                || ABSENT_ALLOWED.contains(d.mediaType())) {
            return false;
        }
        leftOut.putIfAbsent(d.digest(), d.plain());
        return true;
    }

    /** Checks a descriptor's blob is held with its size; false when it may be absent (non-distributable). */
    private boolean requireBlob(Descriptor d, String parent) {
        TarScanner.Entry e = blobs.find(d.digest());
        if (e == null) {
            if (ABSENT_ALLOWED.contains(d.mediaType())) {
                return false;
            }
            throw refuse(parent + " names blob " + d.digest() + " (" + TarScanner.printable(d.mediaType())
                    + ") but the archive has no entry " + ArchivePlan.blobName(d) + ": the archive is incomplete");
        }
        if (e.size() != d.size()) {
            throw refuse("entry '" + e.name() + "' is " + e.size() + " bytes but " + parent
                    + " describes it as " + d.size() + " bytes");
        }
        if (d.isManifest() && d.size() > MediaTypes.MAX_MANIFEST_BYTES) {
            throw refuse("entry '" + e.name() + "' is a manifest of " + d.size() + " bytes, over the "
                    + MediaTypes.MAX_MANIFEST_BYTES + "-byte limit for manifests");
        }
        return true;
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
    private void checkShape(String entry, Descriptor d, byte[] bytes) {
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
            throw ArchiveFormatException.refused(where, entry + " is not valid JSON: " + e.getMessage(), e);
        }
        String type = TarScanner.printable(d.mediaType());
        if (!Integer.valueOf(2).equals(schemaVersion)) {
            throw refuse(entry + " declares schemaVersion "
                    + (schemaVersion == null ? "(none)" : TarScanner.printable(String.valueOf(schemaVersion)))
                    + " but is described as " + type + ", which needs schemaVersion 2 (Docker schema 1 manifests"
                    + " cannot be imported)");
        }
        if (declared != null && !declared.equals(d.mediaType())) {
            throw refuse(entry + " declares mediaType " + TarScanner.printable(declared)
                    + " but is described as " + type);
        }
        if (MediaTypes.isIndex(d.mediaType()) && (!manifestsArray || layers || config)) {
            throw refuse(entry + " is described as the index " + type
                    + (manifestsArray ? "" : " but has no 'manifests' array") + (layers ? ", has 'layers'" : "")
                    + (config ? ", has a 'config'" : "") + ": its body is not an index");
        }
    }

    private ArchiveFormatException refuse(String why) {
        return ArchiveFormatException.refused(where, why, null);
    }
}
