// Our tool moving itself: the CLI's container image (jib, mvn -Pimage) pushed to a real registry, carried to a second
// registry by our own export and import pipeline runs, and checked digest for digest against what jib wrote.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.registry.RegistryExtension;
import org.ocitransfer.testkit.tools.ExternalTool;

/**
 * The container image of the CLI that {@code mvn -Pimage package} builds with jib (OCI format, an OCI image layout in
 * {@code target/transfer-image.tar}) moved by our own pipelines: skopeo, an independent tool, pushes the tarball into
 * a real Distribution registry as an operator would; an export pipeline run writes it from there into an archive blob
 * in a {@code file://} container, an import pipeline run writes it from the blob into a second registry, which then
 * serves the very manifest jib wrote (byte for byte) and every blob it names (config and layers, each read back and
 * hashed). Skopeo reads the second registry's manifest too.
 *
 * <p>Runs only in the {@code image} profile, after the image is built: the profile's surefire execution names this
 * class and passes the tarball's path as the system property {@code transfer.image.tar}.
 */
class ContainerImageIT {

    @RegisterExtension
    static RegistryExtension first = RegistryExtension.open();

    @RegisterExtension
    static RegistryExtension second = RegistryExtension.open();

    @TempDir
    Path dir;

    @Test
    void theCliImageMovesFromRegistryToRegistryThroughOurPipelinesWithEveryDigestKept() throws Exception {
        Path tar = imageTar();
        Path layout = unpack(tar, dir.resolve("layout"));
        JibImage image = JibImage.read(layout);

        skopeo("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + layout,
                "docker://" + first.registry().host() + "/" + image.reference());
        assertThat(resolve(first.registry(), image).digest()).as("the first registry's tag after skopeo's push")
                .isEqualTo(image.manifestDigest());

        Cli cli = new Cli(dir.resolve("state"));
        String container = Files.createDirectories(dir.resolve("transfer")).toUri().toString();
        ok(cli.run("export-pipeline", "create", "-n", "imageexport", "-r", first.registry().url(), "-c", container));
        ok(cli.run("import-pipeline", "create", "-n", "imageimport", "-r", second.registry().url(), "-c", container,
                "-e", "false"));
        JsonNode export = ok(cli.run("pipeline-run", "create", "-n", "imageexportrun", "-p", "imageexport",
                "-t", "export", "-b", "transfer-image.tar", "-a", image.reference(), "-o", "json")).json();
        assertThat(export.path("response").path("status").asText()).isEqualTo("Succeeded");
        JsonNode imported = ok(cli.run("pipeline-run", "create", "-n", "imageimportrun", "-p", "imageimport",
                "-t", "import", "-b", "transfer-image.tar", "-o", "json")).json();
        assertThat(imported.path("response").path("status").asText()).isEqualTo("Succeeded");
        assertThat(imported.path("response").path("importedArtifacts")).extracting(JsonNode::asText)
                .contains(image.reference());

        try (HttpRegistry client = HttpRegistry.builder().uri(second.registry().url())
                .credentials(host -> Optional.empty()).build()) {
            Repository repository = client.repository(image.repository());
            Descriptor manifest = repository.resolve(image.tag());
            assertThat(manifest.digest()).as("the second registry's tag").isEqualTo(image.manifestDigest());
            byte[] served = repository.fetchManifest(manifest);
            assertThat(served).as("the manifest the second registry serves").isEqualTo(image.manifest());
            JsonNode parsed = Json.mapper().readTree(served);
            List<String> blobs = new ArrayList<>();
            for (JsonNode blob : blobsOf(parsed)) {
                Descriptor descriptor = Descriptor.of(blob.path("mediaType").asText(), blob.path("digest").asText(),
                        blob.path("size").asLong());
                blobs.add(descriptor.digest() + " " + sha256(repository.fetch(descriptor)));
            }
            assertThat(blobs).as("digest as named and as read back, for the config and every layer")
                    .containsExactlyElementsOf(image.blobs().stream().map(d -> d + " " + d).toList());
        }
        byte[] skopeoRead = skopeo("inspect", "--raw", "--tls-verify=false",
                "docker://" + second.registry().host() + "/" + image.reference());
        assertThat(sha256(new ByteArrayInputStream(skopeoRead))).as("skopeo's read of the second registry")
                .isEqualTo(image.manifestDigest());
        System.out.printf("%s moved %s -> %s -> %s: manifest %s, config and layers %s%n", image.reference(),
                first.registry().url(), container, second.registry().url(), image.manifestDigest(), image.blobs());
    }

    /**
     * What jib wrote: the image's one manifest (as bytes) in the layout's index, named {@code repository:tag}.
     *
     * @param reference      the {@code org.opencontainers.image.ref.name} jib gave it ({@code <to><image>})
     * @param manifestDigest the manifest's digest from the index
     * @param manifest       the manifest's bytes
     * @param blobs          the config's digest, then each layer's, in the manifest's order
     */
    record JibImage(String reference, String manifestDigest, byte[] manifest, List<String> blobs) {

        static JibImage read(Path layout) throws IOException {
            JsonNode index = Json.mapper().readTree(layout.resolve("index.json").toFile());
            assertThat(index.path("manifests")).as("manifests in jib's index.json").hasSize(1);
            JsonNode entry = index.path("manifests").get(0);
            String digest = entry.path("digest").asText();
            byte[] manifest = Files.readAllBytes(blob(layout, digest));
            assertThat(sha256(Files.newInputStream(blob(layout, digest)))).isEqualTo(digest);
            List<String> blobs = new ArrayList<>();
            for (JsonNode blob : blobsOf(Json.mapper().readTree(manifest))) {
                String d = blob.path("digest").asText();
                assertThat(sha256(Files.newInputStream(blob(layout, d)))).as("jib's blob " + d).isEqualTo(d);
                blobs.add(d);
            }
            assertThat(blobs).as("config and layers").hasSizeGreaterThan(2);
            return new JibImage(entry.path("annotations").path("org.opencontainers.image.ref.name").asText(), digest,
                    manifest, List.copyOf(blobs));
        }

        String repository() {
            return reference.substring(0, reference.lastIndexOf(':'));
        }

        String tag() {
            return reference.substring(reference.lastIndexOf(':') + 1);
        }

        private static Path blob(Path layout, String digest) {
            return layout.resolve("blobs").resolve(digest.replace(':', '/'));
        }
    }

    /** The manifest's config, then its layers. */
    private static List<JsonNode> blobsOf(JsonNode manifest) {
        List<JsonNode> blobs = new ArrayList<>();
        blobs.add(manifest.path("config"));
        manifest.path("layers").forEach(blobs::add);
        return blobs;
    }

    /**
     * The tarball jib wrote. Outside the profile's image-test execution (e.g. -Dtest=ContainerImageIT in the default
     * test run, before the image is built) there is none to test: skipped, saying so.
     */
    private static Path imageTar() {
        String property = System.getProperty("transfer.image.tar");
        assumeTrue(property != null, "ContainerImageIT runs in the image profile's image-test execution, after"
                + " jib:buildTar (mvn -Pimage verify, see README 'Container image')");
        if (!Files.isRegularFile(Path.of(property))) {
            fail("No image tarball at transfer.image.tar=" + property + ": jib:buildTar did not write it");
        }
        return Path.of(property);
    }

    /** Unpacks jib's tarball (regular files only, names kept inside {@code target}). */
    private static Path unpack(Path tar, Path target) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                Path to = target.resolve(entry.getName()).normalize();
                if (!to.startsWith(target)) {
                    fail("Entry " + entry.getName() + " of " + tar + " points outside the layout");
                }
                if (entry.isFile()) {
                    Files.createDirectories(to.getParent());
                    Files.copy(in, to);
                }
            }
        }
        return target;
    }

    private static Descriptor resolve(DistributionRegistry registry, JibImage image) {
        try (HttpRegistry client = HttpRegistry.builder().uri(registry.url()).credentials(host -> Optional.empty())
                .build()) {
            return client.repository(image.repository()).resolve(image.tag());
        }
    }

    /** sha256:hex of a stream, read to its end and closed. */
    private static String sha256(InputStream stream) {
        try (InputStream in = stream) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs skopeo; its stdout, or a failure with its output. */
    private byte[] skopeo(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                ExternalTool.require("skopeo", "apt-get install -y skopeo").toString(), "--insecure-policy"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "skopeo", ".out");
        Path err = Files.createTempFile(dir, "skopeo", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("skopeo did not finish within 120 s: " + String.join(" ", command));
        }
        if (p.exitValue() != 0) {
            fail("skopeo failed (exit " + p.exitValue() + "): " + String.join(" ", command) + "\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return Files.readAllBytes(out);
    }

    private static Cli.Result ok(Cli.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }
}
