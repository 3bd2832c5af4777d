// One thing archive verification found wrong, located precisely enough to find it again with dd or a hex editor.
package org.ocitransfer.api.archive;

import java.util.Objects;

/**
 * One problem found by verifying an archive.
 *
 * @param kind     what sort of problem
 * @param entry    the tar entry it concerns ({@code blobs/sha256/<hex>}, {@code catalog.json}, a base's blob name),
 *                 or null when it concerns the archive as a whole
 * @param offset   the byte offset in the archive where the entry's data starts (or where reading stopped), or -1
 *                 when no offset applies
 * @param expected what was expected (a digest, a size), or null
 * @param actual   what was found, or null
 * @param message  the whole story for people: what is wrong and what to do
 */
public record ArchiveProblem(Kind kind, String entry, long offset, String expected, String actual, String message) {

    /** The sorts of problem. */
    public enum Kind {
        /** The tar cannot be indexed at all (not a tar, a bad header, a limit exceeded): nothing else was checked. */
        UNREADABLE,
        /** The archive ends before an entry's data does. */
        TRUNCATED,
        /** An entry's bytes do not hash to the digest its name (a blob) or the catalog records. */
        DIGEST_MISMATCH,
        /** Zero padding after an entry's data holds other bytes. */
        NONZERO_PADDING,
        /** The layout breaks a rule of the format: index, catalog or manifests disagree with what is held. */
        INVALID,
        /** catalog.json's digest is not the one expected (given, or recorded by a signature). */
        CATALOG_DIGEST_MISMATCH,
        /** A base archive's catalog digest is not the one this archive records for it. */
        BASE_MISMATCH,
        /** The signature does not check out. */
        SIGNATURE
    }

    /** Kind and message are required. */
    public ArchiveProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }
}
