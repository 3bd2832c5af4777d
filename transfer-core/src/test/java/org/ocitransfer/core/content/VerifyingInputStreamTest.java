package org.ocitransfer.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Every way of reading a {@link VerifyingInputStream} (a byte at a time, a skip, a bulk read) passes the same size
 * and digest check: none goes around it ({@link BlockFilterInputStream}).
 */
class VerifyingInputStreamTest {

    private static final byte[] CONTENT = "the bytes a descriptor promises".getBytes(StandardCharsets.UTF_8);
    private static final Descriptor EXPECTED = Descriptor.of(MediaTypes.OCI_LAYER,
            Digest.sha256(CONTENT).toString(), CONTENT.length);

    @Test
    void readingOneByteAtATimeGivesTheBytesAndVerifiesThem() throws IOException {
        VerifyingInputStream in = open(CONTENT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            out.write(b);
        }
        assertThat(out.toByteArray()).isEqualTo(CONTENT);
        assertThat(in.isVerified()).isTrue();
        assertThat(in.read()).as("after the end").isEqualTo(-1);
    }

    @Test
    void anAlteredByteReadOneAtATimeFailsTheDigest() {
        VerifyingInputStream in = open(altered());
        assertThatThrownBy(() -> {
            while (in.read() >= 0) {
                // read on
            }
        }).isInstanceOf(IOException.class).hasCauseInstanceOf(ContentVerificationException.class)
                .hasMessageContaining("does not match its digest " + EXPECTED.digest());
        assertThat(in.isVerified()).isFalse();
    }

    @Test
    void skippingOverAlteredBytesStillChecksThem() {
        VerifyingInputStream in = open(altered());
        assertThatThrownBy(() -> in.skip(CONTENT.length)).isInstanceOf(IOException.class)
                .hasCauseInstanceOf(ContentVerificationException.class);
    }

    @Test
    void skippingToTheEndOfIntactContentVerifiesIt() throws IOException {
        VerifyingInputStream in = open(CONTENT);
        assertThat(in.skip(CONTENT.length + 10L)).isEqualTo(CONTENT.length);
        assertThat(in.isVerified()).isTrue();
    }

    @Test
    void contentLongerThanItsDescriptorFailsByteByByteToo() {
        byte[] longer = new byte[CONTENT.length + 1];
        System.arraycopy(CONTENT, 0, longer, 0, CONTENT.length);
        VerifyingInputStream in = open(longer);
        assertThatThrownBy(() -> {
            while (in.read() >= 0) {
                // read on
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("is longer than its descriptor's "
                + CONTENT.length + " bytes");
    }

    @Test
    void marksAreRefusedSoNoByteIsReadTwicePastTheCheck() throws IOException {
        InputStream in = open(CONTENT);
        assertThat(in.markSupported()).isFalse();
        in.mark(100);
        assertThat(in.read()).isEqualTo(CONTENT[0] & 0xff);
        assertThatThrownBy(in::reset).isInstanceOf(IOException.class).hasMessageContaining("not supported");
    }

    private static VerifyingInputStream open(byte[] bytes) {
        return new VerifyingInputStream(new ByteArrayInputStream(bytes), EXPECTED, "a test source");
    }

    private static byte[] altered() {
        byte[] copy = CONTENT.clone();
        copy[copy.length / 2] ^= 1;
        return copy;
    }
}
