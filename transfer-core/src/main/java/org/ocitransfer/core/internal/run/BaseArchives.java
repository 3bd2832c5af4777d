// The base archives of a differential export: their catalogs read by range, and what they hold together.
package org.ocitransfer.core.internal.run;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.internal.archive.ArchiveFormatException;
import org.ocitransfer.core.internal.archive.ArchiveHead;
import org.ocitransfer.core.internal.archive.ArchiveSource;
import org.ocitransfer.core.internal.archive.Catalog;
import org.ocitransfer.core.internal.archive.ReaderLimits;

/**
 * The earlier archives a differential export names as its bases, each a blob of the export's own container read by
 * its head only ({@link ArchiveHead}: a few ranged reads, never the blobs' data); a base may be a part set, opened
 * as import opens one ({@link ArchiveSource#open}).
 *
 * @param bases what the new catalog records of each, in the order named
 * @param held  the digest of every blob and manifest any of them holds: the new archive leaves these out
 */
record BaseArchives(List<Catalog.Base> bases, Set<String> held) {

    /** A whole archive's: no base. */
    static final BaseArchives NONE = new BaseArchives(List.of(), Set.of());

    BaseArchives {
        bases = List.copyOf(bases);
        held = Set.copyOf(held);
    }

    /**
     * Reads the bases' catalogs.
     *
     * @param store  the export's container (a base must be in it)
     * @param names  the base blobs' names (a full blob URI of this container is accepted too)
     * @param target the blob the export writes (which cannot be its own base)
     * @throws IllegalArgumentException when a base is named twice, is the target, or is in another container
     * @throws BlobStoreException       when a base does not exist (category NOT_FOUND)
     * @throws ArchiveFormatException   when a base is not a transfer archive with a catalog
     */
    static BaseArchives read(BlobStore store, List<String> names, String target) {
        if (names.isEmpty()) {
            return NONE;
        }
        List<Catalog.Base> bases = new ArrayList<>();
        Set<String> held = new HashSet<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String named : names) {
            String name = inContainer(store, named);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("Base archive " + name + " is named twice: name each base once");
            }
            if (name.equals(target)) {
                throw new IllegalArgumentException("Base archive " + name + " is the blob this export writes: an"
                        + " archive cannot be its own base; name an earlier export's blob");
            }
            ArchiveHead head;
            try {
                head = ArchiveHead.read(ArchiveSource.open(store, name), ReaderLimits.DEFAULTS);
            } catch (BlobNotFoundException missing) {
                throw new BlobStoreException("Base archive " + name + " cannot be used: " + missing.getMessage(),
                        missing, ErrorCategory.NOT_FOUND);
            } catch (BlobStoreException e) {
                throw new BlobStoreException("Base archive " + name + " cannot be used: " + e.getMessage(), e,
                        e.category());
            } catch (ArchiveFormatException e) {
                throw new ArchiveFormatException("Base archive " + name + " cannot be used: " + e.getMessage()
                        + ". A base must be a transfer archive this SDK exported into this container.", e);
            }
            bases.add(new Catalog.Base(name, head.catalogDigest()));
            held.addAll(head.heldDigests());
        }
        return new BaseArchives(bases, held);
    }

    /** The blob name within the container: a plain name, or a blob URI of this container. */
    private static String inContainer(BlobStore store, String named) {
        String probe = store.blobUri("x");
        String prefix = probe.substring(0, probe.length() - 1);
        if (named.startsWith(prefix) && named.length() > prefix.length()) {
            return named.substring(prefix.length());
        }
        if (named.isBlank() || named.contains("://")) {
            throw new IllegalArgumentException("Base archive '" + named + "' is not a blob of the export's container "
                    + store.location() + ": a base must be an earlier archive in the same container (copy it there"
                    + " first, e.g. with `transfer blob copy`)");
        }
        return named;
    }
}
