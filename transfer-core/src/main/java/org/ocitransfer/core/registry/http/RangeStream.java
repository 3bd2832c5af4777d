// Exactly a given number of bytes of an underlying stream: a ranged GET's body, or one chunk of a chunked upload.
package org.ocitransfer.core.registry.http;

import java.io.IOException;
import java.io.InputStream;
import org.ocitransfer.core.content.BlockFilterInputStream;

/**
 * Exactly {@code length} bytes of an underlying stream: it ends there, and fails when the underlying stream ends
 * sooner. Closing it closes the underlying stream only when it owns it (a chunk of an upload does not).
 */
final class RangeStream extends BlockFilterInputStream {
    private final long length;
    private final String what;
    private final boolean owner;
    private long read;

    RangeStream(InputStream in, long length, String what, boolean owner) {
        super(in);
        this.length = length;
        this.what = what;
        this.owner = owner;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (read >= length) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, length - read));
        if (n < 0) {
            throw new IOException("The stream of " + what + " ended after " + read + " of " + length + " bytes");
        }
        read += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), length - read);
    }

    @Override
    public void close() throws IOException {
        if (owner) {
            super.close();
        }
    }
}
