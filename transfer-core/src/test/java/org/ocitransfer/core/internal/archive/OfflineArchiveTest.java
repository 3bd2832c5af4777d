// Offline inspection and verification (OfflineArchive) on archives our writer produced, then damaged on purpose.
package org.ocitransfer.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.api.archive.ArchiveInspection;
import org.ocitransfer.api.archive.ArchiveProblem;
import org.ocitransfer.api.archive.ArchiveVerification;
import org.ocitransfer.api.archive.SignatureStatus;
import org.ocitransfer.core.archive.OfflineArchive;
import org.ocitransfer.core.archive.VerifyOptions;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.internal.archive.hostile.TarStream;

class OfflineArchiveTest {

    @TempDir
    Path dir;

    private ArchiveFixture fixture;
    private ArchivePlan plan;
    private byte[] bytes;
    private Path archive;

    @BeforeEach
    void writeArchive() throws Exception {
        fixture = new ArchiveFixture();
        plan = ArchivePlan.plan(fixture.request());
        bytes = ArchiveFixture.write(plan, fixture.content.opener());
        archive = Files.write(dir.resolve("export.tar"), bytes);
    }

    @Test
    void inspectionListsArtifactsTagsSizesAndTheCatalog() {
        ArchiveInspection inspection = OfflineArchive.of(archive).inspect();

        assertThat(inspection.archive()).isEqualTo(archive.toString());
        assertThat(inspection.size()).isEqualTo(bytes.length);
        assertThat(inspection.catalogDigest()).isEqualTo(plan.catalogDigest());
        assertThat(inspection.pipeline()).isEqualTo("exportpipe");
        assertThat(inspection.run()).isEqualTo("run0001");
        assertThat(inspection.sourceRegistry()).isEqualTo("registry.example:5000");
        assertThat(inspection.signature()).isEqualTo(SignatureStatus.UNSIGNED);
        assertThat(inspection.bases()).isEmpty();
        assertThat(inspection.parts()).isEmpty();
        assertThat(inspection.notes()).isEmpty();
        List<PlannedEntry> blobs = plan.entries().stream().filter(PlannedEntry::isBlob).toList();
        assertThat(inspection.blobCount()).isEqualTo(blobs.size());
        assertThat(inspection.uniqueBytes()).isEqualTo(blobs.stream().mapToLong(PlannedEntry::size).sum());

        assertThat(inspection.artifacts()).extracting(ArchiveInspection.Artifact::name)
                .containsExactly("team/app:1.0", "team/app:2.0", "team/multi:latest",
                        "team/sbom@" + fixture.artifact.digest());
        assertThat(inspection.artifacts()).extracting(ArchiveInspection.Artifact::tag)
                .containsExactly("1.0", "2.0", "latest", null);
        for (int i = 0; i < fixture.artifacts.size(); i++) {
            Descriptor root = fixture.artifacts.get(i).root();
            ArchiveInspection.Artifact listed = inspection.artifacts().get(i);
            Set<String> seen = new HashSet<>();
            long size = fixture.content.blobsInOrder(List.of(root)).stream().filter(d -> seen.add(d.digest()))
                    .mapToLong(Descriptor::size).sum();
            assertThat(listed.digest()).isEqualTo(root.digest());
            assertThat(listed.mediaType()).isEqualTo(root.mediaType());
            assertThat(listed.size()).as(listed.name()).isEqualTo(size);
            assertThat(listed.blobs()).isEqualTo(seen.size());
            assertThat(listed.reference()).isEqualTo(fixture.artifacts.get(i).source().toString());
        }
    }

    @Test
    void aWholeArchiveVerifiesEveryEntryAndItsCatalogDigest() {
        ArchiveVerification v = OfflineArchive.of(archive)
                .verify(VerifyOptions.NONE.withExpectedCatalogDigest(plan.catalogDigest()));

        assertThat(v.problems()).isEmpty();
        assertThat(v.whole()).isTrue();
        assertThat(v.catalogDigest()).isEqualTo(plan.catalogDigest());
        assertThat(v.entriesVerified()).isEqualTo(plan.entries().size());
        assertThat(v.bytesVerified()).isEqualTo(plan.trailerOffset());
        assertThat(v.notes()).isEmpty();
        assertThat(OfflineArchive.of(archive).verify().notes()).singleElement().asString()
                .contains("was not compared with an expected one");
    }

    @Test
    void aFlippedByteInALayerIsNamedWithItsEntryOffsetAndDigests() throws Exception {
        Descriptor layer = layerOf(fixture.image1);
        PlannedEntry entry = plan.blobEntry(layer.digest()).orElseThrow();
        int at = (int) entry.dataOffset() + 100;
        bytes[at] ^= 0x01;
        Files.write(archive, bytes);
        String actual = Digest.sha256(Arrays.copyOfRange(bytes, (int) entry.dataOffset(),
                (int) (entry.dataOffset() + entry.size()))).toString();

        ArchiveVerification v = OfflineArchive.of(archive).verify();

        assertThat(v.whole()).isFalse();
        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.DIGEST_MISMATCH);
            assertThat(p.entry()).isEqualTo(entry.name());
            assertThat(p.offset()).isEqualTo(entry.dataOffset());
            assertThat(p.expected()).isEqualTo(layer.digest());
            assertThat(p.actual()).isEqualTo(actual).isNotEqualTo(layer.digest());
            assertThat(p.message()).contains(entry.name(), "byte offset " + entry.dataOffset());
        });
        assertThat(v.entriesVerified()).isEqualTo(plan.entries().size());
    }

    @Test
    void aFlippedByteInAManifestIsOneProblemNotTwo() throws Exception {
        PlannedEntry entry = plan.blobEntry(fixture.image2.digest()).orElseThrow();
        int at = (int) entry.dataOffset() + 20;
        bytes[at] = (byte) (bytes[at] == ' ' ? '\t' : bytes[at] ^ 0x20);
        Files.write(archive, bytes);

        ArchiveVerification v = OfflineArchive.of(archive).verify();

        assertThat(v.problems()).extracting(ArchiveProblem::kind, ArchiveProblem::entry, ArchiveProblem::offset)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ArchiveProblem.Kind.DIGEST_MISMATCH,
                        entry.name(), entry.dataOffset()));
    }

    @Test
    void aChangedCatalogIsACatalogDigestMismatchWhenTheDigestIsExpected() throws Exception {
        PlannedEntry catalog = plan.entries().get(2);
        String json = new String(plan.catalogJson(), StandardCharsets.UTF_8);
        int at = (int) catalog.dataOffset() + json.indexOf("exportpipe") + 6;
        bytes[at] = 'P'; // "exportPipe": still a valid, consistent catalog
        Files.write(archive, bytes);
        String actual = Digest.sha256(Arrays.copyOfRange(bytes, (int) catalog.dataOffset(),
                (int) (catalog.dataOffset() + catalog.size()))).toString();

        ArchiveVerification v = OfflineArchive.of(archive)
                .verify(VerifyOptions.NONE.withExpectedCatalogDigest(plan.catalogDigest()));

        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.CATALOG_DIGEST_MISMATCH);
            assertThat(p.entry()).isEqualTo("catalog.json");
            assertThat(p.offset()).isEqualTo(catalog.dataOffset());
            assertThat(p.expected()).isEqualTo(plan.catalogDigest());
            assertThat(p.actual()).isEqualTo(actual);
        });
        assertThat(v.catalogDigest()).isEqualTo(actual);
    }

    @Test
    void aCatalogThatDisagreesWithTheArchiveIsInvalidEvenWithoutAnExpectedDigest() throws Exception {
        PlannedEntry catalog = plan.entries().get(2);
        String json = new String(plan.catalogJson(), StandardCharsets.UTF_8);
        int at = (int) catalog.dataOffset() + json.indexOf("\"offset\":") + "\"offset\":".length();
        bytes[at] = (byte) (bytes[at] == '9' ? '8' : '9');
        Files.write(archive, bytes);

        ArchiveVerification v = OfflineArchive.of(archive).verify();

        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.INVALID);
            assertThat(p.message()).contains("catalog.json", "altered");
        });
    }

    @Test
    void aTruncatedArchiveIsReportedNotThrown() throws Exception {
        PlannedEntry last = plan.entries().get(plan.entries().size() - 1);
        Files.write(archive, Arrays.copyOf(bytes, (int) last.dataOffset() + 10));

        ArchiveVerification v = OfflineArchive.of(archive).verify();

        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.TRUNCATED);
            assertThat(p.message()).contains("truncated");
        });
        assertThatThrownBy(() -> OfflineArchive.of(archive).inspect()).isInstanceOf(TransferException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void aSourceThatDeliversLessThanItsSizeSaysIsTruncatedAtTheEntryWhereItStops() {
        PlannedEntry layer = plan.blobEntry(layerOf(fixture.image2).digest()).orElseThrow();
        ArchiveSource lying = new ArchiveSource() {
            private int wholeReads;

            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public InputStream open(long offset, long length) {
                // the header scan reads it whole first (one window); the next whole read, the digest pass's, stops
                // inside the layer
                boolean whole = offset == 0 && length == bytes.length;
                byte[] served = whole && ++wholeReads == 2 ? Arrays.copyOf(bytes, (int) layer.dataOffset() + 7) : bytes;
                return new java.io.ByteArrayInputStream(served, (int) Math.min(offset, served.length),
                        (int) Math.min(length, served.length - Math.min(offset, served.length)));
            }

            @Override
            public String describe() {
                return "memory:lying";
            }
        };

        ArchiveVerification v = ArchiveVerifier.verify(lying, new ArchiveVerifier.Options(null, List.of(), List.of(),
                name -> java.util.Optional.empty(), ReaderLimits.DEFAULTS));

        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.TRUNCATED);
            assertThat(p.entry()).isEqualTo(layer.name());
            assertThat(p.offset()).isEqualTo(layer.dataOffset() + 7);
        });
    }

    @Test
    void nonZeroPaddingIsNamed() throws Exception {
        PlannedEntry layer = plan.blobEntry(layerOf(fixture.image1).digest()).orElseThrow();
        assertThat(layer.size() % 512).isNotZero();
        bytes[(int) (layer.dataOffset() + layer.size())] = 1;
        Files.write(archive, bytes);

        ArchiveVerification v = OfflineArchive.of(archive).verify();

        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.NONZERO_PADDING);
            assertThat(p.offset()).isEqualTo(layer.dataOffset() + layer.size());
        });
    }

    @Test
    void aBaseThatIsNotTheArchivesBaseIsAProblem() throws Exception {
        Path other = Files.write(dir.resolve("other.tar"), bytes);
        ArchiveVerification v = OfflineArchive.of(archive)
                .verify(VerifyOptions.NONE.withBases(List.of(OfflineArchive.of(other))));

        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.BASE_MISMATCH);
            assertThat(p.actual()).isEqualTo(plan.catalogDigest());
            assertThat(p.message()).contains("records no base");
        });
    }

    @Test
    void notATarIsUnreadable() throws Exception {
        Files.writeString(archive, "hello, not a tar".repeat(100));
        ArchiveVerification v = OfflineArchive.of(archive).verify();
        assertThat(v.problems()).singleElement().extracting(ArchiveProblem::kind)
                .isEqualTo(ArchiveProblem.Kind.UNREADABLE);
        assertThat(v.entriesVerified()).isZero();
    }

    @Test
    void theBaseChainIsCheckedAgainstTheBaseBesideTheArchiveOrGiven() throws Exception {
        Path base = Files.write(dir.resolve("base.tar"), bytes);
        Path child = Files.write(dir.resolve("child.tar"), withBases(
                "[{\"blob\":\"base.tar\",\"catalogDigest\":\"" + plan.catalogDigest() + "\"}]"));

        ArchiveInspection inspection = OfflineArchive.of(child).inspect();
        assertThat(inspection.bases()).containsExactly(new ArchiveInspection.Base("base.tar", plan.catalogDigest()));
        ArchiveVerification beside = OfflineArchive.of(child).verify();
        assertThat(beside.problems()).isEmpty();
        assertThat(beside.bases()).containsExactly(new ArchiveVerification.BaseCheck("base.tar", plan.catalogDigest(),
                ArchiveVerification.BaseStatus.MATCHES));

        Path moved = Files.move(base, dir.resolve("elsewhere.tar"));
        ArchiveVerification absent = OfflineArchive.of(child).verify();
        assertThat(absent.problems()).isEmpty();
        assertThat(absent.bases()).extracting(ArchiveVerification.BaseCheck::status)
                .containsExactly(ArchiveVerification.BaseStatus.NOT_AVAILABLE);
        assertThat(absent.notes()).anySatisfy(n -> assertThat(n).contains("base.tar", "not checked"));
        ArchiveVerification given = OfflineArchive.of(child)
                .verify(VerifyOptions.NONE.withBases(List.of(OfflineArchive.of(moved))));
        assertThat(given.problems()).isEmpty();
        assertThat(given.bases()).extracting(ArchiveVerification.BaseCheck::status)
                .containsExactly(ArchiveVerification.BaseStatus.MATCHES);

        // The base altered: its catalog names another run (same length, so the SDK's headers still fit).
        String latin = new String(bytes, StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("base.tar"), latin.replaceFirst("\"run0001\"", "\"run0002\"")
                .getBytes(StandardCharsets.ISO_8859_1));
        ArchiveVerification replaced = OfflineArchive.of(child).verify();
        assertThat(replaced.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.BASE_MISMATCH);
            assertThat(p.entry()).isEqualTo("base.tar");
            assertThat(p.expected()).isEqualTo(plan.catalogDigest());
            assertThat(p.actual()).isNotNull().isNotEqualTo(plan.catalogDigest());
        });

        // Only an archive this SDK wrote can be a base (its catalog is read by range, as the export reads it).
        Files.write(dir.resolve("base.tar"), withBases("[]"));
        ArchiveVerification foreign = OfflineArchive.of(child).verify();
        assertThat(foreign.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.BASE_MISMATCH);
            assertThat(p.entry()).isEqualTo("base.tar");
            assertThat(p.expected()).isEqualTo(plan.catalogDigest());
            assertThat(p.message()).contains("base base.tar cannot be read", "not a transfer archive");
        });
        assertThat(foreign.bases()).extracting(ArchiveVerification.BaseCheck::status)
                .containsExactly(ArchiveVerification.BaseStatus.MISMATCH);
    }

    /**
     * The fixture's archive with a {@code bases} field added to catalog.json: the blobs' recorded offsets count from
     * the first blob's header, so they stay right however the catalog grows.
     */
    private byte[] withBases(String bases) {
        String catalog = new String(plan.catalogJson(), StandardCharsets.UTF_8);
        catalog = catalog.substring(0, catalog.length() - 1) + ",\"bases\":" + bases + "}";
        TarStream t = new TarStream().file("oci-layout", plan.metadata(plan.entries().get(0)))
                .file("index.json", plan.indexJson()).file("catalog.json", catalog);
        for (PlannedEntry e : plan.entries()) {
            if (e.isBlob()) {
                t.file(e.name(), fixture.content.bytes(e.blob()));
            }
        }
        return t.end().bytes();
    }

    @Test
    void aHugeIndexIsAClearProblemNotAnOutOfMemoryError() throws Exception {
        String padding = " ".repeat(5 * 1024 * 1024);
        byte[] hostile = new TarStream().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                .file("index.json", "{\"schemaVersion\":2,\"manifests\":[]" + padding + "}").end().bytes();
        Files.write(archive, hostile);

        ArchiveVerification v = OfflineArchive.of(archive).verify();

        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.INVALID);
            assertThat(p.message()).contains("index.json", "over the 4194304-byte limit");
        });
        assertThat(v.entriesVerified()).isEqualTo(2);
    }

    @Test
    void aHeaderThatClaimsMoreDataThanTheArchiveHoldsIsTruncation() throws Exception {
        byte[] lying = new TarStream().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                .entry("blobs/sha256/" + "ab".repeat(32), '0', 1L << 32, new byte[4096]).end().bytes();
        Files.write(archive, lying);

        ArchiveVerification v = OfflineArchive.of(archive).verify();

        assertThat(v.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.TRUNCATED);
            assertThat(p.message()).contains("truncated");
        });
    }

    private Descriptor layerOf(Descriptor image) {
        Descriptor config = fixture.content.blobsInOrder(List.of(image)).get(1);
        return fixture.content.blobsInOrder(List.of(image)).stream()
                .filter(d -> !d.isManifest() && !d.digest().equals(config.digest()) && d.size() > 600)
                .findFirst().orElseThrow();
    }
}
