package org.ocitransfer.core.internal.archive;

import java.util.Objects;
import org.ocitransfer.core.registry.layout.LayoutIndex;
import org.ocitransfer.core.content.Descriptor;

/**
 * An artifact named by an archive's {@code index.json}.
 *
 * @param descriptor its root descriptor, as index.json lists it (annotations included)
 * @param refName    its {@code org.opencontainers.image.ref.name}: {@code repo:tag}, {@code repo@sha256:...} in our
 *                   archives, often only a tag in other tools' archives (the caller then names the repository), or
 *                   null when absent
 * @param imageName  its {@code io.containerd.image.name} (the full source reference), or null when absent
 */
public record IndexEntry(Descriptor descriptor, String refName, String imageName) {

    /** The annotation holding the reference name. */
    public static final String REF_NAME = LayoutIndex.REF_NAME;
    /** The annotation holding the full image name (containerd's). */
    public static final String IMAGE_NAME = LayoutIndex.IMAGE_NAME;

    /** The descriptor is required. */
    public IndexEntry {
        Objects.requireNonNull(descriptor, "index entry descriptor");
    }

    /** Its name in messages and results: the ref.name, else the root's digest. */
    public String label() {
        return refName != null ? refName : descriptor.digest();
    }

    /** Whether the ref.name holds only a tag (no repository): the caller must name the target repository. */
    public boolean tagOnly() {
        return refName != null && refName.indexOf(':') < 0 && refName.indexOf('/') < 0 && refName.indexOf('@') < 0;
    }
}
