package org.ocitransfer.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.content.VerifyingInputStream;

/** Plan, write and read back an archive of several images, a multi-arch index and an artifact sharing layers. */
class ArchiveRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void roundTripStoresEachBlobOnceAndReadsBackIdenticalBytes() throws IOException {
        ArchiveFixture fixture = new ArchiveFixture();
        ArchiveRequest request = fixture.request();
        ArchivePlan plan = ArchivePlan.plan(request);

        // Every distinct blob is stored once, in the request's first-seen order, after the three metadata files.
        List<String> distinct = request.blobs().stream().map(Descriptor::digest).distinct().toList();
        assertThat(request.blobs().size()).isGreaterThan(distinct.size()); // the request really repeats blobs
        assertThat(fixture.content.all()).hasSize(distinct.size());
        List<String> names = plan.entries().stream().map(PlannedEntry::name).toList();
        assertThat(names.subList(0, 3)).containsExactly("oci-layout", "index.json", "catalog.json");
        assertThat(names.subList(3, names.size())).containsExactlyElementsOf(
                distinct.stream().map(d -> "blobs/sha256/" + d.substring("sha256:".length())).toList());

        byte[] archive = ArchiveFixture.write(plan, fixture.content.opener());
        assertThat(archive.length).isEqualTo(plan.totalSize());
        Path file = dir.resolve("export.tar");
        Files.write(file, archive);

        try (ArchiveReader reader = ArchiveReader.open(ArchiveSource.of(file))) {
            assertThat(reader.index()).extracting(IndexEntry::refName).containsExactly("team/app:1.0",
                    "team/app:2.0", "team/multi:latest", "team/sbom@" + fixture.artifact.digest());
            assertThat(reader.index()).extracting(IndexEntry::imageName).containsExactly(
                    "registry.example:5000/team/app:1.0", "registry.example:5000/team/app:2.0",
                    "registry.example:5000/team/multi:latest",
                    "registry.example:5000/team/sbom@" + fixture.artifact.digest());
            assertThat(reader.index()).extracting(e -> e.descriptor().digest()).containsExactly(
                    fixture.image1.digest(), fixture.image2.digest(), fixture.index.digest(),
                    fixture.artifact.digest());
            assertThat(reader.index().get(3).descriptor().artifactType())
                    .isEqualTo("application/vnd.example.sbom.v1");
            assertThat(reader.catalogDigest()).contains(plan.catalogDigest());
            assertThat(reader.catalog()).contains(plan.catalog());

            Map<String, byte[]> read = ArchiveFixture.readAll(reader);
            assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(fixture.content.all().keySet());
            read.forEach((digest, bytes) -> assertThat(bytes).as(digest).isEqualTo(fixture.content.all().get(digest)));
            for (String digest : distinct) {
                assertThat(reader.contains(digest)).isTrue();
            }
            assertThat(reader.contains("sha256:" + "0".repeat(64))).isFalse();
        }
    }

    @Test
    void catalogDescribesTheRunAndItsOffsetsPointAtEachBlobsData() {
        ArchiveFixture fixture = new ArchiveFixture();
        ArchivePlan plan = ArchivePlan.plan(fixture.request());
        byte[] archive = ArchiveFixture.write(plan, fixture.content.opener());
        Catalog catalog = plan.catalog();

        assertThat(catalog.formatVersion()).isEqualTo(1);
        assertThat(catalog.pipeline()).isEqualTo("exportpipe");
        assertThat(catalog.run()).isEqualTo("run0001");
        assertThat(catalog.sourceRegistry()).isEqualTo("registry.example:5000");
        assertThat(catalog.indexDigest()).isEqualTo(plan.indexDigest())
                .isEqualTo(org.ocitransfer.core.content.Digest.sha256(plan.indexJson()).toString());
        assertThat(catalog.artifacts()).extracting(Catalog.Artifact::reference).containsExactly(
                "registry.example:5000/team/app:1.0", "registry.example:5000/team/app:2.0",
                "registry.example:5000/team/multi:latest",
                "registry.example:5000/team/sbom@" + fixture.artifact.digest());
        assertThat(catalog.artifacts().get(2).digest()).isEqualTo(fixture.index.digest());
        assertThat(catalog.artifacts().get(2).mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(plan.catalogDigest()).isEqualTo(
                org.ocitransfer.core.content.Digest.sha256(plan.catalogJson()).toString());

        // The fixed point is the first blob entry's header, which follows catalog.json's padded data.
        PlannedEntry catalogEntry = plan.entries().get(2);
        assertThat(plan.blobsOffset()).isEqualTo(catalogEntry.end()).isEqualTo(plan.entries().get(3).headerOffset());
        assertThat(catalog.blobs()).hasSize(fixture.content.all().size());
        for (Catalog.Blob b : catalog.blobs()) {
            int start = Math.toIntExact(plan.blobsOffset() + b.offset());
            byte[] data = Arrays.copyOfRange(archive, start, start + (int) b.size());
            assertThat(data).as(b.digest()).isEqualTo(fixture.content.all().get(b.digest()));
            assertThat(b.mediaType()).isEqualTo(plan.blobEntry(b.digest()).orElseThrow().blob().mediaType());
        }
        // Metadata regions hold exactly the plan's bytes.
        for (PlannedEntry e : plan.entries().subList(0, 3)) {
            int start = Math.toIntExact(e.dataOffset());
            assertThat(Arrays.copyOfRange(archive, start, start + (int) e.size())).isEqualTo(plan.metadata(e));
        }
        assertThat(new String(plan.metadata(plan.entries().get(0)), StandardCharsets.UTF_8))
                .isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
        // Entries are contiguous and the trailer is two zero records.
        long at = 0;
        for (PlannedEntry e : plan.entries()) {
            assertThat(e.headerOffset()).isEqualTo(at);
            at = e.end();
        }
        assertThat(plan.trailerOffset()).isEqualTo(at);
        assertThat(Arrays.copyOfRange(archive, (int) at, archive.length)).hasSize(1024).containsOnly((byte) 0);
    }

    @Test
    void commonsCompressReadsTheArchiveWithFixedHeaderFields() throws IOException {
        ArchiveFixture fixture = new ArchiveFixture();
        ArchivePlan plan = ArchivePlan.plan(fixture.request());
        byte[] archive = ArchiveFixture.write(plan, fixture.content.opener());

        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                names.add(e.getName());
                PlannedEntry planned = plan.entries().get(names.size() - 1);
                assertThat(e.getName()).isEqualTo(planned.name());
                assertThat(e.getSize()).isEqualTo(planned.size());
                assertThat(e.getLastModifiedTime().toMillis()).isZero();
                assertThat(e.getLongUserId()).isZero();
                assertThat(e.getLongGroupId()).isZero();
                assertThat(e.getUserName()).isEmpty();
                assertThat(e.getGroupName()).isEmpty();
                assertThat(e.getMode()).isEqualTo(0100644);
                assertThat(e.isFile()).isTrue();
                byte[] data = tar.readAllBytes();
                assertThat(data).isEqualTo(planned.isBlob() ? fixture.content.bytes(planned.blob())
                        : plan.metadata(planned));
            }
        }
        assertThat(names).hasSize(plan.entries().size());
    }

    @Test
    void contentSourceIsReplayableAndReadManifestIsVerified() throws IOException {
        ArchiveFixture fixture = new ArchiveFixture();
        ArchivePlan plan = ArchivePlan.plan(fixture.request());
        byte[] archive = ArchiveFixture.write(plan, fixture.content.opener());
        try (ArchiveReader reader = ArchiveReader.open(new BytesSource("roundtrip", archive))) {
            ContentSource source = reader.contentSource(fixture.shared);
            assertThat(source.replayable()).isTrue();
            try (InputStream a = source.open(); InputStream b = source.open()) {
                assertThat(a.readAllBytes()).isEqualTo(b.readAllBytes())
                        .isEqualTo(fixture.content.bytes(fixture.shared));
            }
            assertThat(reader.readManifest(fixture.index)).isEqualTo(fixture.content.bytes(fixture.index));
            Descriptor wrongSize = Descriptor.of(fixture.shared.mediaType(), fixture.shared.digest(),
                    fixture.shared.size() + 1);
            assertThatThrownBy(() -> reader.open(wrongSize)).isInstanceOf(ArchiveFormatException.class)
                    .hasMessageContaining("memory:roundtrip").hasMessageContaining("asks for");
            Descriptor absent = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, new byte[] {1, 2, 3});
            assertThatThrownBy(() -> reader.readManifest(absent)).isInstanceOf(ArchiveFormatException.class)
                    .hasMessageContaining("has no blob " + absent.digest());
        }
    }

    @Test
    void gzipBombLayerTravelsAsItsCompressedBytesAndIsNeverInflated() throws IOException {
        TestContent content = new TestContent();
        byte[] bomb = TestContent.gzip(new byte[64 * 1024 * 1024]); // 64 MiB of zeros in about 64 KiB
        Descriptor layer = content.put(MediaTypes.OCI_LAYER_GZIP, bomb);
        Descriptor image = content.image(content.config("amd64", layer), layer);
        ArchiveRequest request = new ArchiveRequest("exportpipe", "run0002", "r.example",
                List.of(new ArchivedArtifact(ArtifactRef.parse("bomb:1"), image)),
                content.blobsInOrder(List.of(image)));
        ArchivePlan plan = ArchivePlan.plan(request);
        byte[] archive = ArchiveFixture.write(plan, content.opener());
        assertThat(archive.length).isLessThan(100_000);
        try (ArchiveReader reader = ArchiveReader.open(new BytesSource("bomb", archive));
             InputStream in = reader.open(layer)) {
            assertThat(in.readAllBytes()).isEqualTo(bomb).hasSize((int) layer.size());
        }
    }

    @Test
    void planRefusesInconsistentRequests() {
        ArchiveFixture fixture = new ArchiveFixture();
        ArchiveRequest good = fixture.request();
        assertThatThrownBy(() -> ArchivePlan.plan(new ArchiveRequest("p", "r", "s", List.of(), good.blobs())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no artifacts");
        List<Descriptor> withoutRoot = good.blobs().stream()
                .filter(d -> !d.digest().equals(fixture.image2.digest())).toList();
        assertThatThrownBy(() -> ArchivePlan.plan(new ArchiveRequest("p", "r", "s", good.artifacts(), withoutRoot)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("team/app:2.0")
                .hasMessageContaining("is not among the blobs");
        List<Descriptor> conflicting = new ArrayList<>(good.blobs());
        conflicting.add(Descriptor.of(fixture.shared.mediaType(), fixture.shared.digest(), 1));
        assertThatThrownBy(() -> ArchivePlan.plan(new ArchiveRequest("p", "r", "s", good.artifacts(), conflicting)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(fixture.shared.digest())
                .hasMessageContaining("with size 1");
        List<ArchivedArtifact> twice = new ArrayList<>(good.artifacts());
        twice.add(good.artifacts().get(0));
        assertThatThrownBy(() -> ArchivePlan.plan(new ArchiveRequest("p", "r", "s", twice, good.blobs())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listed twice");
    }

    @Test
    void writerRefusesBlobsThatDoNotMatchTheirDescriptors() {
        ArchiveFixture fixture = new ArchiveFixture();
        ArchivePlan plan = ArchivePlan.plan(fixture.request());
        Descriptor target = fixture.shared;
        byte[] original = fixture.content.bytes(target);
        byte[] altered = original.clone();
        altered[altered.length / 2] ^= 1;
        Map<String, byte[]> variants = Map.of(
                "does not match its digest", altered,
                "ended after", Arrays.copyOf(original, original.length - 1),
                "longer than", Arrays.copyOf(original, original.length + 1));
        Set<String> seen = new HashSet<>();
        variants.forEach((expected, bytes) -> {
            ArchiveWriter.BlobOpener opener = d -> new ByteArrayInputStream(
                    d.digest().equals(target.digest()) ? bytes : fixture.content.bytes(d));
            assertThatThrownBy(() -> ArchiveWriter.write(plan, java.io.OutputStream.nullOutputStream(), opener))
                    .isInstanceOf(IOException.class)
                    .satisfies(e -> {
                        ContentVerificationException cve = VerifyingInputStream.verificationFailure(e);
                        assertThat(cve).isNotNull();
                        assertThat(cve.getMessage()).contains(target.digest()).contains(expected);
                    });
            seen.add(expected);
        });
        assertThat(seen).hasSize(3);
    }
}
