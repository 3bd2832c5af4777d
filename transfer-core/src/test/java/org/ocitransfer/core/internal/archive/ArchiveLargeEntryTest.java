package org.ocitransfer.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.internal.archive.hostile.TarStream;

/**
 * The over-8-GiB path, without writing 8 GiB: a 9 GiB layer is planned, its PAX size record checked, its header
 * read back by commons-compress and by our reader from a virtual archive whose data regions are generated.
 */
class ArchiveLargeEntryTest {

    private static final long NINE_GIB = 9L * 1024 * 1024 * 1024;

    @Test
    void nineGibEntryGetsAPaxSizeRecordAndOffsetsAddUp() throws IOException {
        Fixture f = new Fixture();
        PlannedEntry big = f.plan.blobEntry(f.layer.digest()).orElseThrow();
        assertThat(big.size()).isEqualTo(NINE_GIB);
        assertThat(big.headerLength()).isEqualTo(3 * 512); // PAX header, one PAX data record, ustar header

        byte[] header = f.plan.header(big);
        assertThat(header[156]).isEqualTo((byte) 'x');
        String pax = new String(header, 512, 512, StandardCharsets.UTF_8).replace("\0", "");
        assertThat(pax).isEqualTo(new String(TarStream.paxRecords("size=" + NINE_GIB), StandardCharsets.UTF_8)).isEqualTo("19 size=9663676416\n");
        assertThat(header[1024 + 156]).isEqualTo((byte) '0');

        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(header))) {
            TarArchiveEntry e = tar.getNextEntry();
            assertThat(e.getName()).isEqualTo(big.name());
            assertThat(e.getSize()).isEqualTo(NINE_GIB);
        }

        long at = 0;
        for (PlannedEntry e : f.plan.entries()) {
            assertThat(e.headerOffset()).isEqualTo(at);
            at = e.end();
        }
        assertThat(big.end()).isEqualTo(big.dataOffset() + NINE_GIB); // 9 GiB is whole records
        assertThat(f.plan.totalSize()).isEqualTo(at + 1024).isGreaterThan(NINE_GIB);
        Catalog.Blob catalogued = f.plan.catalog().blobs().stream()
                .filter(b -> b.digest().equals(f.layer.digest())).findFirst().orElseThrow();
        assertThat(catalogued.offset()).isEqualTo(big.dataOffset() - f.plan.blobsOffset());
        assertThat(catalogued.size()).isEqualTo(NINE_GIB);
    }

    @Test
    void readerIndexesTheNineGibArchiveWithoutReadingItsData() {
        Fixture f = new Fixture();
        VirtualArchive source = new VirtualArchive(f);
        try (ArchiveReader reader = ArchiveReader.open(source)) {
            assertThat(reader.index()).singleElement().satisfies(e -> {
                assertThat(e.refName()).isEqualTo("big/image:1");
                assertThat(e.descriptor().digest()).isEqualTo(f.manifest.digest());
            });
            assertThat(reader.contains(f.layer.digest())).isTrue();
            assertThat(reader.catalogDigest()).contains(f.plan.catalogDigest());
            // Headers, the three small files and the manifest: nowhere near the 9 GiB of data.
            assertThat(reader.bytesScanned()).isLessThan(64 * 1024);
            assertThat(source.served.get()).isLessThan(64 * 1024);
        }
    }

    /** A 9 GiB layer (never materialised) in one image. */
    private static final class Fixture {
        final TestContent content = new TestContent();
        final Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.sha256("nine gib").toString(),
                NINE_GIB);
        final Descriptor config = content.config("amd64", layer);
        final Descriptor manifest = content.image(config, layer);
        final ArchivePlan plan = ArchivePlan.plan(new ArchiveRequest("exportpipe", "bigrun1", "r.example",
                List.of(new ArchivedArtifact(ArtifactRef.parse("big/image:1"), manifest)),
                List.of(manifest, config, layer)));
    }

    /** The planned archive's bytes, generated on demand: headers and small files as planned, zeros elsewhere. */
    private static final class VirtualArchive implements ArchiveSource {
        final NavigableMap<Long, byte[]> regions = new TreeMap<>();
        final long size;
        final AtomicLong served = new AtomicLong();

        VirtualArchive(Fixture f) {
            size = f.plan.totalSize();
            for (PlannedEntry e : f.plan.entries()) {
                regions.put(e.headerOffset(), f.plan.header(e));
                if (!e.isBlob()) {
                    regions.put(e.dataOffset(), f.plan.metadata(e));
                } else if (!e.blob().digest().equals(f.layer.digest())) {
                    regions.put(e.dataOffset(), f.content.bytes(e.blob()));
                }
            }
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public String describe() {
            return "virtual:9gib";
        }

        @Override
        public InputStream open(long offset, long length) {
            ArchiveSource.checkRange(this, offset, length);
            return new InputStream() {
                long pos = offset;
                final long end = offset + length;

                @Override
                public int read() {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (pos >= end) {
                        return -1;
                    }
                    int n = (int) Math.min(len, end - pos);
                    for (int i = 0; i < n; i++) {
                        b[off + i] = byteAt(pos + i);
                    }
                    pos += n;
                    served.addAndGet(n);
                    return n;
                }
            };
        }

        private byte byteAt(long p) {
            Map.Entry<Long, byte[]> r = regions.floorEntry(p);
            if (r == null || p - r.getKey() >= r.getValue().length) {
                return 0;
            }
            return r.getValue()[(int) (p - r.getKey())];
        }
    }
}
