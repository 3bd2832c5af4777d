package org.ocitransfer.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** Same input, same bytes: whoever writes the archive, wherever, whenever. */
class ArchiveDeterminismTest {

    @Test
    void planningAndWritingTwiceGivesIdenticalBytesAndCatalogDigest() {
        ArchiveFixture first = new ArchiveFixture();
        ArchivePlan plan1 = ArchivePlan.plan(first.request());
        byte[] archive1 = ArchiveFixture.write(plan1, first.content.opener());

        // Another user name and time zone must not leak into any header (commons-compress reads user.name).
        String user = System.getProperty("user.name");
        TimeZone zone = TimeZone.getDefault();
        byte[] archive2;
        ArchivePlan plan2;
        try {
            System.setProperty("user.name", "someoneelse");
            TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
            ArchiveFixture second = new ArchiveFixture();
            plan2 = ArchivePlan.plan(second.request());
            archive2 = ArchiveFixture.write(plan2, second.content.opener());
        } finally {
            System.setProperty("user.name", user);
            TimeZone.setDefault(zone);
        }
        assertThat(archive2).isEqualTo(archive1);
        assertThat(plan2.catalogDigest()).isEqualTo(plan1.catalogDigest());
        assertThat(plan2.catalogJson()).isEqualTo(plan1.catalogJson());
        assertThat(plan2.indexJson()).isEqualTo(plan1.indexJson());
    }

    @Test
    void everyHeaderRecordHasFixedOwnerTimeAndMode() {
        ArchiveFixture fixture = new ArchiveFixture();
        ArchivePlan plan = ArchivePlan.plan(fixture.request());
        // A long name forces a PAX header, so its records are checked as well.
        byte[] paxHeader = TarHeaders.header("blobs/sha512/" + "a".repeat(128), 10);
        assertThat(paxHeader.length).isGreaterThan(512);
        assertFixedFields(paxHeader);
        // And a size over 8 GiB forces one (the PAX size record path).
        byte[] bigHeader = TarHeaders.header("blobs/sha256/" + "b".repeat(64), 9L * 1024 * 1024 * 1024);
        assertThat(bigHeader).hasSize(3 * 512);
        assertFixedFields(bigHeader);
        for (PlannedEntry e : plan.entries()) {
            assertFixedFields(plan.header(e));
        }
    }

    @Test
    void jsonIsCompactWithFixedFieldOrder() {
        ArchiveFixture fixture = new ArchiveFixture();
        ArchivePlan plan = ArchivePlan.plan(fixture.request());
        String index = new String(plan.indexJson(), StandardCharsets.UTF_8);
        String catalog = new String(plan.catalogJson(), StandardCharsets.UTF_8);
        assertThat(index).startsWith("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                + fixture.image1.digest() + "\",\"size\":" + fixture.image1.size() + ",\"annotations\":{"
                + "\"io.containerd.image.name\":\"registry.example:5000/team/app:1.0\","
                + "\"org.opencontainers.image.ref.name\":\"team/app:1.0\"}}");
        assertThat(index).doesNotContain(" ").doesNotContain("\n");
        assertThat(catalog).startsWith("{\"formatVersion\":1,\"pipeline\":\"exportpipe\",\"run\":\"run0001\","
                + "\"sourceRegistry\":\"registry.example:5000\",\"indexDigest\":\"" + plan.indexDigest()
                + "\",\"artifacts\":[{\"reference\":\"registry.example:5000/team/app:1.0\",\"name\":\"team/app:1.0\","
                + "\"digest\":\"" + fixture.image1.digest() + "\"");
        assertThat(catalog).doesNotContain("\n");
    }

    /** Walks a header region: PAX header record, its data records, then the ustar record. */
    private static void assertFixedFields(byte[] header) {
        int at = 0;
        while (at < header.length) {
            byte[] record = Arrays.copyOfRange(header, at, at + 512);
            assertThat(octal(record, 100, 8)).as("mode").isEqualTo(0100644);
            assertThat(octal(record, 108, 8)).as("uid").isZero();
            assertThat(octal(record, 116, 8)).as("gid").isZero();
            assertThat(octal(record, 136, 12)).as("mtime").isZero();
            assertThat(Arrays.copyOfRange(record, 265, 329)).as("uname and gname").containsOnly((byte) 0);
            assertThat(new String(record, 257, 6, StandardCharsets.US_ASCII)).isEqualTo("ustar\0");
            at += 512;
            if (record[156] == 'x') {
                at += (int) TarHeaders.padded(octal(record, 124, 12));
            } else {
                assertThat(record[156]).isEqualTo((byte) '0');
                assertThat(at).isEqualTo(header.length);
            }
        }
    }

    private static long octal(byte[] record, int offset, int length) {
        String s = new String(record, offset, length, StandardCharsets.US_ASCII).replace("\0", "").trim();
        return Long.parseLong(s, 8);
    }
}
