// Deterministic pseudo-random bytes at memory speed, for the benchmark's large layer.
package org.ocitransfer.bench;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * {@code size} pseudo-random bytes fixed by a seed, generated eight at a time (the test kit's generator makes one at
 * a time, too slow for a 10 GiB layer): about 2 GB/s, faster than sha256 digests them ({@link StoredLayer}).
 */
final class FastRandomStream extends InputStream {

    private final SplittableRandom random;
    private final long size;
    private final ByteBuffer word = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private long position;

    FastRandomStream(long seed, long size) {
        this.random = new SplittableRandom(seed);
        this.size = size;
        word.position(8);
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(len, size - position);
        int i = 0;
        while (i < n && word.hasRemaining()) {
            b[off + i++] = word.get();
        }
        ByteBuffer target = ByteBuffer.wrap(b, off + i, n - i).order(ByteOrder.LITTLE_ENDIAN);
        while (target.remaining() >= 8) {
            target.putLong(random.nextLong());
            i += 8;
        }
        if (i < n) {
            word.clear();
            word.putLong(random.nextLong()).flip();
            while (i < n) {
                b[off + i++] = word.get();
            }
        }
        position += n;
        return n;
    }
}
