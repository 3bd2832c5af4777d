// Signed archives end to end through the client: export signed with an openssl-made key, import with verify keys.
package org.ocitransfer.core.internal.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.archive.ArchiveProblem;
import org.ocitransfer.api.archive.ArchiveVerification;
import org.ocitransfer.api.archive.SignatureStatus;
import org.ocitransfer.core.archive.OfflineArchive;
import org.ocitransfer.core.archive.VerifyOptions;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.internal.archive.ArchiveReader;
import org.ocitransfer.core.internal.archive.ArchiveSource;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.signing.PemKeys;
import org.ocitransfer.core.signing.SignatureCheck;
import org.ocitransfer.core.testing.Tools;

/**
 * An export pipeline with a signing key (a {@code file:} secret holding a PEM key made by openssl) writes
 * {@code catalog.json.sig}; an import pipeline with verify keys imports it with the right key and refuses, before
 * anything is written, a wrong key, an unsigned archive and an archive with one byte of catalog.json changed. The
 * openssl commands of docs/archive-format.md section 10 verify the same archive.
 */
class SignedArchiveTest {

    @TempDir
    Path dir;
    private Path container;
    private OciLayoutRegistry source;
    private Descriptor image;

    @BeforeEach
    void content() throws IOException {
        source = OciLayoutRegistry.open(dir.resolve("source"));
        image = new TestImages(41).image(source.repository("team/app"), "1.0",
                List.of(new TestImages(42).randomBytes(5000)));
        container = Files.createDirectories(dir.resolve("container"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ecdsa", "ed25519"})
    void aSignedArchiveImportsWithTheRightKeyAndNothingElse(String kind) throws Exception {
        Path key = keyPair(kind, "signer");
        Path wrong = keyPair(kind, "other");
        try (TransferClient client = client()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("signedexp", source.location(),
                    StorageContainer.of(container.toUri()), Set.of()).withSigningKeyUri("file:" + key));
            client.createOrUpdateExportPipeline(new ExportPipeline("plainexp", source.location(),
                    StorageContainer.of(container.toUri()), Set.of()));
            PipelineRun signed = export(client, "signedexp", "signed.tar");
            PipelineRun unsigned = export(client, "plainexp", "unsigned.tar");

            // The signature is an entry of its own; the unsigned archive has none.
            ArchiveReader reader = open("signed.tar");
            assertThat(reader.signature()).isPresent();
            assertThat(reader.catalogDigest()).contains(signed.response().catalogDigest());
            assertThat(reader.checkSignature(List.of(publicKey(key))).status()).isEqualTo(SignatureCheck.Status.VALID);
            assertThat(reader.checkSignature(List.of()).status()).isEqualTo(SignatureCheck.Status.SIGNED);
            assertThat(open("unsigned.tar").checkSignature(List.of(publicKey(key))).status())
                    .isEqualTo(SignatureCheck.Status.UNSIGNED);
            assertThat(unsigned.response().catalogDigest()).isNotEqualTo(signed.response().catalogDigest());

            // Wrong key, no signature, one byte of catalog.json changed: refused, the target untouched.
            assertRefused(client, "wrongkey", List.of(pub(wrong)), "signed.tar",
                    ErrorCategory.DENIED, "verifies with none of the 1 verify keys");
            assertRefused(client, "nosig", List.of(pub(key)), "unsigned.tar", ErrorCategory.INVALID_INPUT,
                    "has no catalog.json.sig entry");
            tamperCatalog("signed.tar", "tampered.tar");
            assertThat(open("tampered.tar").catalogDigest()).isNotEqualTo(reader.catalogDigest());
            assertRefused(client, "tampered", List.of(pub(key)), "tampered.tar", ErrorCategory.DENIED,
                    "verifies with none of the 1 verify keys");

            // The right key (among others; as a file path and as a file: secret) imports it.
            client.createOrUpdateImportPipeline(new ImportPipeline("rightkey", "oci-layout:" + dir.resolve("target"),
                    StorageContainer.of(container.toUri()), Set.of())
                    .withVerifyKeys(List.of(pub(wrong), "file:" + pub(key))));
            PipelineRun imported = client.createOrUpdatePipelineRun("importok", PipelineRunRequest.importBlob(
                    "rightkey", "signed.tar"), null);
            assertThat(imported.status()).as(imported.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertThat(OciLayoutRegistry.open(dir.resolve("target")).repository("team/app").resolve("1.0").digest())
                    .isEqualTo(image.digest());
        }

        // openssl alone, with the commands the format document gives, verifies the archive and refuses the tampered.
        assertThat(runDocBlock(kind, "signed.tar", pub(key))).isZero();
        assertThat(runDocBlock(kind, "tampered.tar", pub(key))).isNotZero();
        assertThat(runDocBlock(kind, "signed.tar", pub(wrong))).isNotZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ecdsa", "ed25519"})
    void offlineVerifyChecksTheSignatureOverTheCatalogDigestItStreamed(String kind) throws Exception {
        Path key = keyPair(kind, "signer");
        Path wrong = keyPair(kind, "other");
        String digest;
        try (TransferClient client = client()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("signedexp", source.location(),
                    StorageContainer.of(container.toUri()), Set.of()).withSigningKeyUri("file:" + key));
            client.createOrUpdateExportPipeline(new ExportPipeline("plainexp", source.location(),
                    StorageContainer.of(container.toUri()), Set.of()));
            digest = export(client, "signedexp", "signed.tar").response().catalogDigest();
            export(client, "plainexp", "unsigned.tar");
        }
        tamperCatalog("signed.tar", "tampered.tar");
        VerifyOptions right = VerifyOptions.NONE.withKeys(List.of(publicKey(wrong), publicKey(key)));

        ArchiveVerification verified = verify("signed.tar", right.withExpectedCatalogDigest(digest));
        assertThat(verified.problems()).isEmpty();
        assertThat(verified.signature()).isEqualTo(SignatureStatus.VERIFIED);
        assertThat(verified.notes()).anyMatch(n -> n.contains("verifies with verify key 2 of 2"));

        ArchiveVerification notChecked = verify("signed.tar", VerifyOptions.NONE);
        assertThat(notChecked.whole()).isTrue();
        assertThat(notChecked.signature()).isEqualTo(SignatureStatus.SIGNED_NOT_VERIFIED);

        ArchiveVerification wrongKey = verify("signed.tar", VerifyOptions.NONE.withKeys(List.of(publicKey(wrong))));
        assertThat(wrongKey.signature()).isEqualTo(SignatureStatus.INVALID);
        assertThat(wrongKey.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.SIGNATURE);
            assertThat(p.message()).contains("verifies with none of the 1 verify keys");
        });

        ArchiveVerification tampered = verify("tampered.tar", right.withExpectedCatalogDigest(digest));
        assertThat(tampered.signature()).isEqualTo(SignatureStatus.INVALID);
        assertThat(tampered.catalogDigest()).isNotEqualTo(digest);
        assertThat(tampered.problems()).extracting(ArchiveProblem::kind)
                .contains(ArchiveProblem.Kind.SIGNATURE, ArchiveProblem.Kind.CATALOG_DIGEST_MISMATCH);

        ArchiveVerification unsigned = verify("unsigned.tar", right);
        assertThat(unsigned.signature()).isEqualTo(SignatureStatus.UNSIGNED);
        assertThat(unsigned.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.SIGNATURE);
            assertThat(p.message()).contains("keys given but the archive is unsigned");
        });
        assertThat(verify("unsigned.tar", VerifyOptions.NONE).whole()).isTrue();
    }

    @Test
    void aSigningKeyNoStoreReadsIsRefusedWhenThePipelineIsCreatedAndABadKeyWhenTheRunStarts() throws Exception {
        try (TransferClient client = client()) {
            assertThatThrownBy(() -> client.createOrUpdateExportPipeline(
                    new ExportPipeline("badexp", source.location(), StorageContainer.of(container.toUri()), Set.of())
                            .withSigningKeyUri("vault://nowhere/key"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("No secret store or signer reads the signing key 'vault://nowhere/key'");
            Path rsa = dir.resolve("rsa.pem");
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa.toString());
            client.createOrUpdateExportPipeline(new ExportPipeline("rsaexp", source.location(),
                    StorageContainer.of(container.toUri()), Set.of()).withSigningKeyUri("file:" + rsa));
            PipelineRun run = client.createOrUpdatePipelineRun("rsarun", PipelineRunRequest.export("rsaexp",
                    "rsa.tar", List.of("team/app:1.0")), null);
            assertThat(run.status()).isEqualTo(RunStatus.Failed);
            assertThat(run.response().errorCategory()).isEqualTo(ErrorCategory.INVALID_INPUT);
            assertThat(run.response().pipelineRunErrorMessage()).contains("the signing key file:" + rsa,
                    "use an ECDSA P-256 or Ed25519 key").doesNotContain(Files.readString(rsa).substring(40, 80));
            assertThat(container.resolve("rsa.tar")).doesNotExist();
        }
    }

    private TransferClient client() {
        return new TransferClientBuilder().stateDirectory(dir.resolve("state")).buildClient();
    }

    private static PipelineRun export(TransferClient client, String pipeline, String blob) {
        PipelineRun run = client.createOrUpdatePipelineRun("run" + pipeline, PipelineRunRequest.export(pipeline,
                blob, List.of("team/app:1.0")), null);
        assertThat(run.status()).as(run.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
        return run;
    }

    private void assertRefused(TransferClient client, String name, List<String> keys, String blob,
                               ErrorCategory category, String message) throws IOException {
        Path target = dir.resolve("refused-" + name);
        client.createOrUpdateImportPipeline(new ImportPipeline(name + "imp", "oci-layout:" + target,
                StorageContainer.of(container.toUri()), Set.of()).withVerifyKeys(keys));
        PipelineRun run = client.createOrUpdatePipelineRun("import" + name, PipelineRunRequest.importBlob(
                name + "imp", blob), null);
        assertThat(run.status()).isEqualTo(RunStatus.Failed);
        assertThat(run.response().errorCategory()).isEqualTo(category);
        assertThat(run.response().pipelineRunErrorMessage()).contains(message).contains("Nothing was imported");
        // Nothing written: the layout holds no blob and no tag.
        if (Files.exists(target)) {
            try (Stream<Path> files = Files.walk(target)) {
                assertThat(files.filter(Files::isRegularFile).filter(f -> f.toString().contains("/blobs/")))
                        .isEmpty();
            }
            assertThat(OciLayoutRegistry.open(target).references()).isEmpty();
        }
    }

    private ArchiveVerification verify(String blob, VerifyOptions options) {
        return OfflineArchive.of(container.resolve(blob)).verify(options);
    }

    private ArchiveReader open(String blob) {
        return ArchiveReader.open(ArchiveSource.of(container.resolve(blob)));
    }

    /** A copy with one byte of catalog.json's run name changed (still valid JSON, every offset still right). */
    private void tamperCatalog(String from, String to) throws IOException {
        byte[] bytes = Files.readAllBytes(container.resolve(from));
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"run\":\"runsignedexp\"") + "\"run\":\"r".length();
        assertThat(at).isGreaterThan(1000);
        bytes[at] = 'R';
        Files.write(container.resolve(to), bytes);
    }

    private Path keyPair(String kind, String name) throws Exception {
        Path key = dir.resolve(name + ".pem");
        if (kind.equals("ecdsa")) {
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        } else {
            openssl("genpkey", "-algorithm", "ed25519", "-out", key.toString());
        }
        openssl("pkey", "-in", key.toString(), "-pubout", "-out", dir.resolve(name + ".pub.pem").toString());
        return key;
    }

    private String pub(Path key) {
        return key.resolveSibling(key.getFileName().toString().replace(".pem", ".pub.pem")).toString();
    }

    private java.security.PublicKey publicKey(Path key) throws IOException {
        return PemKeys.publicKey(Files.readString(Path.of(pub(key))), "test key");
    }

    private void openssl(String... args) throws Exception {
        Tools.run(dir, Duration.ofSeconds(60), Tools.require("openssl", "apt-get install -y openssl"), args);
    }

    /** Runs the format document's verify block for the key kind in a fresh directory: its exit status. */
    private int runDocBlock(String kind, String blob, String publicKey) throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "archive-format.md"));
        Matcher m = Pattern.compile("<!-- verify: " + kind + " -->\\n```bash\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("docs/archive-format.md has the " + kind + " verify block").isTrue();
        Path work = Files.createTempDirectory(dir, "verify");
        Files.copy(container.resolve(blob), work.resolve("export.tar"));
        Files.copy(Path.of(publicKey), work.resolve("pub.pem"));
        List<String> command = new ArrayList<>(List.of("bash", "-e", "-c", m.group(1)));
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("out.log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(work.resolve("out.log"));
        if (p.exitValue() == 0) {
            assertThat(out).containsAnyOf("Verified OK", "Signature Verified Successfully");
        }
        return p.exitValue();
    }
}
