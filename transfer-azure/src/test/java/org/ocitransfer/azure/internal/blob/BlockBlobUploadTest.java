// Checks the block size planning that keeps every blob within the service's 50,000 blocks.
package org.ocitransfer.azure.internal.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BlockBlobUploadTest {

    private static final int MIB = 1 << 20;

    @Test
    void keepsTheConfiguredBlockSizeUnlessAKnownSizeNeedsLargerBlocks() {
        assertThat(BlockBlobUpload.blockSizeFor(8 * MIB, -1)).isEqualTo(8 * MIB);
        assertThat(BlockBlobUpload.blockSizeFor(8 * MIB, 8L * MIB * 50_000)).isEqualTo(8 * MIB);
        long halfTerabyte = 500L << 30;
        int size = BlockBlobUpload.blockSizeFor(8 * MIB, halfTerabyte);
        assertThat(size % MIB).isZero();
        assertThat((long) size * BlockBlobUpload.MAX_BLOCKS).isGreaterThanOrEqualTo(halfTerabyte);
        assertThat(size).isLessThan(12 * MIB);
    }

    @Test
    void refusesABlobTooLargeForAnyBlockSizeItCanBuffer() {
        assertThatThrownBy(() -> BlockBlobUpload.blockSizeFor(8 * MIB, 200L << 40))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too large to upload");
    }
}
