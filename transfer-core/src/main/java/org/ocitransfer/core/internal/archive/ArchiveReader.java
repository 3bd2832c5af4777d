// Reads and checks a transfer archive or any OCI-layout tar, then serves its manifests and blobs, verified.
package org.ocitransfer.core.internal.archive;

import java.io.InputStream;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Manifests;
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
 * import to find in the target. The layers' content is verified as it is streamed by {@link #open(Descriptor)}.
 * Every refusal is an {@link ArchiveFormatException} naming the archive, the entry and the rule.
 *
 * <p>Thread-safe once opened: it holds no open stream, each blob read opens its own range of the source.
 *
 * <p>The facade of three parts: {@link LayoutHead} reads and checks the head, {@link ManifestGraphCheck} walks the
 * graphs, {@link ArchiveEntries} reads the blobs.
 */
public final class ArchiveReader implements AutoCloseable {

    private final ArchiveSource source;
    private final LayoutHead head;
    private final ArchiveEntries entries;
    private final ManifestGraphCheck graphs;

    private ArchiveReader(ArchiveSource source, LayoutHead head, ManifestGraphCheck graphs) {
        this.source = source;
        this.head = head;
        this.entries = head.entries();
        this.graphs = graphs;
    }

    /** Opens and checks an archive with the {@link ReaderLimits#DEFAULTS default limits}. */
    public static ArchiveReader open(ArchiveSource source) {
        return open(source, ReaderLimits.DEFAULTS);
    }

    /**
     * Opens and checks an archive: its head ({@link LayoutHead}), then its manifests' graphs
     * ({@link ManifestGraphCheck}).
     *
     * @throws ArchiveFormatException when the archive is refused; the message names the archive, entry and rule
     */
    public static ArchiveReader open(ArchiveSource source, ReaderLimits limits) {
        LayoutHead head = LayoutHead.read(source, limits);
        return new ArchiveReader(source, head, ManifestGraphCheck.check(source.describe(), head, limits));
    }

    /**
     * What a manifest reachable from index.json points at, as read (and verified) when the archive was opened: no
     * read happens here. Its descriptors are plain (no annotations or platform) and shared between manifests.
     *
     * @throws ArchiveFormatException when the manifest is not reachable from index.json
     */
    public Manifests.Parsed parsed(Descriptor manifest) {
        Manifests.Parsed parsed = graphs.manifests().get(manifest.digest());
        if (parsed == null) {
            throw ArchiveFormatException.refused(source.describe(), "manifest " + manifest.digest()
                    + " is not reachable from index.json", null);
        }
        return parsed;
    }

    /**
     * What this differential archive leaves out because its bases (the catalog's {@code bases}) hold it: every
     * manifest and blob reachable from index.json that the archive lacks, in the order met; nothing under a manifest
     * left out is listed (the target has it whole when it has that manifest). Empty for a whole archive.
     */
    public Map<String, Descriptor> leftOut() {
        return graphs.leftOut();
    }

    /** Every artifact index.json names, in its order. */
    public List<IndexEntry> index() {
        return head.index();
    }

    /** The catalog, when the archive has one (archives this SDK wrote). */
    public Optional<Catalog> catalog() {
        return Optional.ofNullable(head.catalog());
    }

    /** {@code sha256:<hex>} of catalog.json's bytes, when the archive has one. */
    public Optional<String> catalogDigest() {
        return Optional.ofNullable(head.catalogDigest());
    }

    /** The bytes of the {@code catalog.json.sig} entry (a copy), when the archive is signed. */
    public Optional<byte[]> signature() {
        return Optional.ofNullable(head.signature()).map(byte[]::clone);
    }

    /**
     * What the archive's signature says: unsigned, signed (no keys given), or valid or invalid with the keys (any one
     * of which may have signed it). This is the check an import pipeline with verify keys makes before it writes
     * anything, and what {@code transfer archive inspect|verify} reports.
     */
    public SignatureCheck checkSignature(List<PublicKey> keys) {
        return CatalogSignatures.check(head.catalogDigest(), head.signature(), keys);
    }

    /** Whether the archive holds the blob. */
    public boolean contains(String digest) {
        return entries.contains(digest);
    }

    /** Bytes read while indexing the tar's headers (blob data is skipped, so this stays small). */
    public long bytesScanned() {
        return head.bytesScanned();
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
        return entries.open(d);
    }

    /**
     * Where a blob's data starts in the archive ({@code size} bytes from there), for a caller that reads the range
     * from {@link #source()} itself and has the bytes verified elsewhere (a registry push checks size and digest as
     * it streams), so they are not hashed twice.
     *
     * @throws ArchiveFormatException when the archive does not hold the blob with that size
     */
    public long dataOffset(Descriptor d) {
        return entries.dataOffset(d);
    }

    /** The blob as a replayable push body: each open reads its range again, verified. */
    public ContentSource contentSource(Descriptor d) {
        return entries.contentSource(d);
    }

    /**
     * Reads a manifest (at most 4 MiB), verified.
     *
     * @throws ArchiveFormatException when it is absent, too large, or its bytes do not match the descriptor
     */
    public byte[] readManifest(Descriptor d) {
        return entries.readManifest(d);
    }

    /** Holds no open resources (each read opens its own range): nothing to release. */
    @Override
    public void close() {
        // Nothing is held open between calls.
    }
}
