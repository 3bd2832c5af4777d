// The Java form of `transfer archive inspect|verify`: one archive in a file or a blob, inspected or verified offline.
package org.ocitransfer.core.archive;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.ocitransfer.api.archive.ArchiveInspection;
import org.ocitransfer.api.archive.ArchiveVerification;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobStore;
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
     * An archive in a local file; base archives are looked for in the same directory.
     *
     * @throws org.ocitransfer.api.TransferException when it is not a readable regular file
     */
    public static OfflineArchive of(Path file) {
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        return new OfflineArchive(ArchiveSource.of(absolute), name -> {
            Path base = directory.resolve(name).normalize();
            return base.startsWith(directory) && Files.isRegularFile(base) ? Optional.of(ArchiveSource.of(base))
                    : Optional.empty();
        });
    }

    /**
     * A blob in a container; base archives are looked for in the same container. The store stays the caller's to
     * close.
     *
     * @throws BlobNotFoundException when the blob does not exist
     */
    public static OfflineArchive of(BlobStore store, String blobName) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(blobName, "blobName");
        long size = store.properties(blobName)
                .orElseThrow(() -> new BlobNotFoundException(store.location(), blobName)).size();
        return new OfflineArchive(ArchiveSource.of(store, blobName, size), name -> store.properties(name)
                .map(item -> ArchiveSource.of(store, name, item.size())));
    }

    /** Where the archive is (a path or a blob URI, never a secret). */
    public String location() {
        return source.describe();
    }

    /** Lists what the archive holds: artifacts, tags, sizes, bases, parts and signature status. */
    public ArchiveInspection inspect() {
        return ArchiveInspector.inspect(source, ReaderLimits.DEFAULTS, List.of());
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
