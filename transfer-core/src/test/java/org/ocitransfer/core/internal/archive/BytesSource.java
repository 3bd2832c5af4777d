// An archive held in memory, for the archive tests and the archive reader's fuzz test.
package org.ocitransfer.core.internal.archive;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** An archive held in memory, for tests. */
public final class BytesSource implements ArchiveSource {

    private final String name;
    private final byte[] bytes;

    /** Bytes described as {@code memory:<name>}. */
    public BytesSource(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public InputStream open(long offset, long length) {
        ArchiveSource.checkRange(this, offset, length);
        return new ByteArrayInputStream(bytes, (int) offset, (int) length);
    }

    @Override
    public String describe() {
        return "memory:" + name;
    }
}
