// What an archive holds, as `transfer archive inspect` shows it: read from its headers, index and catalog only.
package org.ocitransfer.api.archive;

import java.util.List;
import java.util.Objects;

/**
 * What an archive holds. Inspection reads the tar's headers, index.json, catalog.json and the manifests; it does
 * not hash the layers (that is {@link ArchiveVerification}'s job).
 *
 * @param archive        the archive's file path or blob URI (never a secret)
 * @param size           the archive's size in bytes (all parts together for a part set)
 * @param catalogDigest  {@code sha256:<hex>} of catalog.json, or null when the archive has none (another tool wrote
 *                       it)
 * @param pipeline       the export pipeline that wrote it, or null without a catalog
 * @param run            the pipeline run that wrote it, or null without a catalog
 * @param sourceRegistry the registry its artifacts came from, or null without a catalog
 * @param artifacts      every artifact index.json names, in its order
 * @param blobCount      how many blobs the archive holds
 * @param uniqueBytes    the bytes of those blobs together (each digest once)
 * @param bases          the base archives a differential archive leaves content to, in the catalog's order; empty
 *                       for a whole archive
 * @param parts          the blobs of a part set in order; empty when the archive is one blob or file
 * @param signature      whether it is signed
 * @param notes          what the archive lacks or what a reader must know (no catalog, tag-only names), for people
 */
public record ArchiveInspection(String archive, long size, String catalogDigest, String pipeline, String run,
                                String sourceRegistry, List<Artifact> artifacts, int blobCount, long uniqueBytes,
                                List<Base> bases, List<Part> parts, SignatureStatus signature, List<String> notes) {

    /** Copies the lists. */
    public ArchiveInspection {
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(signature, "signature");
        artifacts = List.copyOf(artifacts);
        bases = List.copyOf(bases);
        parts = List.copyOf(parts);
        notes = List.copyOf(notes);
    }

    /**
     * One artifact of the archive.
     *
     * @param name      its {@code org.opencontainers.image.ref.name} ({@code repo:tag}, {@code repo@sha256:...}, or
     *                  only a tag in other tools' archives), or null when index.json gives none
     * @param tag       the tag it is imported under, or null when it is named by digest or not at all
     * @param reference its full source reference ({@code io.containerd.image.name}), or null
     * @param digest    its root manifest's digest
     * @param mediaType its root manifest's media type
     * @param size      the bytes of its whole graph (root, children, configs, layers; each digest once)
     * @param blobs     how many blobs its graph holds
     */
    public record Artifact(String name, String tag, String reference, String digest, String mediaType, long size,
                           int blobs) {
    }

    /**
     * A base archive a differential archive was made against.
     *
     * @param blob          the base's blob name, as the export named it
     * @param catalogDigest the base's catalog digest, as recorded when this archive was written
     */
    public record Base(String blob, String catalogDigest) {
    }

    /**
     * One blob of a part set.
     *
     * @param blob its name ({@code NAME.001}, ...)
     * @param size its size in bytes
     */
    public record Part(String blob, long size) {
    }
}
