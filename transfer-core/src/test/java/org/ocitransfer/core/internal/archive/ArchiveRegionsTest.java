// The archive written as independent regions: the same bytes as the sequential stream, verified blob by blob.
package org.ocitransfer.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.VerifyingInputStream;

/** {@link ArchiveWriter#regions} and {@link ArchiveWriter#openRegion}. */
class ArchiveRegionsTest {

    private final ArchiveFixture fixture = new ArchiveFixture();
    private final ArchivePlan plan = ArchivePlan.plan(fixture.request());

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, Integer.MAX_VALUE})
    void regionsTileTheArchiveAndTheirBytesEqualTheSequentialStream(int maxRegions) throws IOException {
        byte[] sequential = ArchiveFixture.write(plan, fixture.content.opener());
        List<ArchiveRegion> regions = ArchiveWriter.regions(plan, maxRegions);

        assertThat(regions).hasSizeLessThanOrEqualTo(maxRegions);
        long expectedOffset = 0;
        for (int i = 0; i < regions.size(); i++) {
            ArchiveRegion r = regions.get(i);
            assertThat(r.index()).isEqualTo(i);
            assertThat(r.offset()).isEqualTo(expectedOffset);
            assertThat(r.length()).isPositive();
            assertThat(r.trailer()).isEqualTo(i == regions.size() - 1);
            expectedOffset = r.end();
        }
        assertThat(expectedOffset).isEqualTo(plan.totalSize());
        assertThat(regions.stream().mapToInt(r -> r.entries().size()).sum()).isEqualTo(plan.entries().size());

        // Write the regions in reverse order into their places: the result is the sequential archive, byte for byte.
        byte[] assembled = new byte[(int) plan.totalSize()];
        List<ArchiveRegion> reversed = new ArrayList<>(regions);
        Collections.reverse(reversed);
        for (ArchiveRegion r : reversed) {
            try (InputStream in = ArchiveWriter.openRegion(plan, r, fixture.content.opener())) {
                byte[] bytes = in.readAllBytes();
                assertThat(bytes).hasSize((int) r.length());
                System.arraycopy(bytes, 0, assembled, (int) r.offset(), bytes.length);
            }
        }
        assertThat(assembled).isEqualTo(sequential);
    }

    @Test
    void unlimitedRegionsPutTheMetadataTogetherAndEachBlobAlone() {
        List<ArchiveRegion> regions = ArchiveWriter.regions(plan, Integer.MAX_VALUE);
        assertThat(regions.get(0).entries()).extracting(PlannedEntry::name)
                .containsExactly(ArchivePlan.OCI_LAYOUT, ArchivePlan.INDEX_JSON, ArchivePlan.CATALOG_JSON);
        assertThat(regions.subList(1, regions.size())).allSatisfy(r -> {
            assertThat(r.entries()).hasSize(1);
            assertThat(r.entries().get(0).isBlob()).isTrue();
        });
        assertThat(regions).hasSize(plan.entries().size() - 2);
        assertThatThrownBy(() -> ArchiveWriter.regions(plan, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one region");
    }

    @Test
    void aBlobWhoseBytesDoNotMatchFailsItsRegionWithTheMismatch() {
        PlannedEntry layer = plan.entries().stream().filter(PlannedEntry::isBlob)
                .max(java.util.Comparator.comparingLong(PlannedEntry::size)).orElseThrow();
        ArchiveRegion region = ArchiveWriter.regions(plan, Integer.MAX_VALUE).stream()
                .filter(r -> r.entries().contains(layer)).findFirst().orElseThrow();
        ArchiveWriter.BlobOpener corrupt = d -> {
            byte[] bytes = fixture.content.bytes(d).clone();
            bytes[bytes.length / 2] ^= 0x11;
            return new ByteArrayInputStream(bytes);
        };
        assertThatThrownBy(() -> {
            try (InputStream in = ArchiveWriter.openRegion(plan, region, corrupt)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class)
                .satisfies(e -> assertThat(VerifyingInputStream.verificationFailure(e)).isNotNull()
                        .hasMessageContaining(layer.blob().digest()));

        ArchiveWriter.BlobOpener truncated = d -> new ByteArrayInputStream(fixture.content.bytes(d), 0, 100);
        assertThatThrownBy(() -> {
            try (InputStream in = ArchiveWriter.openRegion(plan, region, truncated)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class)
                .satisfies(e -> assertThat(VerifyingInputStream.verificationFailure(e))
                        .isInstanceOf(ContentVerificationException.class).hasMessageContaining("ended after 100"));
    }

    @Test
    void aBlobIsOpenedOnlyWhenItsRegionReachesItAndClosedWithTheStream() throws IOException {
        ArchiveRegion region = ArchiveWriter.regions(plan, 2).get(1);
        List<String> opened = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        ArchiveWriter.BlobOpener tracking = d -> {
            opened.add(d.digest());
            return new ByteArrayInputStream(fixture.content.bytes(d)) {
                @Override
                public void close() {
                    closed.add(d.digest());
                }
            };
        };
        InputStream in = ArchiveWriter.openRegion(plan, region, tracking);
        assertThat(opened).isEmpty();
        in.readNBytes((int) region.entries().get(0).headerLength() + 1);
        assertThat(opened).containsExactly(region.entries().get(0).blob().digest());
        in.close();
        assertThat(closed).containsExactly(region.entries().get(0).blob().digest());
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThat(region.entries()).extracting(PlannedEntry::blob).extracting(Descriptor::digest)
                .hasSizeGreaterThan(1);
    }
}
