// Generates the hostile-archive corpus: each case a small valid OCI-layout tar with exactly one defect.
package org.ocitransfer.core.internal.archive.hostile;

import static org.ocitransfer.core.internal.archive.TestContent.gzip;
import static org.ocitransfer.core.internal.archive.TestContent.indexOf;
import static org.ocitransfer.core.internal.archive.TestContent.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.core.internal.archive.ArchivePlan;
import org.ocitransfer.core.internal.archive.ArchiveRequest;
import org.ocitransfer.core.internal.archive.ArchiveWriter;
import org.ocitransfer.core.internal.archive.ArchivedArtifact;
import org.ocitransfer.core.internal.archive.PlannedEntry;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.testing.Seeds;

/**
 * The hostile-archive corpus. Every case starts from one small valid archive (an image {@code hostile/app:v1}: a
 * config, a gzip layer, a manifest) and adds exactly one defect: truncation, digest and size mismatches, path
 * traversal, links and devices, duplicates, PAX and base-256 size abuse, broken JSON, missing blobs, a manifest
 * cycle, deep nesting, 100,000 entries, a manifest over 4 MiB, catalog tampering, input that is not tar, a gzip bomb
 * with a wrong digest. Each case says which phrase the refusal must carry. Deterministic: fixed seeds.
 */
final class HostileArchives {

    /** The repository and tag the valid base archive names. */
    static final String REPOSITORY = "hostile/app";
    static final String TAG = "v1";

    static final String LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";
    static final byte[] LAYER_BYTES = gzip(Seeds.bytes(3000, 11));
    static final Descriptor LAYER = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, LAYER_BYTES);
    static final byte[] CONFIG_BYTES = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":"
            + "{\"type\":\"layers\",\"diff_ids\":[\"" + LAYER.digest() + "\"]}}").getBytes(StandardCharsets.UTF_8);
    static final Descriptor CONFIG = Descriptor.of(MediaTypes.OCI_CONFIG, CONFIG_BYTES);
    static final byte[] MANIFEST_BYTES = image(CONFIG, LAYER);
    static final Descriptor MANIFEST = Descriptor.of(MediaTypes.OCI_MANIFEST, MANIFEST_BYTES);

    /**
     * A corpus case.
     *
     * @param name          what is wrong, for test names
     * @param expected      a phrase the run's error message must contain
     * @param body          writes the archive
     * @param catalogDigest the catalogDigest the import run asks for, or null
     * @param large         whether the archive is big (megabytes): also run with a small heap
     */
    record Case(String name, String expected, Consumer<TarStream> body, String catalogDigest, boolean large) {
        @Override
        public String toString() {
            return name;
        }

        /** Writes the archive into a file. */
        void writeTo(Path file) {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                body.accept(new TarStream(out));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write corpus case " + name + " to " + file, e);
            }
        }

        /** The archive's bytes (small cases). */
        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            body.accept(new TarStream(out));
            return out.toByteArray();
        }
    }

    private HostileArchives() {
    }

    /** Every case, in a fixed order. */
    static List<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        String layerHex = hex(LAYER);

        // Truncated at many offsets: inside the first header, inside entries' data, at the end marker.
        byte[] whole = valid(t -> { });
        int layerData = indexOf(whole, LAYER_BYTES);
        List<Integer> cuts = new ArrayList<>(List.of(0, 1, 100, 511, 512 + 10, 1024 + 200, 2048 + 30,
                layerData - 512, layerData + 1, layerData + LAYER_BYTES.length / 2, whole.length - 1024,
                whole.length - 1024 + 100));
        SplittableRandom random = new SplittableRandom(Seeds.seed(8));
        for (int i = 0; i < 4; i++) {
            cuts.add(512 + random.nextInt(whole.length - 1024 - 512));
        }
        for (int cut : cuts) {
            cases.add(bad("truncated at byte " + cut + " of " + whole.length, cut < 512 ? "not a tar archive"
                    : "truncated", t -> t.raw(Arrays.copyOf(whole, cut))));
        }

        // Digest and size mismatches.
        cases.add(bad("layer bytes differ from the layer's digest", "does not match", t -> archive(t,
                indexJson(MANIFEST), CONFIG_BYTES, MANIFEST_BYTES, flip(LAYER_BYTES), LAYER)));
        cases.add(bad("config bytes differ from the config's digest", "does not match", t -> archive(t,
                indexJson(MANIFEST), flip(CONFIG_BYTES), CONFIG, MANIFEST_BYTES, LAYER_BYTES)));
        cases.add(bad("manifest bytes differ from the manifest's digest", "does not match its digest",
                t -> archive(t, indexJson(MANIFEST), CONFIG_BYTES, flip(MANIFEST_BYTES), MANIFEST, LAYER_BYTES)));
        cases.add(bad("index.json gives the manifest a wrong size", "describes it as", t -> archive(t,
                indexJson(Descriptor.of(MANIFEST.mediaType(), MANIFEST.digest(), MANIFEST.size() + 7)),
                CONFIG_BYTES, MANIFEST_BYTES, LAYER_BYTES)));
        cases.add(bad("layer entry shorter than its descriptor", "describes it as", t -> archive(t,
                indexJson(MANIFEST), CONFIG_BYTES, MANIFEST_BYTES,
                Arrays.copyOf(LAYER_BYTES, LAYER_BYTES.length - 1), LAYER)));

        // Path traversal, absolute paths.
        cases.add(bad("entry ../escape", "path traversal", t -> valid(t, x -> x.file("../escape", "x"))));
        cases.add(bad("entry /etc/passwd", "absolute path", t -> valid(t, x -> x.file("/etc/passwd", "x"))));
        cases.add(bad("entry blobs/sha256/../../x", "path traversal",
                t -> valid(t, x -> x.file("blobs/sha256/../../x", "x"))));
        cases.add(bad("PAX path ../../evil", "path traversal",
                t -> valid(t, x -> x.pax("path=../../evil").file("blobs/sha256/" + "a".repeat(64), "x"))));
        cases.add(bad("GNU long name ../../evil", "path traversal", t -> valid(t, x -> x.entry("././@LongLink", 'L',
                TarStream.octal(11), "../../evil\0".getBytes(StandardCharsets.UTF_8)).file("placeholder", "x"))));

        // Links and devices.
        cases.add(bad("symbolic link to /etc/passwd", "symbolic link", t -> valid(t, x -> x.raw(withLinkName(
                TarStream.header("blobs/sha256/" + "1".repeat(64), '2', TarStream.octal(0)), "/etc/passwd")))));
        cases.add(bad("hard link to index.json", "hard link", t -> valid(t, x -> x.raw(withLinkName(
                TarStream.header("blobs/sha256/" + "2".repeat(64), '1', TarStream.octal(0)), "index.json")))));
        cases.add(bad("character device", "character device",
                t -> valid(t, x -> x.entry("blobs/sha256/" + "3".repeat(64), '3', TarStream.octal(0), new byte[0]))));
        cases.add(bad("block device", "block device",
                t -> valid(t, x -> x.entry("blobs/sha256/" + "4".repeat(64), '4', TarStream.octal(0), new byte[0]))));
        cases.add(bad("FIFO", "FIFO",
                t -> valid(t, x -> x.entry("blobs/sha256/" + "5".repeat(64), '6', TarStream.octal(0), new byte[0]))));

        // Duplicate entries with different content.
        cases.add(bad("second index.json naming the config", "duplicate",
                t -> valid(t, x -> x.file("index.json", indexJson(CONFIG)))));
        cases.add(bad("second copy of the layer with other bytes", "duplicate",
                t -> valid(t, x -> x.file("blobs/sha256/" + layerHex, flip(LAYER_BYTES)))));

        // PAX header and size-field abuse.
        cases.add(bad("PAX size 9 TB, past the end", "run past the end",
                t -> valid(t, x -> x.pax("size=9000000000000").file("blobs/sha256/" + "6".repeat(64), "x"))));
        cases.add(bad("PAX size negative", "is not a size",
                t -> valid(t, x -> x.pax("size=-1").file("blobs/sha256/" + "6".repeat(64), "x"))));
        cases.add(bad("PAX size overflowing 2^63", "is not a size", t -> valid(t,
                x -> x.pax("size=99999999999999999999").file("blobs/sha256/" + "6".repeat(64), "x"))));
        cases.add(bad("PAX header claiming 1 GiB", "over the reader's limit",
                t -> valid(t, x -> x.raw(TarStream.header("PaxHeaders/0", 'x', TarStream.octal(1L << 30))))));
        cases.add(bad("global PAX header setting every path", "global PAX",
                t -> valid(t, x -> x.globalPax("path=evil"))));
        cases.add(bad("negative base-256 size", "negative", t -> valid(t, x -> x.raw(TarStream.header(
                "blobs/sha256/" + "7".repeat(64), '0', TarStream.sizeField(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                        0xff, 0xff, 0xff, 0xff, 0xff))))));
        cases.add(bad("base-256 size overflowing 63 bits", "overflows", t -> valid(t, x -> x.raw(TarStream.header(
                "blobs/sha256/" + "7".repeat(64), '0', TarStream.sizeField(0x80, 0x3f, 0xff, 0xff, 0xff, 0xff, 0xff,
                        0xff, 0xff, 0xff, 0xff, 0xff))))));
        cases.add(bad("header checksum wrong", "wrong checksum", t -> {
            byte[] b = valid(x -> { });
            b[1024 + 5] ^= 0x20; // inside index.json's header name
            t.raw(b);
        }));

        // Invalid JSON.
        cases.add(bad("index.json cut short", "'index.json' is not valid JSON", t -> archive(t,
                "{\"schemaVersion\":2,\"manifests\":[", CONFIG_BYTES, MANIFEST_BYTES, LAYER_BYTES)));
        cases.add(bad("index.json nested 100,000 arrays deep", "'index.json' is not valid JSON", t -> archive(t,
                "[".repeat(100_000), CONFIG_BYTES, MANIFEST_BYTES, LAYER_BYTES)));
        cases.add(bad("oci-layout not JSON", "'oci-layout' is not valid JSON", t -> {
            t.file("oci-layout", "imageLayoutVersion=1.0.0").file("index.json", indexJson(MANIFEST));
            blobs(t, CONFIG_BYTES, MANIFEST_BYTES, LAYER_BYTES).end();
        }));
        byte[] notJson = "{\"schemaVersion\":2,\"config\":".getBytes(StandardCharsets.UTF_8);
        Descriptor notJsonManifest = Descriptor.of(MediaTypes.OCI_MANIFEST, notJson);
        cases.add(bad("manifest not JSON", "is not a valid",
                t -> archive(t, indexJson(notJsonManifest), notJson)));

        // Missing pieces.
        cases.add(bad("index.json names a manifest the archive lacks", "index.json names blob " + MANIFEST.digest(),
                t -> archive(t, indexJson(MANIFEST), CONFIG_BYTES, LAYER_BYTES)));
        cases.add(bad("manifest names a layer the archive lacks", "names blob " + LAYER.digest(),
                t -> archive(t, indexJson(MANIFEST), CONFIG_BYTES, MANIFEST_BYTES)));

        // A manifest cycle (only expressible as a lie about a digest) and very deep nesting.
        cases.add(bad("index listing itself (a cycle)", "does not match its digest", HostileArchives::selfCycle));
        cases.add(bad("index pair listing each other (a cycle)", "does not match its digest",
                HostileArchives::pairCycle));
        cases.add(bad("indexes nested 40 deep", "deeper than the reader's limit", t -> deepIndexes(t, 40)));

        // Big inputs.
        cases.add(new Case("100,000 tiny entries", "more than 50000 entries", HostileArchives::manyEntries, null,
                true));
        cases.add(new Case("manifest of 4 MiB + 1 byte", "limit for manifests", HostileArchives::hugeManifest, null,
                true));
        cases.add(new Case("gzip bomb (1 GiB of zeros) with a wrong digest", "does not match",
                t -> bombArchive(t, true), null, true));

        // Catalog tampering in an archive this SDK wrote.
        cases.add(new Case("catalogDigest other than the run asks", "the run asked for", t -> t.raw(ownArchive()),
                "sha256:" + "0".repeat(64), false));
        cases.add(bad("catalog records another index.json digest", "records index.json's digest",
                t -> t.raw(tampered("index.json", "hostile/app:v1", "hostile/app:v2"))));
        cases.add(bad("catalog places a blob at another offset", "the archive was altered",
                t -> t.raw(tampered("catalog.json", "\"offset\":512}", "\"offset\":513}"))));

        // Issue 12 item 1: one ref.name for two digests (which one ends up tagged would depend on timing).
        cases.add(bad("two digests under one ref.name", "names hostile/app:v1 for more than one digest",
                t -> archive(t, "{\"schemaVersion\":2,\"manifests\":[" + named(MANIFEST, REPOSITORY + ":" + TAG)
                        + "," + named(OTHER_MANIFEST, REPOSITORY + ":" + TAG) + "]}", CONFIG_BYTES, MANIFEST_BYTES,
                        LAYER_BYTES, OTHER_CONFIG_BYTES, OTHER_MANIFEST_BYTES)));

        // Issue 12 item 4: mislabelled roots, each named in the refusal.
        byte[] untyped = ("{\"schemaVersion\":2,\"config\":" + json(CONFIG) + ",\"layers\":[" + json(LAYER) + "]}")
                .getBytes(StandardCharsets.UTF_8); // an image manifest body without its optional mediaType field
        cases.add(bad("root typed application/octet-stream with a JSON body",
                "index.json manifests[0] (hostile/app:v1) is typed application/octet-stream",
                t -> archive(t, indexJson(Descriptor.of("application/octet-stream", untyped)), CONFIG_BYTES, untyped,
                        LAYER_BYTES)));
        byte[] schema1 = ("{\"schemaVersion\":1,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1"
                + "+prettyjws\",\"name\":\"hostile/app\",\"tag\":\"v1\",\"architecture\":\"amd64\",\"fsLayers\":"
                + "[{\"blobSum\":\"" + LAYER.digest() + "\"}],\"history\":[{\"v1Compatibility\":\"{}\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        Descriptor schema1Root = Descriptor.of(MediaTypes.DOCKER_MANIFEST, schema1);
        cases.add(bad("root with a schemaVersion 1 body", "schemaVersion 1",
                t -> archive(t, indexJson(schema1Root), schema1, LAYER_BYTES)));
        byte[] layersIndex = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"layers\":["
                + json(LAYER) + "]}").getBytes(StandardCharsets.UTF_8);
        Descriptor layersIndexRoot = Descriptor.of(MediaTypes.OCI_INDEX, layersIndex);
        cases.add(bad("index root with layers[] and no manifests[]", "has no 'manifests' array",
                t -> archive(t, indexJson(layersIndexRoot), layersIndex, LAYER_BYTES)));

        // Issue 12 item 5: a catalog listing one blob twice and omitting another; entries after the end marker.
        cases.add(bad("catalog lists one blob twice and omits another", "lists blob " + CONFIG.digest() + " twice",
                t -> t.raw(ownArchiveWithCatalog(catalog -> catalog.replace(blobItem(catalog, LAYER),
                        blobItem(catalog, CONFIG))))));
        cases.add(bad("an entry after the end-of-archive marker", "after the end-of-archive marker", t -> {
            valid(t, x -> { });
            t.file("blobs/sha256/" + "e".repeat(64), "hidden").end();
        }));

        // Issue 12 item 7: beside a layout, only docker load's manifest.json and repositories are ignored.
        cases.add(bad("a top-level file other than docker load's two", "unexpected file", t -> valid(t,
                x -> dockerLoadFiles(x).file("manifest.yaml", "x"))));
        cases.add(bad("docker load's manifest.json inside blobs/", "unexpected file",
                t -> valid(t, x -> x.file("blobs/manifest.json", "[]"))));

        // Not tar at all.
        cases.add(bad("random bytes", "not a tar archive", t -> t.raw(Seeds.bytes(4096, 3))));
        cases.add(bad("plain text", "not a tar archive",
                t -> t.raw("hello\n".repeat(500).getBytes(StandardCharsets.UTF_8))));
        cases.add(bad("gzip-compressed archive", "not a tar archive", t -> t.raw(gzip(whole))));
        cases.add(bad("zip archive", "not a tar archive", t -> t.raw(zip(whole))));
        cases.add(bad("empty file", "not a tar archive", t -> { }));
        return cases;
    }

    /** A second image (another config, the same layer), to name under the same ref.name as the base image. */
    static final byte[] OTHER_CONFIG_BYTES = ("{\"architecture\":\"arm64\",\"os\":\"linux\",\"config\":{},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + LAYER.digest() + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    static final Descriptor OTHER_CONFIG = Descriptor.of(MediaTypes.OCI_CONFIG, OTHER_CONFIG_BYTES);
    static final byte[] OTHER_MANIFEST_BYTES = image(OTHER_CONFIG, LAYER);
    static final Descriptor OTHER_MANIFEST = Descriptor.of(MediaTypes.OCI_MANIFEST, OTHER_MANIFEST_BYTES);

    // ----- the valid base and building blocks -----

    private static Case bad(String name, String expected, Consumer<TarStream> body) {
        return new Case(name, expected, body, null, false);
    }

    /** The valid base archive, with {@code extra} entries between index.json and the blobs. */
    static void valid(TarStream t, Consumer<TarStream> extra) {
        t.file("oci-layout", LAYOUT).file("index.json", indexJson(MANIFEST));
        extra.accept(t);
        blobs(t, CONFIG_BYTES, MANIFEST_BYTES, LAYER_BYTES).end();
    }

    /** The valid base archive's bytes, with extra entries. */
    static byte[] valid(Consumer<TarStream> extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        valid(new TarStream(out), extra);
        return out.toByteArray();
    }

    /**
     * oci-layout, this index.json, then blobs: each {@code byte[]} stored under its own digest, unless the next
     * argument is a {@link Descriptor}, which names the entry instead (so bytes can lie about their digest).
     */
    private static void archive(TarStream t, String indexJson, Object... blobs) {
        t.file("oci-layout", LAYOUT).file("index.json", indexJson);
        for (int i = 0; i < blobs.length; i++) {
            byte[] bytes = (byte[]) blobs[i];
            Descriptor name = Descriptor.of("x", bytes);
            if (i + 1 < blobs.length && blobs[i + 1] instanceof Descriptor claimed) {
                name = claimed;
                i++;
            }
            t.file("blobs/sha256/" + hex(name), bytes);
        }
        t.end();
    }

    private static TarStream blobs(TarStream t, byte[]... blobs) {
        for (byte[] b : blobs) {
            t.file("blobs/sha256/" + hex(Descriptor.of("x", b)), b);
        }
        return t;
    }

    /** index.json naming these manifests; the first is named {@code hostile/app:v1}. */
    static String indexJson(Descriptor... ds) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < ds.length; i++) {
            items.add("{\"mediaType\":\"" + ds[i].mediaType() + "\",\"digest\":\"" + ds[i].digest() + "\",\"size\":"
                    + ds[i].size() + (i == 0 ? ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
                    + REPOSITORY + ":" + TAG + "\"}" : "") + "}");
        }
        return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + String.join(",", items) + "]}";
    }

    static byte[] image(Descriptor config, Descriptor... layers) {
        List<String> items = new ArrayList<>();
        for (Descriptor l : layers) {
            items.add(json(l));
        }
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":" + json(config)
                + ",\"layers\":[" + String.join(",", items) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] index(Descriptor... children) {
        List<String> items = new ArrayList<>();
        for (Descriptor c : children) {
            items.add(json(c));
        }
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + String.join(",", items) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    static String hex(Descriptor d) {
        return d.digest().substring("sha256:".length());
    }

    static byte[] flip(byte[] bytes) {
        byte[] b = bytes.clone();
        b[b.length / 2] ^= 0x01;
        return b;
    }

    private static byte[] zip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("archive.tar"));
            zip.write(content);
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] withLinkName(byte[] header, String target) {
        byte[] h = header.clone();
        byte[] t = target.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(t, 0, h, 157, t.length);
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] checksum = (String.format("%06o", sum) + "\0 ").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, h, 148, checksum.length);
        return h;
    }

    // ----- cycles and nesting -----

    /** An index stored under digest D whose only child is D itself: its bytes cannot hash to D. */
    private static void selfCycle(TarStream t) {
        String claimed = "sha256:" + "c".repeat(64);
        byte[] bytes = index(Descriptor.of(MediaTypes.OCI_INDEX, claimed, 0)); // size fixed below
        Descriptor self = Descriptor.of(MediaTypes.OCI_INDEX, claimed, bytes.length);
        bytes = index(self);
        self = Descriptor.of(MediaTypes.OCI_INDEX, claimed, bytes.length);
        t.file("oci-layout", LAYOUT).file("index.json", indexJson(self)).file("blobs/sha256/" + hex(self), bytes)
                .end();
    }

    /** Index A lists B and B lists A; B is honest, so A's bytes cannot hash to the digest B gives it. */
    private static void pairCycle(TarStream t) {
        String claimedA = "sha256:" + "d".repeat(64);
        long aSize = 0;
        byte[] aBytes;
        byte[] bBytes;
        do {
            bBytes = index(Descriptor.of(MediaTypes.OCI_INDEX, claimedA, aSize));
            aBytes = index(Descriptor.of(MediaTypes.OCI_INDEX, bBytes));
            if (aBytes.length == aSize) {
                break;
            }
            aSize = aBytes.length;
        } while (true);
        Descriptor a = Descriptor.of(MediaTypes.OCI_INDEX, claimedA, aSize);
        t.file("oci-layout", LAYOUT).file("index.json", indexJson(a)).file("blobs/sha256/" + hex(a), aBytes);
        blobs(t, bBytes).end();
    }

    /** A chain of {@code depth} honest indexes over the base image. */
    private static void deepIndexes(TarStream t, int depth) {
        List<byte[]> chain = new ArrayList<>();
        Descriptor top = MANIFEST;
        for (int i = 0; i < depth; i++) {
            byte[] bytes = index(top);
            chain.add(bytes);
            top = Descriptor.of(MediaTypes.OCI_INDEX, bytes);
        }
        t.file("oci-layout", LAYOUT).file("index.json", indexJson(top));
        for (byte[] bytes : chain) {
            t.file("blobs/sha256/" + hex(Descriptor.of("x", bytes)), bytes);
        }
        blobs(t, CONFIG_BYTES, MANIFEST_BYTES, LAYER_BYTES).end();
    }

    // ----- big inputs -----

    /** The base archive with 100,000 empty blob entries after it (about 51 MB of headers). */
    private static void manyEntries(TarStream t) {
        t.file("oci-layout", LAYOUT).file("index.json", indexJson(MANIFEST));
        blobs(t, CONFIG_BYTES, MANIFEST_BYTES, LAYER_BYTES);
        byte[] name = new byte[32];
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < 100_000; i++) {
            name[28] = (byte) (i >>> 24);
            name[29] = (byte) (i >>> 16);
            name[30] = (byte) (i >>> 8);
            name[31] = (byte) i;
            t.raw(TarStream.header("blobs/sha256/" + hex.formatHex(name), '0', TarStream.octal(0)));
        }
        t.end();
    }

    /**
     * Fan-out (issue 12 item 2): one index of {@code manifests} small image manifests (each distinct by an
     * annotation, all sharing the base config and layer), named by index.json under {@code tags} tags
     * ({@code hostile/app:t0} ...): about 1.3 KB of archive per manifest.
     */
    static void fanOut(TarStream t, int manifests, int tags) {
        List<String> children = new ArrayList<>(manifests);
        List<byte[]> bodies = new ArrayList<>(manifests);
        for (int i = 0; i < manifests; i++) {
            byte[] body = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                    + json(CONFIG) + ",\"layers\":[" + json(LAYER) + "],\"annotations\":{\"n\":\"" + i + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            bodies.add(body);
            children.add(json(Descriptor.of(MediaTypes.OCI_MANIFEST, body)));
        }
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + String.join(",", children) + "]}").getBytes(StandardCharsets.UTF_8);
        Descriptor root = Descriptor.of(MediaTypes.OCI_INDEX, index);
        List<String> named = new ArrayList<>(tags);
        for (int i = 0; i < tags; i++) {
            named.add(named(root, REPOSITORY + ":t" + i));
        }
        t.file("oci-layout", LAYOUT).file("index.json", "{\"schemaVersion\":2,\"manifests\":["
                + String.join(",", named) + "]}");
        t.file("blobs/sha256/" + hex(root), index);
        for (byte[] body : bodies) {
            t.file("blobs/sha256/" + hex(Descriptor.of("x", body)), body);
        }
        blobs(t, CONFIG_BYTES, LAYER_BYTES).end();
    }

    /**
     * This SDK's archive with a catalog.json just under the reader's 16 MiB limit (issue 12 item 3), streamed into
     * {@code t} (so a small heap can write it). When {@code consistent}, the catalog is the export's own padded with
     * whitespace (valid, so the archive imports); otherwise its blobs list goes on with about 90,000 blobs the archive
     * does not hold.
     */
    static void ownArchiveWithCatalogAtLimit(TarStream t, boolean consistent) {
        int target = 16 * 1024 * 1024 - 64;
        ArchivePlan plan = plan();
        byte[] archive = write(plan);
        PlannedEntry e = catalogEntry(plan);
        String catalog = new String(archive, (int) e.dataOffset(), (int) e.size(), StandardCharsets.UTF_8);
        String head = consistent ? catalog : catalog.substring(0, catalog.length() - 2); // without the closing "]}"
        String tail = consistent ? "" : "]}";
        String item = ",{\"digest\":\"sha256:" + "0".repeat(64) + "\",\"size\":1000,\"mediaType\":\""
                + MediaTypes.OCI_LAYER_GZIP + "\",\"offset\":0}";
        int items = consistent ? 0 : (target - head.length() - tail.length()) / item.length();
        long size = consistent ? target : head.length() + (long) items * item.length() + tail.length();
        t.raw(Arrays.copyOf(archive, (int) e.headerOffset()));
        t.raw(TarStream.header(ArchivePlan.CATALOG_JSON, '0', TarStream.octal(size)));
        t.raw(head.getBytes(StandardCharsets.UTF_8));
        if (consistent) {
            t.raw(" ".repeat((int) (size - head.length())).getBytes(StandardCharsets.US_ASCII));
        }
        HexFormat hexFormat = HexFormat.of();
        byte[] digest = new byte[32];
        for (int i = 0; i < items; i++) {
            digest[28] = (byte) (i >>> 24);
            digest[29] = (byte) (i >>> 16);
            digest[30] = (byte) (i >>> 8);
            digest[31] = (byte) (i + 1);
            t.raw(item.replace("0".repeat(64), hexFormat.formatHex(digest)).getBytes(StandardCharsets.US_ASCII));
        }
        t.raw(tail.getBytes(StandardCharsets.US_ASCII));
        t.raw(new byte[(int) ((512 - size % 512) % 512)]);
        long after = e.dataOffset() + ((e.size() + 511) / 512) * 512;
        t.raw(Arrays.copyOfRange(archive, (int) after, archive.length));
    }

    /** An image manifest of 4 MiB + 1 byte (valid JSON, padded with spaces), correctly digested. */
    private static void hugeManifest(TarStream t) {
        byte[] base = MANIFEST_BYTES;
        byte[] big = Arrays.copyOf(base, MediaTypes.MAX_MANIFEST_BYTES + 1);
        Arrays.fill(big, base.length, big.length, (byte) ' ');
        Descriptor d = Descriptor.of(MediaTypes.OCI_MANIFEST, big);
        t.file("oci-layout", LAYOUT).file("index.json", indexJson(d));
        blobs(t, CONFIG_BYTES, big, LAYER_BYTES).end();
    }

    /**
     * An archive whose layer is a gzip bomb (1 GiB of zeros in about 1 MiB). With {@code corrupt}, one byte of the
     * compressed data is flipped after the descriptor was computed, so only the digest can tell.
     */
    static void bombArchive(TarStream t, boolean corrupt) {
        byte[] bomb = GzipBomb.bytes();
        Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, bomb);
        writeImage(t, layer, corrupt ? flip(bomb) : bomb);
    }

    /** An archive whose single layer has these bytes, named by this descriptor (which may not match them). */
    static void writeImage(TarStream t, Descriptor layer, byte[] layerBytes) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
        Descriptor configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, config);
        byte[] manifest = image(configDescriptor, layer);
        Descriptor manifestDescriptor = Descriptor.of(MediaTypes.OCI_MANIFEST, manifest);
        t.file("oci-layout", LAYOUT).file("index.json", indexJson(manifestDescriptor));
        blobs(t, config, manifest);
        t.file("blobs/sha256/" + hex(layer), layerBytes).end();
    }

    // ----- this SDK's own archives, tampered -----

    /** This SDK's archive of the base image (with catalog.json), as the export writes it. */
    static byte[] ownArchive() {
        return write(plan());
    }

    private static ArchivePlan plan() {
        ArchivedArtifact artifact = new ArchivedArtifact(ArtifactRef.parse("registry.example:5000/" + REPOSITORY
                + ":" + TAG), MANIFEST);
        return ArchivePlan.plan(new ArchiveRequest("hostilepipe", "hostilerun", "registry.example:5000",
                List.of(artifact), List.of(MANIFEST, CONFIG, LAYER)));
    }

    private static byte[] write(ArchivePlan plan) {
        Map<String, byte[]> content = Map.of(MANIFEST.digest(), MANIFEST_BYTES, CONFIG.digest(), CONFIG_BYTES,
                LAYER.digest(), LAYER_BYTES);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ArchiveWriter.write(plan, out, d -> new java.io.ByteArrayInputStream(content.get(d.digest())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The two files {@code regctl image export} and {@code ctr images export} add beside the OCI layout for
     * {@code docker load}: manifest.json and repositories, naming the base image.
     */
    static TarStream dockerLoadFiles(TarStream t) {
        return t.file("manifest.json", "[{\"Config\":\"blobs/sha256/" + hex(CONFIG) + "\",\"RepoTags\":[\""
                        + REPOSITORY + ":" + TAG + "\"],\"Layers\":[\"blobs/sha256/" + hex(LAYER) + "\"]}]")
                .file("repositories", "{\"" + REPOSITORY + "\":{\"" + TAG + "\":\"" + hex(MANIFEST) + "\"}}");
    }

    /** An index.json item naming {@code d} as {@code refName}. */
    static String named(Descriptor d, String refName) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size()
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + refName + "\"}}";
    }

    /** The item of blob {@code d} in this SDK's catalog.json: {@code {"digest":...,"offset":...}}. */
    private static String blobItem(String catalog, Descriptor d) {
        int start = catalog.indexOf("{\"digest\":\"" + d.digest() + "\"");
        return catalog.substring(start, catalog.indexOf('}', start) + 1);
    }

    /**
     * This SDK's archive with catalog.json rewritten (any length: the catalog comes before the blobs, whose offsets
     * count from the first blob header, so nothing else moves). The archive is otherwise byte for byte the export's.
     */
    static byte[] ownArchiveWithCatalog(java.util.function.UnaryOperator<String> rewrite) {
        ArchivePlan plan = plan();
        byte[] archive = write(plan);
        PlannedEntry e = catalogEntry(plan);
        String catalog = new String(archive, (int) e.dataOffset(), (int) e.size(), StandardCharsets.UTF_8);
        String rewritten = rewrite.apply(catalog);
        if (rewritten.equals(catalog)) {
            throw new IllegalStateException("The rewrite left catalog.json as it was: " + catalog);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(archive, 0, (int) e.headerOffset());
        new TarStream(out).file(ArchivePlan.CATALOG_JSON, rewritten);
        long after = e.dataOffset() + ((e.size() + 511) / 512) * 512;
        out.write(archive, (int) after, archive.length - (int) after);
        return out.toByteArray();
    }

    private static PlannedEntry catalogEntry(ArchivePlan plan) {
        return plan.entries().stream().filter(p -> p.name().equals(ArchivePlan.CATALOG_JSON)).findFirst()
                .orElseThrow();
    }

    /** This SDK's archive with one same-length replacement inside one entry's data (checksums stay valid). */
    private static byte[] tampered(String entry, String from, String to) {
        ArchivePlan plan = plan();
        byte[] archive = write(plan);
        PlannedEntry e = plan.entries().stream().filter(p -> p.name().equals(entry)).findFirst().orElseThrow();
        String data = new String(archive, (int) e.dataOffset(), (int) e.size(), StandardCharsets.ISO_8859_1);
        if (!data.contains(from) || from.length() != to.length()) {
            throw new IllegalStateException("Cannot tamper with " + entry + ": '" + from + "' is not in it");
        }
        byte[] replaced = data.replaceFirst(java.util.regex.Pattern.quote(from), to)
                .getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(replaced, 0, archive, (int) e.dataOffset(), replaced.length);
        return archive;
    }
}
