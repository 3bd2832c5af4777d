package org.ocitransfer.core.registry;

import java.io.IOException;
import java.io.InputStream;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;

/**
 * One repository of a registry, in the spirit of oras-go's Target: content addressed by descriptor, tags that
 * resolve to descriptors. Optional abilities are separate interfaces a repository may also implement, discovered
 * at run time: {@link ReferrersSupport}, {@link MountSupport}, {@link TagListSupport}.
 *
 * <p>Errors are {@link RegistryException}s naming the repository, the content and what to do.
 */
public interface Repository {

    /** The repository's name, for example {@code team/app}. */
    String name();

    /** The registry's location, for messages. */
    String registryLocation();

    /**
     * Resolves a tag or a digest to the descriptor of the manifest it names (media type from the registry).
     *
     * @throws RegistryException with reason NOT_FOUND when there is none
     */
    Descriptor resolve(String reference);

    /**
     * Opens content by descriptor: a blob, or a manifest by digest. The stream verifies size and digest while it is
     * read; a caller that reads to the end has verified content. The caller closes it.
     *
     * @throws RegistryException with reason NOT_FOUND when it is missing
     */
    InputStream fetch(Descriptor descriptor);

    /** Whether the repository holds this content (a manifest or a blob, by its media type). */
    boolean exists(Descriptor descriptor);

    /**
     * Pushes content that must match {@code expected} (size and digest, checked while it streams; a mismatch
     * fails the push and leaves nothing behind). A manifest (by media type) is stored byte for byte with its own
     * media type, by digest, untagged.
     */
    void push(Descriptor expected, ContentSource content);

    /** Points a tag at a manifest the repository already holds. */
    void tag(Descriptor manifest, String tag);

    /** Reads a whole manifest (at most 4 MiB), verified. */
    default byte[] fetchManifest(Descriptor descriptor) {
        if (descriptor.size() > MediaTypes.MAX_MANIFEST_BYTES) {
            throw new RegistryException(RegistryException.Reason.INVALID, "Manifest " + descriptor.digest()
                    + " in " + registryLocation() + "/" + name() + " is " + descriptor.size()
                    + " bytes, over the 4 MiB limit for manifests");
        }
        try (InputStream in = fetch(descriptor)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw RegistryException.fromIo("fetch manifest " + descriptor.digest(), registryLocation() + "/" + name(), e);
        }
    }
}
