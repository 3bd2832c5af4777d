package org.ocitransfer.testkit.content;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.ReferrersSupport;
import org.ocitransfer.core.registry.Repository;

/**
 * What a {@link ContentGenerator} made: a root manifest (image, index, artifact or referrer) and everything it
 * needs, in push order (blobs before the manifests that name them, children before parents, the root last).
 *
 * @param root     the root manifest's descriptor (plain: media type, digest, size, and artifact type if any)
 * @param contents every piece, without duplicates, in push order; the last one is the root
 * @param children the child artifacts of an index (empty otherwise)
 * @param subject  the manifest a referrer refers to, or null
 * @param platform the platform of an image ({@code os}, {@code architecture}, maybe {@code variant}), or null
 */
public record GeneratedArtifact(Descriptor root, List<GeneratedContent> contents, List<GeneratedArtifact> children,
                                Descriptor subject, Map<String, Object> platform) {

    /** Copies the lists; checks the root is last. */
    public GeneratedArtifact {
        Objects.requireNonNull(root, "root");
        contents = List.copyOf(contents);
        children = List.copyOf(children);
        platform = platform == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(platform));
        if (contents.isEmpty() || !contents.get(contents.size() - 1).descriptor().equals(root)) {
            throw new IllegalArgumentException("The root manifest must be the last content pushed");
        }
    }

    /** The root manifest's exact bytes. */
    public byte[] rootBytes() {
        return contents.get(contents.size() - 1).bytes();
    }

    /** The root's digest. */
    public String digest() {
        return root.digest();
    }

    /** Every manifest (children first, the root last). */
    public List<Descriptor> manifests() {
        return contents.stream().filter(GeneratedContent::isManifest).map(GeneratedContent::descriptor).toList();
    }

    /** Every blob that is not a manifest (configs and layers), each once. */
    public List<Descriptor> blobs() {
        return contents.stream().filter(c -> !c.isManifest()).map(GeneratedContent::descriptor).toList();
    }

    /** Every descriptor, in push order. */
    public List<Descriptor> descriptors() {
        return contents.stream().map(GeneratedContent::descriptor).toList();
    }

    /** The root descriptor with this artifact's platform, as an index lists it. */
    public Descriptor rootWithPlatform() {
        return new Descriptor(root.mediaType(), root.digest(), root.size(), null, null, platform,
                root.artifactType());
    }

    /**
     * Pushes everything into the repository (what it already holds is skipped), children before parents, then
     * records a referrer with {@link ReferrersSupport#addReferrer} when the repository can, then tags the root.
     *
     * @param tag the tag, or null to push by digest only
     */
    public PushedArtifact pushTo(Repository repository, String tag) {
        for (GeneratedContent content : contents) {
            if (!repository.exists(content.descriptor())) {
                repository.push(content.descriptor(), content.source());
            }
        }
        if (subject != null && repository instanceof ReferrersSupport referrers) {
            referrers.addReferrer(subject, root);
        }
        if (tag != null) {
            repository.tag(root, tag);
        }
        return new PushedArtifact(this, repository.name(), tag);
    }

    /** Pushes everything, untagged: the artifact is reachable by digest only. */
    public PushedArtifact pushTo(Repository repository) {
        return pushTo(repository, null);
    }
}
