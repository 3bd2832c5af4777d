// What `transfer archive verify` found: every entry hashed, the catalog, the base chain and the signature.
package org.ocitransfer.api.archive;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of verifying an archive with no registry: every entry's bytes hashed against its digest, the
 * layout's consistency (index, catalog, manifests), the catalog digest (when one is expected), the base chain and
 * the signature. The archive is whole exactly when {@link #problems()} is empty.
 *
 * @param archive         the archive's file path or blob URI (never a secret)
 * @param size            the archive's size in bytes
 * @param catalogDigest   {@code sha256:<hex>} of catalog.json as read, or null when it has none or it was unreadable
 * @param bytesVerified   the bytes read and hashed
 * @param entriesVerified the entries whose data was hashed
 * @param signature       the signature's status
 * @param bases           each base the catalog records and what checking it found
 * @param problems        everything found wrong, in archive order where it has one; empty when the archive is whole
 * @param notes           what was not checked and why (no expected catalog digest given, a base not available)
 */
public record ArchiveVerification(String archive, long size, String catalogDigest, long bytesVerified,
                                  int entriesVerified, SignatureStatus signature, List<BaseCheck> bases,
                                  List<ArchiveProblem> problems, List<String> notes) {

    /** Copies the lists. */
    public ArchiveVerification {
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(signature, "signature");
        bases = List.copyOf(bases);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    /** Whether the archive is whole: no problem was found. */
    public boolean whole() {
        return problems.isEmpty();
    }

    /**
     * A base archive of the chain and what checking it found.
     *
     * @param blob          the base's blob name, as recorded
     * @param catalogDigest the catalog digest recorded for it
     * @param status        what checking it found
     */
    public record BaseCheck(String blob, String catalogDigest, BaseStatus status) {
    }

    /** What checking a base found. */
    public enum BaseStatus {
        /** The base was available and its catalog digest is the recorded one. */
        MATCHES,
        /** The base was available but its catalog digest differs (a problem is listed). */
        MISMATCH,
        /** The base was neither given nor found beside the archive: not checked. */
        NOT_AVAILABLE
    }
}
