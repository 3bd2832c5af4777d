package org.ocitransfer.core.internal.archive;

import java.util.Objects;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.core.content.Descriptor;

/**
 * One artifact named in the archive's {@code index.json}: the reference it was exported from and its resolved root
 * (an image manifest, an index or any OCI artifact manifest).
 *
 * @param source the source reference; {@link ArtifactRef#shortName()} becomes {@code org.opencontainers.image.ref.name}
 *               and {@link ArtifactRef#toString()} becomes {@code io.containerd.image.name}
 * @param root   the resolved root descriptor
 */
public record ArchivedArtifact(ArtifactRef source, Descriptor root) {

    /** Both parts are required. */
    public ArchivedArtifact {
        Objects.requireNonNull(source, "archived artifact source");
        Objects.requireNonNull(root, "archived artifact root descriptor");
    }
}
