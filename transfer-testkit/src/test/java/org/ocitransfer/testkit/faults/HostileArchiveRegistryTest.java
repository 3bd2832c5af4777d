// Hostile archives imported into the real registry: refused with a clear error, the registry left without tag or manifest.
package org.ocitransfer.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.HttpRepository;
import org.ocitransfer.testkit.assertions.RegistryAssertions;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.content.GeneratedContent;
import org.ocitransfer.testkit.registry.RegistryExtension;
import org.ocitransfer.testkit.random.Seeds;

/**
 * A few hostile archives, made from a real export, imported through the client into an empty real Distribution
 * registry (the full corpus runs against an OCI layout target in transfer-core's {@code archive.hostile} tests): a
 * layer whose bytes were altered (found only while it streams into the registry), a truncated archive, a path
 * traversal entry, an archive whose catalogDigest is not the one the run asks for. Each run fails with an error
 * naming the archive and the defect; the registry is left with no tag and none of the manifests, and never holds the
 * altered layer.
 */
@Timeout(60) // a hang guard per case, not a performance assertion
class HostileArchiveRegistryTest {

    @RegisterExtension
    static RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    RegistryExtension target = RegistryExtension.open();

    @TempDir
    static Path shared;
    static byte[] archive;
    static GeneratedArtifact app;
    static String catalogDigest;

    @TempDir
    Path dir;

    @BeforeAll
    static void export() throws IOException {
        app = new ContentGenerator(Seeds.seed(31)).image(40_000, 60_000);
        try (HttpRegistry registry = HttpRegistry.builder().uri(source.registry().url()).build()) {
            app.pushTo(registry.repository("hostile/app"), "v1");
        }
        try (TransferRig rig = new TransferRig(shared.resolve("export"), source.registry().url(),
                source.registry().url())) {
            PipelineRun run = rig.export("exportgood", List.of("hostile/app:v1"), null);
            assertThat(run.status()).isEqualTo(RunStatus.Succeeded);
            archive = Files.readAllBytes(rig.out.resolve(TransferRig.BLOB));
            catalogDigest = run.response().catalogDigest();
        }
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                hostile("a layer altered after export", "does not match its digest", null, HostileArchiveRegistryTest::alterLayer),
                hostile("truncated in the middle of a layer", "truncated", null,
                        a -> Arrays.copyOf(a, indexOf(a, layerBytes()) + 1000)),
                hostile("an entry climbing out with ../", "path traversal", null,
                        a -> tar("../../etc/cron.d/evil", "* * * * * root id")),
                hostile("a catalogDigest other than the run asks", "the run asked for", "sha256:" + "1".repeat(64),
                        UnaryOperator.identity()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void isRefusedAndTheRegistryGetsNoTagNorManifest(UnaryOperator<byte[]> damage, String expected,
                                                     String askedCatalog) throws IOException {
        try (TransferRig rig = new TransferRig(dir.resolve("rig"), source.registry().url(), target.registry().url())) {
            Files.write(rig.in.resolve(TransferRig.BLOB), damage.apply(archive.clone()));
            PipelineRunRequest request = PipelineRunRequest.importBlob(TransferRig.IMPORTER, TransferRig.BLOB);
            PipelineRun run = rig.client.createOrUpdatePipelineRun("hostileimport",
                    askedCatalog == null ? request : request.withCatalogDigest(askedCatalog), null);

            assertThat(run.status()).isEqualTo(RunStatus.Failed);
            assertThat(run.response().pipelineRunErrorMessage()).contains(expected)
                    .contains(rig.in.toUri().toString().replaceAll("/$", "") + "/" + TransferRig.BLOB);
            assertThat(rig.noRunLeftGoing()).isTrue();
        }
        try (HttpRegistry direct = HttpRegistry.builder().uri(target.registry().url()).build()) {
            HttpRepository repository = direct.repository("hostile/app");
            RegistryAssertions.assertNoTag(repository, "v1");
            assertThat(repository.exists(app.root())).as("the manifest").isFalse();
            assertThat(repository.exists(layer())).as("the altered layer").isFalse();
        }
    }

    /**
     * Issue 12 items 1 and 4 against the real registry: OCI layouts (no catalog) naming {@code hostile/app:v1} for
     * two digests, or whose root is mislabelled. Each run fails naming the entry; the registry gets no tag and
     * none of the manifests.
     */
    static Stream<Arguments> oddLayouts() {
        GeneratedArtifact other = new ContentGenerator(Seeds.seed(32)).image(1_000, 2_000);
        byte[] untyped = ("{\"schemaVersion\":2,\"config\":" + json(config()) + ",\"layers\":["
                + String.join(",", app.blobs().stream().filter(d -> !d.equals(config())).map(
                        HostileArchiveRegistryTest::json).toList()) + "]}").getBytes(StandardCharsets.UTF_8);
        byte[] schema1 = ("{\"schemaVersion\":1,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1"
                + "+prettyjws\",\"name\":\"hostile/app\",\"tag\":\"v1\",\"architecture\":\"amd64\","
                + "\"fsLayers\":[{\"blobSum\":\"" + layer().digest() + "\"}],\"history\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layersIndex = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"layers\":["
                + json(layer()) + "]}").getBytes(StandardCharsets.UTF_8);
        Descriptor untypedRoot = Descriptor.of("application/octet-stream", untyped);
        Descriptor schema1Root = Descriptor.of(MediaTypes.DOCKER_MANIFEST, schema1);
        Descriptor layersIndexRoot = Descriptor.of(MediaTypes.OCI_INDEX, layersIndex);
        List<byte[]> appBlobs = app.contents().stream().map(GeneratedContent::bytes).toList();
        List<byte[]> both = new java.util.ArrayList<>(appBlobs);
        other.contents().forEach(c -> both.add(c.bytes()));
        return Stream.of(
                Arguments.of(Named.of("two digests under one ref.name", layout(List.of(app.root(), other.root()),
                        both)), List.of("names hostile/app:v1 for more than one digest", app.digest(),
                        other.digest()), List.of(app.root(), other.root())),
                Arguments.of(Named.of("root typed application/octet-stream", layout(List.of(untypedRoot),
                        withBlob(appBlobs, untyped))), List.of("index.json manifests[0] (hostile/app:v1) is typed"
                        + " application/octet-stream"), List.of(Descriptor.of(MediaTypes.OCI_MANIFEST, untyped))),
                Arguments.of(Named.of("root with a schemaVersion 1 body", layout(List.of(schema1Root),
                        withBlob(appBlobs, schema1))), List.of("declares schemaVersion 1", "hostile/app:v1"),
                        List.of(schema1Root)),
                Arguments.of(Named.of("index root with layers[] and no manifests[]", layout(List.of(layersIndexRoot),
                        withBlob(appBlobs, layersIndex))), List.of("has no 'manifests' array", "hostile/app:v1"),
                        List.of(layersIndexRoot)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddLayouts")
    void oddLayoutIsRefusedNamingTheEntryAndTheRegistryGetsNoTagNorManifest(byte[] layout, List<String> expected,
                                                                           List<Descriptor> roots) throws IOException {
        try (TransferRig rig = new TransferRig(dir.resolve("rig"), source.registry().url(), target.registry().url())) {
            Files.write(rig.in.resolve(TransferRig.BLOB), layout);
            PipelineRun run = rig.client.createOrUpdatePipelineRun("oddimport",
                    PipelineRunRequest.importBlob(TransferRig.IMPORTER, TransferRig.BLOB), null);

            assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Failed);
            for (String phrase : expected) {
                assertThat(run.response().pipelineRunErrorMessage()).contains(phrase);
            }
            assertThat(rig.noRunLeftGoing()).isTrue();
        }
        try (HttpRegistry direct = HttpRegistry.builder().uri(target.registry().url()).build()) {
            HttpRepository repository = direct.repository("hostile/app");
            RegistryAssertions.assertNoTag(repository, "v1");
            for (Descriptor root : roots) {
                assertThat(repository.exists(Descriptor.of(MediaTypes.OCI_MANIFEST, root.digest(), root.size())))
                        .as("manifest %s", root.digest()).isFalse();
            }
        }
    }

    /** An OCI layout tar (no catalog) naming each root {@code hostile/app:v1}, holding these blobs. */
    private static byte[] layout(List<Descriptor> roots, List<byte[]> blobs) {
        String index = "{\"schemaVersion\":2,\"manifests\":[" + String.join(",", roots.stream().map(r ->
                "{\"mediaType\":\"" + r.mediaType() + "\",\"digest\":\"" + r.digest() + "\",\"size\":" + r.size()
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"hostile/app:v1\"}}").toList()) + "]}";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            put(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            put(tar, "index.json", index.getBytes(StandardCharsets.UTF_8));
            java.util.Set<String> written = new java.util.HashSet<>();
            for (byte[] blob : blobs) {
                String hex = Digest.sha256(blob).toString().substring("sha256:".length());
                if (written.add(hex)) {
                    put(tar, "blobs/sha256/" + hex, blob);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static List<byte[]> withBlob(List<byte[]> blobs, byte[] extra) {
        List<byte[]> all = new java.util.ArrayList<>(blobs);
        all.add(extra);
        return all;
    }

    private static Descriptor config() {
        return app.blobs().get(0);
    }

    private static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size()
                + "}";
    }

    private static Arguments hostile(String name, String expected, String askedCatalog, UnaryOperator<byte[]> damage) {
        return Arguments.of(Named.of(name, damage), expected, askedCatalog);
    }

    private static Descriptor layer() {
        return app.blobs().stream().filter(d -> d.size() == 60_000).findFirst().orElseThrow();
    }

    private static byte[] layerBytes() {
        return app.contents().stream().filter(c -> c.descriptor().equals(layer())).findFirst()
                .map(GeneratedContent::bytes).orElseThrow();
    }

    /** Flips one byte in the middle of the 60,000-byte layer's data: only its digest can tell. */
    private static byte[] alterLayer(byte[] a) {
        a[indexOf(a, layerBytes()) + 30_000] ^= 0x01;
        return a;
    }

    /** A tar holding an OCI layout whose extra entry is {@code name}. */
    private static byte[] tar(String name, String content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            put(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
            put(tar, "index.json", "{\"schemaVersion\":2,\"manifests\":[]}");
            put(tar, name, content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void put(TarArchiveOutputStream tar, String name, String content) throws IOException {
        put(tar, name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(data.length);
        tar.putArchiveEntry(entry);
        OutputStream out = tar;
        out.write(data);
        tar.closeArchiveEntry();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("The layer is not in the archive");
    }
}
