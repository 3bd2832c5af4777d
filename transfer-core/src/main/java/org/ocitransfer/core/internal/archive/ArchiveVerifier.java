// `transfer archive verify` and OfflineArchive.verify(): every byte of an archive checked with no registry at all.
package org.ocitransfer.core.internal.archive;

import java.security.PublicKey;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.ocitransfer.api.archive.ArchiveProblem;
import org.ocitransfer.api.archive.ArchiveVerification;
import org.ocitransfer.api.archive.SignatureStatus;
import org.ocitransfer.core.signing.CatalogSignatures;
import org.ocitransfer.core.signing.SignatureCheck;
import org.ocitransfer.core.blob.BlobStoreException;

/**
 * Verifies an archive offline, reporting every problem rather than stopping at the first: the tar is indexed by its
 * headers; one sequential pass hashes every entry against its digest ({@link EntryDigestPass}); {@link ArchiveReader}
 * checks the layout (index, catalog, every manifest and the blobs it names); catalog.json's digest is compared with
 * the expected one when given; the signature is checked over that digest with the keys given; each base the catalog records is compared with the base archive when it is given or
 * found beside the archive. Memory stays flat: headers are indexed within {@link ReaderLimits}, data streams through
 * a fixed buffer.
 */
public final class ArchiveVerifier {

    /**
     * What to verify against.
     *
     * @param expectedCatalogDigest the catalog digest the archive must have (an export run's), or null
     * @param bases                 base archives given explicitly
     * @param keys                  verify keys any one of which must have signed the archive; empty: only say
     *                              whether it is signed
     * @param siblings              finds an archive by blob name beside the verified one (its container or
     *                              directory); empty when there is none
     * @param limits                the reader's limits
     */
    public record Options(String expectedCatalogDigest, List<ArchiveSource> bases, List<PublicKey> keys,
                          Function<String, Optional<ArchiveSource>> siblings, ReaderLimits limits) {

        /** Copies the lists. */
        public Options {
            bases = List.copyOf(bases);
            keys = List.copyOf(keys);
            Objects.requireNonNull(siblings, "siblings");
            Objects.requireNonNull(limits, "limits");
        }
    }

    private ArchiveVerifier() {
    }

    /** Verifies the archive; never throws for a fault of the archive (it becomes a problem), only for I/O errors. */
    public static ArchiveVerification verify(ArchiveSource source, Options options) {
        List<ArchiveProblem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<TarScanner.Entry> entries;
        byte[] signature;
        try {
            TarScanner.Result scan = TarScanner.scan(source, options.limits(),
                    Map.of(CatalogSignatures.ENTRY, CatalogSignatures.MAX_BYTES));
            entries = scan.entries();
            signature = scan.captured().get(CatalogSignatures.ENTRY);
        } catch (ArchiveFormatException e) {
            ArchiveProblem.Kind kind = e.getMessage().contains("truncated") ? ArchiveProblem.Kind.TRUNCATED
                    : ArchiveProblem.Kind.UNREADABLE;
            problems.add(new ArchiveProblem(kind, null, -1, null, null, e.getMessage()));
            notes.add("the tar could not be indexed, so no entry was hashed");
            return new ArchiveVerification(source.describe(), source.size(), null, 0, 0, SignatureStatus.UNSIGNED,
                    List.of(), problems, notes);
        }
        String[] catalogDigest = {null};
        Set<String> damaged = new HashSet<>();
        EntryDigestPass.Totals totals = EntryDigestPass.run(source, entries, new EntryDigestPass.Listener() {
            @Override
            public void hashed(TarScanner.Entry entry, String digest) {
                if (entry.name().equals(ArchivePlan.CATALOG_JSON)) {
                    catalogDigest[0] = digest;
                }
            }

            @Override
            public void problem(ArchiveProblem problem) {
                problems.add(problem);
                if (problem.entry() != null) {
                    damaged.add(problem.entry());
                }
            }
        });
        boolean truncated = problems.stream().anyMatch(p -> p.kind() == ArchiveProblem.Kind.TRUNCATED);
        if (!truncated) {
            checkLayout(source, options.limits(), damaged, problems);
        }
        Optional<TarScanner.Entry> catalog = entries.stream()
                .filter(e -> !e.directory() && e.name().equals(ArchivePlan.CATALOG_JSON)).findFirst();
        checkCatalogDigest(options.expectedCatalogDigest(), catalog, catalogDigest[0], problems, notes);
        SignatureStatus signatureStatus = checkSignature(catalogDigest[0], signature, options.keys(), problems,
                notes);
        List<ArchiveVerification.BaseCheck> bases = List.of();
        if (catalog.isPresent() && !truncated) {
            try {
                bases = BaseChain.check(recordedBases(source, catalog.get(), options.limits()), options, problems,
                        notes);
            } catch (ArchiveFormatException e) {
                // The layout check may have refused catalog.json already: one problem is enough.
                if (problems.stream().noneMatch(p -> p.message().contains("'" + ArchivePlan.CATALOG_JSON + "'"))) {
                    problems.add(new ArchiveProblem(ArchiveProblem.Kind.INVALID, ArchivePlan.CATALOG_JSON,
                            catalog.get().dataOffset(), null, null, e.getMessage()));
                }
            }
        }
        return new ArchiveVerification(source.describe(), source.size(), catalogDigest[0], totals.bytes(),
                totals.entries(), signatureStatus, bases, problems, notes);
    }

    /** The bases the archive's catalog.json records (its other fields are the layout check's). */
    private static List<Catalog.Base> recordedBases(ArchiveSource source, TarScanner.Entry catalog,
                                                    ReaderLimits limits) {
        String refused = "Archive " + source.describe() + " is refused: entry 'catalog.json' ";
        if (catalog.size() > limits.maxCatalogBytes()) {
            throw new ArchiveFormatException(refused + "is " + catalog.size() + " bytes, over the "
                    + limits.maxCatalogBytes() + "-byte limit (ReaderLimits.maxCatalogBytes)");
        }
        try (InputStream in = source.open(catalog.dataOffset(), catalog.size())) {
            return Catalog.read(in, Catalog.ItemCheck.ANY).bases();
        } catch (IOException | IllegalArgumentException e) {
            throw new ArchiveFormatException(refused + "cannot be read: " + e.getMessage(), e);
        }
    }

    /** The reader's checks; a refusal about an entry already found damaged adds nothing and is left out. */
    private static void checkLayout(ArchiveSource source, ReaderLimits limits, Set<String> damaged,
                                    List<ArchiveProblem> problems) {
        try {
            ArchiveReader.open(source, limits);
        } catch (ArchiveFormatException e) {
            if (damaged.stream().noneMatch(name -> e.getMessage().contains(name))) {
                problems.add(new ArchiveProblem(ArchiveProblem.Kind.INVALID, null, -1, null, null, e.getMessage()));
            }
        }
    }

    private static void checkCatalogDigest(String expected, Optional<TarScanner.Entry> catalog, String actual,
                                           List<ArchiveProblem> problems, List<String> notes) {
        if (expected == null) {
            notes.add(catalog.isEmpty() ? "no catalog.json (another tool wrote this OCI layout tar): every blob was"
                    + " checked against its digest, and the layout for consistency"
                    : "catalog digest " + actual + " was not compared with an expected one: give the export run's"
                    + " catalogDigest (--catalog-digest) to check catalog.json itself");
            return;
        }
        if (catalog.isEmpty()) {
            problems.add(new ArchiveProblem(ArchiveProblem.Kind.CATALOG_DIGEST_MISMATCH, null, -1, expected, null,
                    "the archive has no catalog.json, so it cannot have the expected catalog digest " + expected
                            + ": it is not the archive the export wrote"));
        } else if (actual != null && !expected.equals(actual)) {
            problems.add(new ArchiveProblem(ArchiveProblem.Kind.CATALOG_DIGEST_MISMATCH, ArchivePlan.CATALOG_JSON,
                    catalog.get().dataOffset(), expected, actual, "entry 'catalog.json' (data at byte offset "
                    + catalog.get().dataOffset() + ") hashes to " + actual + " but " + expected + " was expected:"
                    + " it is not the archive the export wrote, or catalog.json was altered"));
        }
    }

    /**
     * The signature of the catalog digest the pass computed, checked with the keys: a signature that does not verify,
     * or no signature although keys were given, is a {@link ArchiveProblem.Kind#SIGNATURE} problem.
     */
    private static SignatureStatus checkSignature(String catalogDigest, byte[] signature, List<PublicKey> keys,
                                                  List<ArchiveProblem> problems, List<String> notes) {
        if (signature != null && catalogDigest == null && !keys.isEmpty()) {
            problems.add(new ArchiveProblem(ArchiveProblem.Kind.SIGNATURE, CatalogSignatures.ENTRY, -1, null, null,
                    "the archive has a " + CatalogSignatures.ENTRY + " entry but no readable catalog.json for it to"
                            + " sign: it was not written by a signing export, or it was altered"));
            return SignatureStatus.INVALID;
        }
        SignatureCheck check = CatalogSignatures.check(catalogDigest, signature, keys);
        switch (check.status()) {
            case VALID -> {
                notes.add("signature: " + check.reason());
                return SignatureStatus.VERIFIED;
            }
            case INVALID -> {
                problems.add(new ArchiveProblem(ArchiveProblem.Kind.SIGNATURE, CatalogSignatures.ENTRY, -1, null,
                        null, "the signature does not check out: " + check.reason()));
                return SignatureStatus.INVALID;
            }
            case SIGNED -> {
                notes.add("signature not checked: " + check.reason() + " (--key)");
                return SignatureStatus.SIGNED_NOT_VERIFIED;
            }
            default -> {
                if (!keys.isEmpty()) {
                    problems.add(new ArchiveProblem(ArchiveProblem.Kind.SIGNATURE, null, -1, null, null,
                            "keys given but the archive is unsigned: " + check.reason() + "; it cannot be the"
                                    + " signed archive expected"));
                }
                return SignatureStatus.UNSIGNED;
            }
        }
    }

    /** The base chain: each recorded base compared with the base archive, when it is given or found. */
    private static final class BaseChain {

        static List<ArchiveVerification.BaseCheck> check(List<Catalog.Base> recorded, Options options,
                                                         List<ArchiveProblem> problems, List<String> notes) {
            Map<String, ArchiveSource> given = new LinkedHashMap<>();
            for (ArchiveSource base : options.bases()) {
                digestOf(base, base.describe(), null, options.limits(), problems)
                        .ifPresent(digest -> given.put(digest, base));
            }
            List<ArchiveVerification.BaseCheck> checks = new ArrayList<>();
            Set<String> recordedDigests = new HashSet<>();
            for (Catalog.Base base : recorded) {
                String shown = TarScanner.printable(base.blob());
                recordedDigests.add(base.catalogDigest());
                ArchiveVerification.BaseStatus status;
                if (given.containsKey(base.catalogDigest())) {
                    status = ArchiveVerification.BaseStatus.MATCHES;
                } else {
                    Optional<ArchiveSource> beside;
                    try {
                        beside = options.siblings().apply(base.blob());
                    } catch (BlobStoreException e) {
                        problems.add(new ArchiveProblem(ArchiveProblem.Kind.BASE_MISMATCH, shown, -1,
                                base.catalogDigest(), null, "base " + shown + " beside the archive cannot be read: "
                                + e.getMessage()));
                        checks.add(new ArchiveVerification.BaseCheck(shown, base.catalogDigest(),
                                ArchiveVerification.BaseStatus.MISMATCH));
                        continue;
                    }
                    Optional<String> actual = beside.flatMap(s -> digestOf(s, shown, base.catalogDigest(),
                            options.limits(), problems));
                    if (beside.isEmpty()) {
                        status = ArchiveVerification.BaseStatus.NOT_AVAILABLE;
                        notes.add("base " + shown + " (" + base.catalogDigest() + ") was neither given (--base)"
                                + " nor found beside the archive: not checked");
                    } else if (actual.isEmpty()) {
                        status = ArchiveVerification.BaseStatus.MISMATCH; // unreadable: the problem is listed
                    } else if (actual.get().equals(base.catalogDigest())) {
                        status = ArchiveVerification.BaseStatus.MATCHES;
                    } else {
                        status = ArchiveVerification.BaseStatus.MISMATCH;
                        problems.add(new ArchiveProblem(ArchiveProblem.Kind.BASE_MISMATCH, shown, -1,
                                base.catalogDigest(), actual.get(), "base " + shown + " beside the"
                                + " archive has catalog digest " + actual.get() + " but the archive was"
                                + " made against " + base.catalogDigest() + ": the base was replaced or altered"));
                    }
                }
                checks.add(new ArchiveVerification.BaseCheck(shown, base.catalogDigest(), status));
            }
            given.forEach((digest, base) -> {
                if (!recordedDigests.contains(digest)) {
                    problems.add(new ArchiveProblem(ArchiveProblem.Kind.BASE_MISMATCH, base.describe(), -1, null,
                            digest, "base " + base.describe() + " (catalog digest " + digest + ") was given, but the"
                            + " archive was not made against it" + (recorded.isEmpty() ? " (it records no base)"
                            : " (it records " + recorded.stream().map(Catalog.Base::catalogDigest).toList()
                            + ")")));
                }
            });
            return checks;
        }

        private static Optional<String> digestOf(ArchiveSource base, String name, String expected,
                                                 ReaderLimits limits, List<ArchiveProblem> problems) {
            try {
                return Optional.of(ArchiveHead.read(base, limits).catalogDigest());
            } catch (ArchiveFormatException e) {
                problems.add(new ArchiveProblem(ArchiveProblem.Kind.BASE_MISMATCH, name, -1, expected, null,
                        "base " + name + " cannot be read: " + e.getMessage()));
                return Optional.empty();
            }
        }
    }
}
