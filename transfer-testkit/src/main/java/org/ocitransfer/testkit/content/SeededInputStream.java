package org.ocitransfer.testkit.content;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * A stream of {@code size} pseudo-random bytes determined by a seed: the same seed always gives the same bytes,
 * without holding them in memory.
 */
final class SeededInputStream extends InputStream {

    private final SplittableRandom random;
    private final long size;
    private long position;
    private long word;
    private int wordBytesLeft;

    SeededInputStream(long seed, long size) {
        this.random = new SplittableRandom(seed);
        this.size = size;
    }

    @Override
    public int read() {
        if (position >= size) {
            return -1;
        }
        return nextByte() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(len, size - position);
        for (int i = 0; i < n; i++) {
            b[off + i] = nextByte();
        }
        return n;
    }

    private byte nextByte() {
        if (wordBytesLeft == 0) {
            word = random.nextLong();
            wordBytesLeft = 8;
        }
        byte value = (byte) word;
        word >>>= 8;
        wordBytesLeft--;
        position++;
        return value;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, size - position);
    }
}
