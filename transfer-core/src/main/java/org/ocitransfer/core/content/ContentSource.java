package org.ocitransfer.core.content;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The body of a push: something that can be opened as a stream, and perhaps opened again for a retry. A push that
 * fails part-way is retried only when {@link #replayable()} is true; a one-shot body is never silently retried.
 */
public interface ContentSource {

    /** Opens the content from its first byte. */
    InputStream open() throws IOException;

    /** Whether {@link #open()} may be called again, giving the same bytes. */
    boolean replayable();

    /** Bytes held in memory (manifests): replayable. */
    static ContentSource of(byte[] bytes) {
        return new ContentSource() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public boolean replayable() {
                return true;
            }
        };
    }

    /** A stream that can be read once: not replayable. */
    static ContentSource once(InputStream stream) {
        AtomicBoolean opened = new AtomicBoolean();
        return new ContentSource() {
            @Override
            public InputStream open() throws IOException {
                if (opened.getAndSet(true)) {
                    throw new IOException("This content is a one-shot stream and was already read");
                }
                return stream;
            }

            @Override
            public boolean replayable() {
                return false;
            }
        };
    }

    /** Content that can be opened again by calling the opener (a file region, a ranged read): replayable. */
    static ContentSource reopenable(IoSupplier opener) {
        return new ContentSource() {
            @Override
            public InputStream open() throws IOException {
                return opener.get();
            }

            @Override
            public boolean replayable() {
                return true;
            }
        };
    }

    /** Opens a stream; may throw IOException. */
    @FunctionalInterface
    interface IoSupplier {
        /** A new stream over the content. */
        InputStream get() throws IOException;
    }
}
