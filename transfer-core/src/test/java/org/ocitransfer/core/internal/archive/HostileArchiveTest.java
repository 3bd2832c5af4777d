package org.ocitransfer.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.testing.Seeds;
import org.ocitransfer.core.internal.archive.hostile.TarStream;

/**
 * The hostile-archive corpus: every case is opened and read completely through {@link ArchiveReader}, and must be
 * refused with an {@link ArchiveFormatException} naming the archive and the problem. A valid archive built from
 * the same parts opens and reads, so each case differs from an accepted archive only by its defect.
 */
class HostileArchiveTest {

    private static final TestContent C = new TestContent();
    private static final Descriptor LAYER = C.layer(2000, 7);
    private static final Descriptor CONFIG = C.config("amd64", LAYER);
    private static final Descriptor MANIFEST = C.image(CONFIG, LAYER);
    private static final String LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";

    @TempDir
    Path dir;

    /** A case: its name, its bytes, the limits it is read with, and a phrase the refusal must contain. */
    record Case(String name, Supplier<byte[]> bytes, ReaderLimits limits, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> corpus() {
        List<Case> cases = new ArrayList<>();
        String hex = hex(LAYER);
        // Names.
        cases.add(bad("traversal ../x", () -> valid(t -> t.file("../x", "x")), "path traversal"));
        cases.add(bad("traversal ./../x", () -> valid(t -> t.file("./../x", "x")), "path traversal"));
        cases.add(bad("traversal blobs/sha256/../../x", () -> valid(t -> t.file("blobs/sha256/../../x", "x")),
                "path traversal"));
        cases.add(bad("traversal directory ../", () -> valid(t -> t.dir("../")), "path traversal"));
        cases.add(bad("absolute /etc/x", () -> valid(t -> t.file("/etc/x", "x")), "absolute path"));
        cases.add(bad("backslash name", () -> valid(t -> t.file("blobs\\sha256\\x", "x")), "backslash"));
        cases.add(bad("unexpected file", () -> valid(t -> t.file("notes.txt", "x")), "unexpected file"));
        cases.add(bad("unexpected directory", () -> valid(t -> t.dir("blobs/sha256/sub/")),
                "unexpected directory"));
        cases.add(bad("uppercase blob name", () -> valid(t -> t.file("blobs/sha256/" + hex.toUpperCase(), "x")),
                "unexpected file"));
        cases.add(bad("unknown digest algorithm", () -> valid(t -> t.file("blobs/md5/" + hex.substring(0, 32), "x")),
                "unexpected file"));
        cases.add(bad("long GNU name with traversal", () -> valid(t -> t.entry("././@LongLink", 'L', 12,
                "../../evil\0\0".getBytes(StandardCharsets.UTF_8)).file("placeholder", "x")), "path traversal"));
        cases.add(bad("PAX path with traversal", () -> valid(t -> t.pax("path=../../evil").file("ok", "x")),
                "path traversal"));
        // Entry types.
        cases.add(bad("symlink", () -> valid(t -> t.entry("blobs/sha256/" + "1".repeat(64), '2', 0, new byte[0])),
                "symbolic link"));
        cases.add(bad("hardlink", () -> valid(t -> t.entry("blobs/sha256/" + "1".repeat(64), '1', 0, new byte[0])),
                "hard link"));
        cases.add(bad("character device", () -> valid(t -> t.entry("index.json", '3', 0, new byte[0])),
                "character device"));
        cases.add(bad("block device", () -> valid(t -> t.entry("index.json", '4', 0, new byte[0])), "block device"));
        cases.add(bad("fifo", () -> valid(t -> t.entry("oci-layout", '6', 0, new byte[0])), "FIFO"));
        cases.add(bad("GNU long link", () -> valid(t -> t.entry("././@LongLink", 'K', 4, "abc\0".getBytes(
                StandardCharsets.UTF_8))), "long link"));
        cases.add(bad("GNU sparse", () -> valid(t -> t.entry("blobs/sha256/" + "2".repeat(64), 'S', 0,
                new byte[0])), "sparse"));
        cases.add(bad("PAX sparse", () -> valid(t -> t.pax("GNU.sparse.major=1").file("blobs/sha256/" + "3".repeat(64),
                "x")), "sparse"));
        cases.add(bad("directory with data", () -> valid(t -> t.entry("blobs/", '5', 3, "abc".getBytes(
                StandardCharsets.UTF_8))), "directory entry with 3 bytes"));
        // Duplicates.
        cases.add(bad("duplicate index.json, different content", () -> valid(t -> t.file("index.json",
                index(CONFIG))), "duplicate"));
        cases.add(bad("duplicate blob", () -> valid(t -> t.file("blobs/sha256/" + hex, C.bytes(LAYER))),
                "duplicate"));
        // Content that does not match.
        cases.add(bad("layer digest mismatch", () -> archive(LAYOUT, index(MANIFEST), altered(LAYER), CONFIG,
                MANIFEST), "does not match its digest"));
        cases.add(bad("manifest digest mismatch", () -> archive(LAYOUT, index(MANIFEST), LAYER, CONFIG,
                altered(MANIFEST)), "does not match its digest"));
        cases.add(bad("index size disagrees with entry", () -> archive(LAYOUT, index(Descriptor.of(
                MANIFEST.mediaType(), MANIFEST.digest(), MANIFEST.size() + 1)), LAYER, CONFIG, MANIFEST),
                "describes it as"));
        cases.add(bad("layer entry shorter than its descriptor", () -> new TarStream().file("oci-layout", LAYOUT)
                .file("index.json", index(MANIFEST)).file("blobs/sha256/" + hex(CONFIG), C.bytes(CONFIG))
                .file("blobs/sha256/" + hex(MANIFEST), C.bytes(MANIFEST))
                .file("blobs/sha256/" + hex, Arrays.copyOf(C.bytes(LAYER), (int) LAYER.size() - 1)).end().bytes(),
                "describes it as"));
        cases.add(bad("manifest not JSON", () -> {
            Descriptor junk = Descriptor.of(MediaTypes.OCI_MANIFEST, "not json".getBytes(StandardCharsets.UTF_8));
            return new TarStream().file("oci-layout", LAYOUT).file("index.json", index(junk))
                    .file("blobs/sha256/" + hex(junk), "not json").end().bytes();
        }, "is not a valid"));
        cases.add(bad("manifest over 4 MiB", () -> {
            byte[] big = new byte[MediaTypes.MAX_MANIFEST_BYTES + 1];
            Arrays.fill(big, (byte) ' ');
            Descriptor d = Descriptor.of(MediaTypes.OCI_MANIFEST, big);
            return new TarStream().file("oci-layout", LAYOUT).file("index.json", index(d))
                    .file("blobs/sha256/" + hex(d), big).end().bytes();
        }, "limit for manifests"));
        cases.add(bad("index nested deeper than the limit", HostileArchiveTest::deepIndexes,
                "deeper than the reader's limit"));
        // Missing pieces.
        cases.add(bad("index names a missing blob", () -> archive(LAYOUT, index(MANIFEST), LAYER, CONFIG),
                "index.json names blob " + MANIFEST.digest()));
        cases.add(bad("manifest names a missing layer", () -> archive(LAYOUT, index(MANIFEST), CONFIG, MANIFEST),
                "names blob " + LAYER.digest()));
        cases.add(bad("no oci-layout", () -> new TarStream().file("index.json", index(MANIFEST)).end().bytes(),
                "no oci-layout"));
        cases.add(bad("no index.json", () -> new TarStream().file("oci-layout", LAYOUT).end().bytes(), "no index.json"));
        cases.add(bad("bad oci-layout version", () -> archive("{\"imageLayoutVersion\":\"2.0.0\"}", index(MANIFEST),
                LAYER, CONFIG, MANIFEST), "imageLayoutVersion is '2.0.0'"));
        cases.add(bad("oci-layout not JSON", () -> archive("imageLayoutVersion=1.0.0", index(MANIFEST), LAYER,
                CONFIG, MANIFEST), "'oci-layout' is not valid JSON"));
        cases.add(bad("oci-layout too large", () -> archive(" ".repeat(5000), index(MANIFEST), LAYER, CONFIG,
                MANIFEST), "over the 4096-byte limit"));
        // Broken JSON in index.json.
        cases.add(bad("index.json not JSON", () -> archive(LAYOUT, "{\"schemaVersion\":2,", LAYER, CONFIG, MANIFEST),
                "'index.json' is not valid JSON"));
        cases.add(bad("index.json nested 100000 deep", () -> archive(LAYOUT, "[".repeat(100_000), LAYER, CONFIG,
                MANIFEST), "'index.json' is not valid JSON"));
        cases.add(bad("index.json duplicate keys", () -> archive(LAYOUT, "{\"schemaVersion\":2,\"manifests\":[],"
                + "\"manifests\":[" + TestContent.json(MANIFEST) + "]}", LAYER, CONFIG, MANIFEST), "Duplicate field"));
        cases.add(bad("index.json without schemaVersion", () -> archive(LAYOUT, "{\"manifests\":[]}", LAYER, CONFIG,
                MANIFEST), "schemaVersion 2"));
        cases.add(bad("index.json descriptor with a bad digest", () -> archive(LAYOUT, "{\"schemaVersion\":2,"
                + "\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"sha256:abc\",\"size\":1}]}", LAYER, CONFIG,
                MANIFEST), "not a valid descriptor"));
        // Truncation.
        byte[] whole = valid(t -> t);
        int layerData = TestContent.indexOf(whole, C.bytes(LAYER));
        for (int cut : new int[] {0, 100, 511, 700, 1024 + 300, layerData + 10, whole.length - 1024,
                whole.length - 1024 - 1}) {
            cases.add(bad("truncated at " + cut, () -> Arrays.copyOf(whole, cut),
                    cut < 512 ? "not a tar archive" : "truncated"));
        }
        // Not tar at all.
        cases.add(bad("random bytes", () -> Seeds.bytes(4096, 99), "not a tar archive"));
        cases.add(bad("gzip-compressed archive", () -> TestContent.gzip(whole), "not a tar archive"));
        cases.add(bad("text", () -> "hello\n".repeat(300).getBytes(StandardCharsets.UTF_8), "not a tar archive"));
        cases.add(bad("zero-length file", () -> new byte[0], "not a tar archive"));
        // Header and PAX abuse.
        cases.add(bad("PAX size overflowing 2^63", () -> valid(t -> t.pax("size=99999999999999999999")
                .file("blobs/sha256/" + "4".repeat(64), "x")), "is not a size"));
        cases.add(bad("PAX size negative", () -> valid(t -> t.pax("size=-1").file("blobs/sha256/" + "4".repeat(64),
                "x")), "is not a size"));
        cases.add(bad("PAX size past the end", () -> valid(t -> t.pax("size=9000000000000")
                .file("blobs/sha256/" + "4".repeat(64), "x")), "run past the end"));
        cases.add(bad("PAX header of 1 GiB", () -> valid(t -> t.raw(TarStream.header("PaxHeaders/x", 'x',
                TarStream.octal(1L << 30)))), "over the reader's limit"));
        cases.add(bad("PAX record without length", () -> valid(t -> t.entry("PaxHeaders/x", 'x', 10,
                "abc=def\n\n\n".getBytes(StandardCharsets.UTF_8)).file("oci2", "x")), "malformed PAX record"));
        cases.add(bad("PAX record length past its header", () -> valid(t -> t.entry("PaxHeaders/x", 'x', 12,
                "99 size=1\n\n\n".getBytes(StandardCharsets.UTF_8)).file("oci2", "x")), "malformed PAX record"));
        cases.add(bad("two PAX headers in a row", () -> valid(t -> t.pax("mtime=1").pax("mtime=2")
                .file("blobs/sha256/" + "5".repeat(64), "x")), "second PAX extended header"));
        cases.add(bad("PAX header then end of archive", () -> new TarStream().file("oci-layout", LAYOUT)
                .pax("mtime=1").end().bytes(), "followed by the end"));
        cases.add(bad("global PAX header setting path", () -> valid(t -> t.globalPax("path=evil")), "global PAX"));
        cases.add(bad("negative base-256 size", () -> {
            byte[] size = new byte[12];
            Arrays.fill(size, (byte) 0xff);
            return valid(t -> t.raw(TarStream.header("blobs/sha256/" + "6".repeat(64), '0', size)));
        }, "negative"));
        cases.add(bad("overflowing base-256 size", () -> {
            byte[] size = new byte[12];
            Arrays.fill(size, (byte) 0x7f);
            size[0] = (byte) 0x80;
            return valid(t -> t.raw(TarStream.header("blobs/sha256/" + "6".repeat(64), '0', size)));
        }, "overflows"));
        cases.add(bad("octal size past the end", () -> valid(t -> t.raw(TarStream.header("blobs/sha256/"
                + "7".repeat(64), '0', TarStream.octal(8L * 1024 * 1024 * 1024 - 1)))), "run past the end"));
        cases.add(bad("octal size field with garbage", () -> valid(t -> t.raw(TarStream.header("blobs/sha256/"
                + "7".repeat(64), '0', "12x4\0\0\0\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII)))),
                "not an octal number"));
        cases.add(bad("corrupt header checksum", () -> {
            byte[] b = valid(t -> t);
            b[512 * 2 + 10] ^= 0x20; // inside index.json's header name
            return b;
        }, "wrong checksum"));
        cases.add(bad("data after the first end record", () -> {
            byte[] b = valid(t -> t);
            b[b.length - 100] = 1;
            return b;
        }, "after the first end-of-archive record"));
        cases.add(new Case("more entries than the limit", () -> valid(t -> {
            for (int i = 0; i < 10; i++) {
                t.file("blobs/sha256/" + String.valueOf(i).repeat(64).substring(0, 64), "x");
            }
            return t;
        }), ReaderLimits.DEFAULTS.withMaxEntries(4), "more than 4 entries"));
        // Issue 12 item 2: the tag, manifest and reference limits, each named when exceeded.
        Descriptor platforms = C.index(java.util.Map.of("amd64", MANIFEST));
        cases.add(new Case("more tags than the limit", () -> archive(LAYOUT, index(MANIFEST, MANIFEST), LAYER, CONFIG,
                MANIFEST), ReaderLimits.DEFAULTS.withMaxGraph(1, 10, 10), "more than the reader's limit of 1 tags per"
                + " archive (ReaderLimits.maxTags)"));
        cases.add(new Case("more manifests than the limit", () -> archive(LAYOUT, index(platforms), LAYER, CONFIG,
                MANIFEST, platforms), ReaderLimits.DEFAULTS.withMaxGraph(10, 1, 10), "more than 1 distinct manifests"
                + " are reachable from index.json, the reader's limit of manifests per archive"
                + " (ReaderLimits.maxManifests)"));
        cases.add(new Case("more references than the limit", () -> archive(LAYOUT, index(MANIFEST), LAYER, CONFIG,
                MANIFEST), ReaderLimits.DEFAULTS.withMaxGraph(10, 10, 1), "more than 1 descriptors together, the"
                + " reader's limit (ReaderLimits.maxReferences)"));
        // Catalog tampering (archives this SDK wrote).
        cases.add(bad("catalog's index digest mismatch", () -> tamperedOwnArchive("index.json", "team/app:1.0",
                "team/app:1.1"), "records index.json's digest"));
        cases.add(bad("catalog's blob offset mismatch", () -> tamperedOwnArchive("catalog.json", "\"offset\":512}",
                "\"offset\":513}"), "the archive was altered"));
        cases.add(bad("catalog with an unknown formatVersion", () -> tamperedOwnArchive("catalog.json",
                "\"formatVersion\":1,", "\"formatVersion\":7,"), "formatVersion is 7"));
        // Signatures.
        cases.add(bad("signature without catalog.json", () -> valid(t -> t.file("catalog.json.sig", "x".repeat(64))),
                "signs a catalog.json the archive does not hold"));
        cases.add(bad("signature over 1 KiB", () -> valid(t -> t.file("catalog.json.sig", "x".repeat(1025))),
                "over the 1024-byte limit for catalog.json.sig"));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void hostileArchiveIsRefusedWithAClearMessage(Case c) {
        BytesSource source = new BytesSource(c.name().replace(' ', '_'), c.bytes().get());
        Throwable thrown = catchThrowable(() -> {
            try (ArchiveReader reader = ArchiveReader.open(source, c.limits())) {
                ArchiveFixture.readAll(reader);
            }
        });
        ArchiveFormatException refusal = thrown instanceof ArchiveFormatException afe ? afe
                : thrown instanceof IOException && thrown.getCause() instanceof ArchiveFormatException afe ? afe
                : null;
        assertThat(refusal).as("refusal of %s (thrown: %s)", c.name(), thrown).isNotNull();
        assertThat(refusal.getMessage()).contains("Archive " + source.describe() + " is refused: ")
                .contains(c.expected());
    }

    @Test
    void corpusHasAtLeastThirtyCases() {
        assertThat(corpus().count()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void theValidBaseArchiveOpensAndReads() throws IOException {
        try (ArchiveReader reader = ArchiveReader.open(new BytesSource("base", valid(t -> t)))) {
            assertThat(reader.index()).singleElement().satisfies(e -> {
                assertThat(e.refName()).isEqualTo("v1");
                assertThat(e.tagOnly()).isTrue();
            });
            assertThat(ArchiveFixture.readAll(reader)).hasSize(3);
            assertThat(reader.catalog()).isEmpty();
        }
        // And so does an archive whose last end record is missing (GNU tar and Go accept it, nothing is lost).
        byte[] oneEndRecord = valid(t -> t);
        assertThat(ArchiveReader.open(new BytesSource("short-end", Arrays.copyOf(oneEndRecord,
                oneEndRecord.length - 512))).index()).hasSize(1);
    }

    @Test
    void hundredThousandTinyEntriesAreRefusedAtTheDefaultLimit() throws IOException {
        Path file = dir.resolve("many.tar");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(new TarStream().file("oci-layout", LAYOUT).bytes());
            // One header template; each entry patches the last 8 hex digits of its name and the checksum.
            byte[] template = TarStream.header("blobs/sha256/" + "0".repeat(64), '0', TarStream.octal(0));
            long baseSum = 0;
            for (int i = 0; i < 512; i++) {
                baseSum += (i >= 148 && i < 156) ? ' ' : template[i] & 0xff;
            }
            byte[] h = template.clone();
            for (int i = 0; i < 100_000; i++) {
                byte[] suffix = String.format("%08x", i).getBytes(StandardCharsets.US_ASCII);
                long sum = baseSum;
                for (int k = 0; k < 8; k++) {
                    h[13 + 56 + k] = suffix[k];
                    sum += suffix[k] - '0';
                }
                byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(checksum, 0, h, 148, 8);
                out.write(h);
            }
            out.write(new byte[1024]);
        }
        ArchiveSource source = ArchiveSource.of(file);
        Throwable thrown = catchThrowable(() -> ArchiveReader.open(source));
        assertThat(thrown).isInstanceOf(ArchiveFormatException.class)
                .hasMessageContaining("Archive " + file + " is refused")
                .hasMessageContaining("more than 50000 entries");
    }

    // ---- building blocks ------------------------------------------------------------------------------------

    private static Case bad(String name, Supplier<byte[]> bytes, String expected) {
        return new Case(name, bytes, ReaderLimits.DEFAULTS, expected);
    }

    /** oci-layout, index.json, the valid blobs, with {@code extra} applied between index.json and the blobs. */
    private static byte[] valid(java.util.function.UnaryOperator<TarStream> extra) {
        TarStream t = new TarStream().file("oci-layout", LAYOUT).file("index.json", index(MANIFEST));
        t = extra.apply(t);
        return t.file("blobs/sha256/" + hex(CONFIG), C.bytes(CONFIG)).file("blobs/sha256/" + hex(MANIFEST),
                C.bytes(MANIFEST)).file("blobs/sha256/" + hex(LAYER), C.bytes(LAYER)).end().bytes();
    }

    /** oci-layout, index.json and blobs (an {@link Altered} blob keeps its name and size, not its bytes). */
    private static byte[] archive(String layout, String index, Object... blobs) {
        TarStream t = new TarStream().file("oci-layout", layout).file("index.json", index);
        for (Object b : blobs) {
            if (b instanceof Altered a) {
                t.file("blobs/sha256/" + hex(a.original()), a.bytes());
            } else {
                Descriptor d = (Descriptor) b;
                t.file("blobs/sha256/" + hex(d), C.bytes(d));
            }
        }
        return t.end().bytes();
    }

    private record Altered(Descriptor original, byte[] bytes) {
    }

    private static Altered altered(Descriptor d) {
        byte[] b = C.bytes(d).clone();
        b[b.length / 2] ^= 0x01;
        return new Altered(d, b);
    }

    /** An index.json naming these descriptors; the first is tagged v1 (a tag-only ref.name, as skopeo writes). */
    private static String index(Descriptor... ds) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < ds.length; i++) {
            Descriptor d = ds[i];
            items.add("{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size()
                    + (i == 0 ? ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}" : "") + "}");
        }
        return "{\"schemaVersion\":2,\"manifests\":[" + String.join(",", items) + "]}";
    }

    /** A chain of 20 indexes, each naming the next, the last naming the image. */
    private static byte[] deepIndexes() {
        TestContent c = new TestContent();
        Descriptor layer = c.layer(10, 1);
        Descriptor top = c.image(c.config("amd64", layer), layer);
        for (int i = 0; i < 20; i++) {
            top = c.index(java.util.Map.of("amd64", top));
        }
        TarStream t = new TarStream().file("oci-layout", LAYOUT).file("index.json", index(top));
        c.all().forEach((digest, bytes) -> t.file("blobs/sha256/" + digest.substring(7), bytes));
        return t.end().bytes();
    }

    /** This SDK's archive of the fixture, with one same-length replacement inside one entry's data. */
    private static byte[] tamperedOwnArchive(String entry, String from, String to) {
        ArchiveFixture fixture = new ArchiveFixture();
        ArchivePlan plan = ArchivePlan.plan(fixture.request());
        byte[] archive = ArchiveFixture.write(plan, fixture.content.opener());
        PlannedEntry e = plan.entries().stream().filter(p -> p.name().equals(entry)).findFirst().orElseThrow();
        String data = new String(archive, (int) e.dataOffset(), (int) e.size(), StandardCharsets.ISO_8859_1);
        assertThat(data).contains(from);
        assertThat(to).hasSameSizeAs(from);
        byte[] replaced = data.replaceFirst(java.util.regex.Pattern.quote(from), to)
                .getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(replaced, 0, archive, (int) e.dataOffset(), replaced.length);
        return archive;
    }

    private static String hex(Descriptor d) {
        return d.digest().substring("sha256:".length());
    }

}
