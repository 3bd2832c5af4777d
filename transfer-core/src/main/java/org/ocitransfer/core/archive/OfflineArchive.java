// The Java form of `transfer archive inspect|verify`: one archive in a file or a blob, inspected or verified offline.
package org.ocitransfer.core.archive;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.ocitransfer.api.archive.ArchiveInspection;
import org.ocitransfer.api.archive.ArchiveVerification;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.PartSet;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStore;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.internal.archive.ArchiveInspector;
import org.ocitransfer.core.internal.archive.ArchiveSource;
import org.ocitransfer.core.internal.archive.ArchiveVerifier;
import org.ocitransfer.core.internal.archive.ReaderLimits;

/**
 * An archive to inspect or verify with no registry: a local file, or a blob in a {@link BlobStore} (read by ranges,
 * never downloaded whole for inspection). Works on this SDK's archives and on OCI layout tars other tools write.
 *
 * <pre>{@code
 * ArchiveVerification v = OfflineArchive.of(Path.of("bundle.tar"))
 *         .verify(VerifyOptions.NONE.withExpectedCatalogDigest(run.response().catalogDigest()));
 * if (!v.whole()) { v.problems().forEach(p -> System.err.println(p.message())); }
 * }</pre>
 *
 * <p>{@link #inspect()} reads the tar's headers, index.json, catalog.json and the manifests, and throws a
 * {@link org.ocitransfer.api.TransferException} (category INVALID_INPUT) when the archive is refused.
 * {@link #verify(VerifyOptions)} reads every byte once, streaming in flat memory, and reports every problem it finds
 * instead of throwing; it throws only when the archive cannot be read at all (I/O).
 */
public final class OfflineArchive {

    private final ArchiveSource source;
    private final Function<String, Optional<ArchiveSource>> siblings;

    private OfflineArchive(ArchiveSource source, Function<String, Optional<ArchiveSource>> siblings) {
        this.source = source;
        this.siblings = siblings;
    }

    /**
     * An archive in a local file, or a part set beside that path ({@code NAME.001}, ... with their part metadata in
     * {@code .metadata/}, as a local directory container keeps them); base archives are looked for in the same
     * directory, as files or part sets.
     *
     * @throws org.ocitransfer.api.TransferException when it is neither a readable regular file nor a part set, or a
     *                                               part is missing or short (naming it)
     */
    public static OfflineArchive of(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path directory = absolute.getParent();
        String name = absolute.getFileName().toString();
        if (!Files.isRegularFile(absolute) && Files.isRegularFile(directory.resolve(PartSet.partName(name, 1)))) {
            return of(LocalDirectoryBlobStore.open(directory), name);
        }
        return new OfflineArchive(ArchiveSource.of(absolute), base -> {
            Path sibling = directory.resolve(base).normalize();
            if (!sibling.startsWith(directory)) {
                return Optional.empty();
            }
            if (Files.isRegularFile(sibling)) {
                return Optional.of(ArchiveSource.of(sibling));
            }
            return sibling(LocalDirectoryBlobStore.open(directory), directory.relativize(sibling).toString());
        });
    }

    /**
     * An archive in a container: the blob of that name, else the part set {@code NAME.001}, {@code NAME.002}, ...
     * read as one archive (as import reads it); base archives are looked for in the same container, as blobs or part
     * sets. The store stays the caller's to close.
     *
     * @throws BlobNotFoundException when there is neither a blob nor a part set of that name
     * @throws org.ocitransfer.core.blob.BlobStoreException naming the first missing or short part of a part set
     */
    public static OfflineArchive of(BlobStore store, String blobName) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(blobName, "blobName");
        return new OfflineArchive(ArchiveSource.open(store, blobName), name -> sibling(store, name));
    }

    /** A base beside the archive: a blob or a part set of that name, or empty when there is neither. */
    private static Optional<ArchiveSource> sibling(BlobStore store, String name) {
        if (store.properties(name).isEmpty() && PartSet.find(store, name).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ArchiveSource.open(store, name));
    }

    /** Where the archive is (a path or a blob URI, never a secret). */
    public String location() {
        return source.describe();
    }

    /** Lists what the archive holds: artifacts, tags, sizes, bases, parts and signature status. */
    public ArchiveInspection inspect() {
        return ArchiveInspector.inspect(source, ReaderLimits.DEFAULTS);
    }

    /** Verifies the archive alone: {@code verify(VerifyOptions.NONE)}. */
    public ArchiveVerification verify() {
        return verify(VerifyOptions.NONE);
    }

    /**
     * Verifies every byte of the archive against its digests, its layout, and what the options name; with keys, its
     * signature of the catalog digest (computed while streaming) too.
     *
     * @throws IllegalArgumentException when the expected catalog digest is not a digest
     */
    public ArchiveVerification verify(VerifyOptions options) {
        Objects.requireNonNull(options, "options");
        if (options.expectedCatalogDigest() != null) {
            Digest.parse(options.expectedCatalogDigest());
        }
        return ArchiveVerifier.verify(source, new ArchiveVerifier.Options(options.expectedCatalogDigest(),
                options.bases().stream().map(b -> b.source).toList(), options.keys(), siblings, ReaderLimits.DEFAULTS));
    }

    @Override
    public String toString() {
        return "OfflineArchive[" + source.describe() + "]";
    }
}
