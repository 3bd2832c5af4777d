package org.ocitransfer.testkit.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;

/**
 * One piece of generated content (a layer, a config, a manifest) and a way to read its bytes again: small pieces
 * are held in memory, large layers are regenerated from their seed on every {@link ContentSource#open()}.
 *
 * @param descriptor what it is
 * @param source     its bytes, replayable
 */
public record GeneratedContent(Descriptor descriptor, ContentSource source) {

    /** Checks both are present. */
    public GeneratedContent {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(source, "source");
    }

    /** Whether this is a manifest or index (by media type). */
    public boolean isManifest() {
        return descriptor.isManifest();
    }

    /**
     * Reads all the bytes: meant for manifests and small blobs.
     *
     * @throws IllegalStateException for content over 16 MiB (stream it with {@code source().open()} instead)
     */
    public byte[] bytes() {
        if (descriptor.size() > 16L * 1024 * 1024) {
            throw new IllegalStateException("Content " + descriptor + " is too large to read into memory: stream it"
                    + " with source().open()");
        }
        try (InputStream in = source.open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read generated content " + descriptor.digest(), e);
        }
    }
}
