// `transfer archive inspect|verify` on archives exported from a real Distribution registry, whole and damaged, and
// on an OCI layout tar written by skopeo.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.testkit.registry.RegistryExtension;

class ArchiveCommandTest {

    @RegisterExtension
    static RegistryExtension registry = RegistryExtension.open();

    @TempDir
    static Path dir;

    private static Cli cli;
    private static Map<String, String> expected;
    private static Path container;
    private static Path archive;
    private static String catalogDigest;

    /** The sample layout goes into the registry through the CLI; then one export from the registry. */
    @BeforeAll
    static void exportFromTheRegistry() throws IOException {
        cli = new Cli(dir.resolve("state"));
        Path layout = Samples.copyLayout(dir.resolve("layout"));
        expected = Samples.digests(layout);
        String seed = Files.createDirectories(dir.resolve("seed")).toUri().toString();
        ok(cli.run("export-pipeline", "create", "-n", "seedexport", "-r", "oci-layout:" + layout, "-c", seed));
        ok(cli.run("pipeline-run", "create", "-n", "seedrun", "-p", "seedexport", "-t", "export", "-b", "seed.tar",
                "-a", Samples.HELLO, Samples.WORLD, Samples.MULTI));
        ok(cli.run("import-pipeline", "create", "-n", "seedimport", "-r", registry.registry().url(), "-c", seed,
                "-e", "false"));
        ok(cli.run("pipeline-run", "create", "-n", "seedimportrun", "-p", "seedimport", "-t", "import",
                "-b", "seed.tar"));

        container = Files.createDirectories(dir.resolve("transfer"));
        ok(cli.run("export-pipeline", "create", "-n", "fromregistry", "-r", registry.registry().url(),
                "-c", container.toUri().toString()));
        JsonNode run = ok(cli.run("pipeline-run", "create", "-n", "exportrun", "-p", "fromregistry", "-t", "export",
                "-b", "a.tar", "-a", Samples.HELLO, Samples.WORLD, Samples.MULTI, "-o", "json")).json();
        catalogDigest = run.path("response").path("catalogDigest").asText();
        archive = container.resolve("a.tar");
    }

    @Test
    void inspectListsArtifactsTagsSizesAndStatusAsATable() {
        Cli.Result r = ok(cli.run("archive", "inspect", archive.toString()));
        assertThat(r.out()).contains("Archive:", archive.toString(), "Catalog digest:", catalogDigest,
                "Pipeline:", "fromregistry", "Run:", "exportrun", "Source registry:", registry.registry().host(),
                "Signature:", "unsigned", "Bases:", "none (a whole archive)", "Parts:", "none (one blob or file)",
                "NAME", "TAG", "DIGEST", "MEDIA TYPE");
        for (String name : List.of(Samples.HELLO, Samples.WORLD, Samples.MULTI)) {
            assertThat(r.out()).contains(name, expected.get(name));
        }
        assertThat(r.out()).contains("Size:", "(" + archive.toFile().length() + " bytes)");
    }

    @Test
    void inspectAsJsonGivesTheSameFactsWhereverTheArchiveIsNamed() throws IOException {
        JsonNode json = ok(cli.run("archive", "inspect", archive.toString(), "-o", "json")).json();
        assertThat(json.path("catalogDigest").asText()).isEqualTo(catalogDigest);
        assertThat(json.path("size").asLong()).isEqualTo(Files.size(archive));
        assertThat(json.path("signature").asText()).isEqualTo("UNSIGNED");
        assertThat(json.path("bases")).isEmpty();
        assertThat(json.path("parts")).isEmpty();
        assertThat(json.path("artifacts")).extracting(a -> a.path("name").asText())
                .containsExactly(Samples.HELLO, Samples.WORLD, Samples.MULTI);
        assertThat(json.path("artifacts")).extracting(a -> a.path("tag").asText()).containsOnly("1.0");
        for (JsonNode a : json.path("artifacts")) {
            assertThat(a.path("digest").asText()).isEqualTo(expected.get(a.path("name").asText()));
            assertThat(a.path("reference").asText()).isEqualTo(registry.registry().host() + "/" + a.path("name").asText());
            assertThat(a.path("size").asLong()).isPositive();
        }
        Map<String, Long> blobs = blobEntries(archive);
        assertThat(json.path("blobCount").asInt()).isEqualTo(blobs.size());
        assertThat(json.path("uniqueBytes").asLong()).isEqualTo(blobs.values().stream().mapToLong(Long::longValue).sum());

        JsonNode byUri = ok(cli.run("archive", "inspect", archive.toUri().toString(), "-o", "json")).json();
        JsonNode byContainer = ok(cli.run("archive", "inspect", "-c", container.toUri().toString(), "-b", "a.tar",
                "-o", "json")).json();
        JsonNode byPipeline = ok(cli.run("archive", "inspect", "-p", "fromregistry", "-b", "a.tar", "-o", "json")).json();
        for (JsonNode other : List.of(byUri, byContainer, byPipeline)) {
            assertThat(other.path("artifacts")).isEqualTo(json.path("artifacts"));
            assertThat(other.path("catalogDigest")).isEqualTo(json.path("catalogDigest"));
        }
    }

    @Test
    void verifyOfTheExportedArchiveExitsZero() {
        Cli.Result r = ok(cli.run("archive", "verify", archive.toString(), "--catalog-digest", catalogDigest));
        assertThat(r.out()).contains("Result:", "whole", "Catalog digest:", catalogDigest);
        JsonNode json = ok(cli.run("archive", "verify", archive.toString(), "--catalog-digest", catalogDigest,
                "-o", "json")).json();
        assertThat(json.path("whole").asBoolean()).isTrue();
        assertThat(json.path("problems")).isEmpty();
        assertThat(json.path("entriesVerified").asInt()).isEqualTo(blobEntries(archive).size() + 3);
    }

    @Test
    void aFlippedByteInALayerExitsOneNamingTheEntryAndItsOffset() throws IOException {
        Map<String, long[]> entries = dataRegions(archive);
        String layer = largestLayer(entries);
        long offset = entries.get(layer)[0];
        byte[] bytes = Files.readAllBytes(archive);
        bytes[(int) offset + 3] ^= 0x40;
        Path damaged = Files.write(dir.resolve("layer-flipped.tar"), bytes);
        String actual = Digest.sha256(Arrays.copyOfRange(bytes, (int) offset,
                (int) (offset + entries.get(layer)[1]))).toString();

        Cli.Result r = cli.run("archive", "verify", damaged.toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out()).contains("NOT WHOLE: 1 problem", "DIGEST_MISMATCH", layer, String.valueOf(offset), actual);
        assertThat(r.err()).contains("is not whole", layer, "byte offset " + offset);

        JsonNode problem = cli.run("archive", "verify", damaged.toString(), "-o", "json").json().path("problems").get(0);
        assertThat(problem.path("kind").asText()).isEqualTo("DIGEST_MISMATCH");
        assertThat(problem.path("entry").asText()).isEqualTo(layer);
        assertThat(problem.path("offset").asLong()).isEqualTo(offset);
        assertThat(problem.path("expected").asText()).isEqualTo("sha256:" + layer.substring("blobs/sha256/".length()));
        assertThat(problem.path("actual").asText()).isEqualTo(actual);
    }

    @Test
    void aFlippedByteInTheCatalogIsACatalogDigestMismatch() throws IOException {
        long offset = dataRegions(archive).get("catalog.json")[0];
        Path damaged = flipCatalogPipeline(archive, "fromregistry", dir.resolve("catalog-flipped.tar"));

        Cli.Result r = cli.run("archive", "verify", damaged.toString(), "--catalog-digest", catalogDigest, "-o", "json");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(ExitCodes.FAILED);
        JsonNode problems = r.json().path("problems");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).path("kind").asText()).isEqualTo("CATALOG_DIGEST_MISMATCH");
        assertThat(problems.get(0).path("entry").asText()).isEqualTo("catalog.json");
        assertThat(problems.get(0).path("offset").asLong()).isEqualTo(offset);
        assertThat(problems.get(0).path("expected").asText()).isEqualTo(catalogDigest);
    }

    @Test
    void verifyWithKeysChecksTheSignatureOfAnArchiveASigningPipelineExported() throws Exception {
        SignedArchiveCliTest.openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", "sign.pem");
        SignedArchiveCliTest.openssl(dir, "pkey", "-in", "sign.pem", "-pubout", "-out", "sign.pub.pem");
        SignedArchiveCliTest.openssl(dir, "genpkey", "-algorithm", "ed25519", "-out", "other.pem");
        SignedArchiveCliTest.openssl(dir, "pkey", "-in", "other.pem", "-pubout", "-out", "other.pub.pem");
        String right = dir.resolve("sign.pub.pem").toString();
        String wrong = dir.resolve("other.pub.pem").toString();
        ok(cli.run("export-pipeline", "create", "-n", "signedfromregistry", "-r", registry.registry().url(),
                "-c", container.toUri().toString(), "--signing-key-uri", "file:" + dir.resolve("sign.pem")));
        String digest = ok(cli.run("pipeline-run", "create", "-n", "signedrun", "-p", "signedfromregistry", "-t",
                "export", "-b", "signed.tar", "-a", Samples.HELLO, "-o", "json")).json().path("response")
                .path("catalogDigest").asText();
        String signed = container.resolve("signed.tar").toString();

        // The right key among others, as a file: secret: verified, exit 0, the key named.
        Cli.Result verified = ok(cli.run("archive", "verify", signed, "--catalog-digest", digest, "--key", wrong,
                "--key", "file:" + right));
        assertThat(verified.out()).contains("Result:", "whole", "Signature:", "signed, verified",
                "verifies with verify key 2 of 2 (ECDSA P-256)");
        JsonNode json = ok(cli.run("archive", "verify", signed, "--key", right, "-o", "json")).json();
        assertThat(json.path("signature").asText()).isEqualTo("VERIFIED");
        assertThat(json.path("whole").asBoolean()).isTrue();

        // No key: signed, not verified, still whole.
        Cli.Result noKey = ok(cli.run("archive", "verify", signed, "-o", "json"));
        assertThat(noKey.json().path("signature").asText()).isEqualTo("SIGNED_NOT_VERIFIED");

        // A wrong key: INVALID, a SIGNATURE problem naming the reason, exit 1.
        Cli.Result wrongKey = cli.run("archive", "verify", signed, "--key", wrong);
        assertThat(wrongKey.exitCode()).as(wrongKey.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(wrongKey.out()).contains("signed, INVALID", "SIGNATURE", "verifies with none of the 1 verify keys");
        assertThat(wrongKey.err()).contains("is not whole", "the signature does not check out");

        // One byte of catalog.json changed: the signature fails and so does the catalog digest.
        Path tampered = flipCatalogPipeline(Path.of(signed), "signedfromregistry", dir.resolve("signed-flipped.tar"));
        Cli.Result altered = cli.run("archive", "verify", tampered.toString(), "--catalog-digest", digest, "--key",
                right, "-o", "json");
        assertThat(altered.exitCode()).as(altered.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(altered.json().path("signature").asText()).isEqualTo("INVALID");
        assertThat(altered.json().path("problems").findValuesAsText("kind"))
                .containsExactlyInAnyOrder("CATALOG_DIGEST_MISMATCH", "SIGNATURE");

        // An unsigned archive with keys given: a problem, exit 1.
        Cli.Result unsigned = cli.run("archive", "verify", archive.toString(), "--key", right, "-o", "json");
        assertThat(unsigned.exitCode()).as(unsigned.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(unsigned.json().path("signature").asText()).isEqualTo("UNSIGNED");
        assertThat(unsigned.json().path("problems").get(0).path("message").asText())
                .contains("keys given but the archive is unsigned");

        // A key that cannot be read: refused before anything is read, naming the key.
        String missing = dir.resolve("missing.pub.pem").toString();
        Cli.Result badKey = cli.run("archive", "verify", signed, "--key", missing);
        assertThat(badKey.exitCode()).as(badKey.describe()).isNotZero();
        assertThat(badKey.err()).contains("the verify key " + missing + " cannot be read");
    }

    @Test
    void aTruncatedArchiveExitsOne() throws IOException {
        byte[] bytes = Files.readAllBytes(archive);
        Path truncated = Files.write(dir.resolve("truncated.tar"), Arrays.copyOf(bytes, bytes.length / 2));

        Cli.Result r = cli.run("archive", "verify", truncated.toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out()).contains("TRUNCATED");
        assertThat(r.err()).contains("truncated");
        Cli.Result inspected = cli.run("archive", "inspect", truncated.toString());
        assertThat(inspected.exitCode()).as(inspected.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(inspected.err()).contains("truncated");
    }

    @Test
    void anArchiveSkopeoWroteIsInspectedAndVerifiedWithWhatItLacksNamed() throws Exception {
        Path skopeoArchive = dir.resolve("skopeo-hello.tar");
        Process p = new ProcessBuilder("skopeo", "copy", "--src-tls-verify=false", "--preserve-digests",
                "docker://" + registry.registry().host() + "/" + Samples.HELLO, "oci-archive:" + skopeoArchive + ":v1")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();

        JsonNode json = ok(cli.run("archive", "inspect", skopeoArchive.toString(), "-o", "json")).json();
        assertThat(json.path("catalogDigest").isNull() || json.path("catalogDigest").isMissingNode()).isTrue();
        assertThat(json.path("artifacts")).singleElement().satisfies(a -> {
            assertThat(a.path("name").asText()).isEqualTo("v1");
            assertThat(a.path("tag").asText()).isEqualTo("v1");
            assertThat(a.path("digest").asText()).isEqualTo(expected.get(Samples.HELLO));
        });
        assertThat(json.path("notes").toString()).contains("no catalog.json", "names only a tag", "--target-repository");
        Cli.Result table = ok(cli.run("archive", "inspect", skopeoArchive.toString()));
        assertThat(table.out()).contains("none (no catalog.json)", "Notes:", "another tool wrote");

        Cli.Result verified = ok(cli.run("archive", "verify", skopeoArchive.toString()));
        assertThat(verified.out()).contains("whole", "no catalog.json");
        Cli.Result expectingCatalog = cli.run("archive", "verify", skopeoArchive.toString(), "--catalog-digest",
                catalogDigest);
        assertThat(expectingCatalog.exitCode()).as(expectingCatalog.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(expectingCatalog.out()).contains("CATALOG_DIGEST_MISMATCH");
    }

    @Test
    void aPartSetIsInspectedAndVerifiedAsOneArchiveAndAMissingPartIsNamed() throws IOException {
        String partsDigest = ok(cli.run("pipeline-run", "create", "-n", "partsrun", "-p", "fromregistry", "-t",
                "export", "-b", "p.tar", "-a", Samples.HELLO, Samples.WORLD, Samples.MULTI, "--max-part-size", "2048",
                "-o", "json")).json().path("response").path("catalogDigest").asText();
        List<Path> parts = new ArrayList<>();
        for (int i = 1; Files.exists(container.resolve(String.format("p.tar.%03d", i))); i++) {
            parts.add(container.resolve(String.format("p.tar.%03d", i)));
        }
        assertThat(parts).hasSizeGreaterThan(2);
        JsonNode byContainer = ok(cli.run("archive", "inspect", "-c", container.toUri().toString(), "-b", "p.tar",
                "-o", "json")).json();
        assertThat(byContainer.path("catalogDigest").asText()).isEqualTo(partsDigest);
        assertThat(byContainer.path("parts")).hasSize(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            assertThat(byContainer.path("parts").get(i).path("blob").asText())
                    .isEqualTo(parts.get(i).getFileName().toString());
            assertThat(byContainer.path("parts").get(i).path("size").asLong()).isEqualTo(Files.size(parts.get(i)));
        }
        JsonNode byPath = ok(cli.run("archive", "inspect", container.resolve("p.tar").toString(), "-o", "json"))
                .json();
        assertThat(byPath.path("parts")).isEqualTo(byContainer.path("parts"));
        assertThat(ok(cli.run("archive", "inspect", "-p", "fromregistry", "-b", "p.tar")).out())
                .contains("Parts:", "p.tar.001 (", String.format("p.tar.%03d (", parts.size()));
        ok(cli.run("archive", "verify", "-p", "fromregistry", "-b", "p.tar", "--catalog-digest", partsDigest));

        Files.delete(parts.get(1));
        Cli.Result missing = cli.run("archive", "verify", container.resolve("p.tar").toString());
        assertThat(missing.exitCode()).as(missing.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(missing.err()).contains("Part 'p.tar.002' of archive 'p.tar' is missing");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(cli.run("archive", "inspect").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("archive", "inspect", archive.toString(), "-b", "a.tar").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("archive", "verify", archive.toString(), "--catalog-digest", "sha256:nothex").exitCode())
                .isEqualTo(ExitCodes.USAGE);
        Cli.Result missing = cli.run("archive", "inspect", dir.resolve("absent.tar").toString());
        assertThat(missing.exitCode()).as(missing.describe()).isNotEqualTo(ExitCodes.OK);
        assertThat(missing.err()).contains("absent.tar");
    }

    /** Every blob entry's size, by digest, as commons-compress reads the tar. */
    private static Map<String, Long> blobEntries(Path tar) {
        Map<String, Long> blobs = new HashMap<>();
        dataRegions(tar).forEach((name, region) -> {
            if (name.startsWith("blobs/")) {
                blobs.put(name, region[1]);
            }
        });
        return blobs;
    }

    /** A copy with the first letter of the pipeline's name in catalog.json upper-cased: still consistent JSON. */
    private static Path flipCatalogPipeline(Path tar, String pipeline, Path copy) throws IOException {
        long offset = dataRegions(tar).get("catalog.json")[0];
        byte[] bytes = Files.readAllBytes(tar);
        String head = new String(bytes, (int) offset, 64, java.nio.charset.StandardCharsets.UTF_8);
        int at = (int) offset + head.indexOf(pipeline);
        assertThat(at).isGreaterThan((int) offset);
        bytes[at] = (byte) Character.toUpperCase(pipeline.charAt(0)); // only the catalog digest tells
        return Files.write(copy, bytes);
    }

    /** Entry name -> {data offset, size}, read independently with commons-compress. */
    private static Map<String, long[]> dataRegions(Path tar) {
        Map<String, long[]> regions = new HashMap<>();
        try (TarFile t = new TarFile(tar)) {
            for (TarArchiveEntry e : t.getEntries()) {
                regions.put(e.getName(), new long[] {e.getDataOffset(), e.getSize()});
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return regions;
    }

    /** The largest blob that no manifest is: a layer. */
    private static String largestLayer(Map<String, long[]> entries) throws IOException {
        JsonNode catalog;
        try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            TarArchiveEntry e = t.getNextEntry();
            while (!e.getName().equals("catalog.json")) {
                e = t.getNextEntry();
            }
            catalog = Json.mapper().readTree(t.readAllBytes());
        }
        String best = null;
        for (JsonNode b : catalog.path("blobs")) {
            String name = "blobs/" + b.path("digest").asText().replace(':', '/');
            if (b.path("mediaType").asText().contains("layer")
                    && (best == null || entries.get(name)[1] > entries.get(best)[1])) {
                best = name;
            }
        }
        return best;
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return r;
    }
}
