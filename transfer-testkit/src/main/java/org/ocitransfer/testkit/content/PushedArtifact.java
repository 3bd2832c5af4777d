package org.ocitransfer.testkit.content;

import java.util.Objects;
import org.ocitransfer.core.content.Descriptor;

/**
 * A generated artifact after it was pushed.
 *
 * @param artifact   what was pushed
 * @param repository the repository's name
 * @param tag        the tag given, or null when pushed by digest only
 */
public record PushedArtifact(GeneratedArtifact artifact, String repository, String tag) {

    /** Checks the artifact and repository are present. */
    public PushedArtifact {
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(repository, "repository");
    }

    /** The root manifest's descriptor. */
    public Descriptor root() {
        return artifact.root();
    }

    /** The tag, or the digest when untagged: what resolves to the root. */
    public String reference() {
        return tag != null ? tag : artifact.digest();
    }

    /** {@code repository:tag} or {@code repository@digest}. */
    @Override
    public String toString() {
        return tag != null ? repository + ":" + tag : repository + "@" + artifact.digest();
    }
}
