// The four archive features together between real Distribution registries: a signed, differential archive in parts
// whose base is itself a signed part set, exported, inspected, verified offline, and imported.
package org.ocitransfer.testkit.combined;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ocitransfer.testkit.assertions.RunAssertions.succeeded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.archive.ArchiveInspection;
import org.ocitransfer.api.archive.ArchiveProblem;
import org.ocitransfer.api.archive.ArchiveVerification;
import org.ocitransfer.api.archive.SignatureStatus;
import org.ocitransfer.core.archive.OfflineArchive;
import org.ocitransfer.core.archive.VerifyOptions;
import org.ocitransfer.core.signing.PemKeys;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.assertions.RegistryAssertions;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.content.GeneratedContent;
import org.ocitransfer.testkit.random.Seeds;
import org.ocitransfer.testkit.registry.RegistryExtension;

/**
 * One export pipeline signs and cuts archives into 100 kB parts. A full export (a part set), imported into a
 * registry; one new image pushed; a differential export against the full part set, written in parts too. Offline:
 * inspection lists the parts, the base and what is left out, and says it is signed; verification finds the base part
 * set beside it and matches its catalog digest, from the container and from a local path alike. The signed import
 * onto the base's import gives every tag with equal digests; into an empty registry it is refused naming the base,
 * nothing written. A flipped byte in a layer of part 3 is reported with the entry, its offset in the whole archive
 * and the part; a missing or short part is refused by name.
 */
@Timeout(180) // a hang guard, not a performance assertion
class SignedDifferentialPartsTest {

    private static final long PART = 100_000;

    @RegisterExtension
    static RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    static RegistryExtension target = RegistryExtension.open();
    @RegisterExtension
    static RegistryExtension empty = RegistryExtension.open();

    @TempDir
    Path dir;

    @Test
    void aSignedDifferentialArchiveInPartsOnAPartSetBaseIsInspectedVerifiedAndImported() throws Exception {
        ContentGenerator generator = new ContentGenerator(Seeds.seed(1613));
        List<GeneratedContent> shared = generator.layers(150_000);
        GeneratedArtifact app = generator.image(shared, 60_000);
        GeneratedArtifact tool = generator.image(40_000, 30_000);
        GeneratedArtifact fresh = generator.image(shared, 20_000, 330_000);
        try (HttpRegistry registry = HttpRegistry.builder().uri(source.registry().url()).build()) {
            app.pushTo(registry.repository("gap/app"), "1.0");
            tool.pushTo(registry.repository("gap/tool"), "1.0");
        }
        Path container = Files.createDirectories(dir.resolve("container"));
        StorageContainer c = StorageContainer.of(container.toUri());
        Path publicKey = keyPair();
        List<String> verifyKeys = List.of(publicKey.toString());
        try (TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state")).buildClient();
             LocalDirectoryBlobStore store = LocalDirectoryBlobStore.open(container)) {
            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", source.registry().url(), c, Set.of())
                    .withSigningKeyUri("file:" + dir.resolve("signer.pem")).withMaxPartSize(PART));
            client.createOrUpdateImportPipeline(new ImportPipeline("intotarget", target.registry().url(), c,
                    Set.of()).withVerifyKeys(verifyKeys));
            client.createOrUpdateImportPipeline(new ImportPipeline("intoempty", empty.registry().url(), c,
                    Set.of()).withVerifyKeys(verifyKeys));
            List<String> set = List.of("gap/app:1.0", "gap/tool:1.0");
            PipelineRun full = succeeded(client.createOrUpdatePipelineRun("fullrun",
                    PipelineRunRequest.export("exporter", "full.tar", set), null));
            assertThat(container.resolve("full.tar")).doesNotExist();
            assertThat(container.resolve("full.tar.003")).exists();
            succeeded(client.createOrUpdatePipelineRun("importfull",
                    PipelineRunRequest.importBlob("intotarget", "full.tar"), null));

            try (HttpRegistry registry = HttpRegistry.builder().uri(source.registry().url()).build()) {
                fresh.pushTo(registry.repository("gap/fresh"), "1.0");
            }
            List<String> all = new ArrayList<>(set);
            all.add("gap/fresh:1.0");
            // The base is a part set: found through the part-set opener, its catalog read by range across parts.
            PipelineRun diff = succeeded(client.createOrUpdatePipelineRun("diffrun",
                    PipelineRunRequest.export("exporter", "diff.tar", all).withBaseBlobs(List.of("full.tar")), null));
            assertThat(container.resolve("diff.tar")).doesNotExist();
            List<Path> parts = parts(container, "diff.tar");
            assertThat(parts).hasSizeGreaterThanOrEqualTo(4);

            // Inspect: parts with their sizes, the base, what is left out, signed.
            ArchiveInspection inspection = OfflineArchive.of(store, "diff.tar").inspect();
            assertThat(inspection.catalogDigest()).isEqualTo(diff.response().catalogDigest());
            assertThat(inspection.size()).isEqualTo(totalSize(parts));
            List<ArchiveInspection.Part> expectedParts = new ArrayList<>();
            for (Path p : parts) {
                expectedParts.add(new ArchiveInspection.Part(p.getFileName().toString(), Files.size(p)));
            }
            assertThat(inspection.parts()).containsExactlyElementsOf(expectedParts);
            assertThat(inspection.bases()).containsExactly(
                    new ArchiveInspection.Base("full.tar", full.response().catalogDigest()));
            assertThat(inspection.signature()).isEqualTo(SignatureStatus.SIGNED_NOT_VERIFIED);
            assertThat(inspection.artifacts()).extracting(ArchiveInspection.Artifact::name)
                    .contains("gap/app:1.0", "gap/tool:1.0", "gap/fresh:1.0");
            assertThat(inspection.notes()).anySatisfy(n -> assertThat(n).contains("differential: it leaves out",
                    shared.get(0).descriptor().digest(), app.root().digest()));

            // Verify: whole, the base part set found beside it, from the container and from a local path.
            for (OfflineArchive archive : List.of(OfflineArchive.of(store, "diff.tar"),
                    OfflineArchive.of(container.resolve("diff.tar")))) {
                ArchiveVerification v = archive.verify(VerifyOptions.NONE
                        .withExpectedCatalogDigest(diff.response().catalogDigest())
                        .withKeys(List.of(PemKeys.publicKey(Files.readString(publicKey), publicKey.toString()))));
                assertThat(v.problems()).as(archive.location()).isEmpty();
                assertThat(v.whole()).isTrue();
                assertThat(v.signature()).isEqualTo(SignatureStatus.VERIFIED);
                assertThat(v.bases()).containsExactly(new ArchiveVerification.BaseCheck("full.tar",
                        full.response().catalogDigest(), ArchiveVerification.BaseStatus.MATCHES));
            }

            // Into an empty registry: refused before any write, naming the base.
            long filesBefore = empty.registry().storedFiles();
            PipelineRun refused = client.createOrUpdatePipelineRun("importdiffempty",
                    PipelineRunRequest.importBlob("intoempty", "diff.tar"), null);
            assertThat(refused.status()).isEqualTo(RunStatus.Failed);
            assertThat(refused.response().pipelineRunErrorMessage()).contains("full.tar",
                    full.response().catalogDigest(), "Nothing was imported");
            assertThat(empty.registry().storedFiles()).isEqualTo(filesBefore);

            // Onto the base's import: every tag of both exports, equal digests.
            succeeded(client.createOrUpdatePipelineRun("importdiff",
                    PipelineRunRequest.importBlob("intotarget", "diff.tar"), null));
            try (HttpRegistry from = HttpRegistry.builder().uri(source.registry().url()).build();
                 HttpRegistry into = HttpRegistry.builder().uri(target.registry().url()).build()) {
                for (String repository : List.of("gap/app", "gap/tool", "gap/fresh")) {
                    RegistryAssertions.assertSameGraph(from.repository(repository), "1.0",
                            into.repository(repository), "1.0");
                }
            }

            // A flipped byte in a layer in part 3: the entry, its offset in the whole archive, and the part.
            long flipAt = 2 * PART + PART / 2;
            TarArchiveEntry hit = entryCovering(parts, flipAt);
            flip(parts.get(2), flipAt - 2 * PART);
            ArchiveVerification damaged = OfflineArchive.of(store, "diff.tar").verify();
            assertThat(damaged.whole()).isFalse();
            assertThat(damaged.problems()).singleElement().satisfies(p -> {
                assertThat(p.kind()).isEqualTo(ArchiveProblem.Kind.DIGEST_MISMATCH);
                assertThat(p.entry()).isEqualTo(hit.getName());
                assertThat(p.offset()).isEqualTo(hit.getDataOffset());
                int part = (int) (hit.getDataOffset() / PART) + 1;
                assertThat(p.message()).contains("byte offset " + hit.getDataOffset(),
                        "in part " + String.format("diff.tar.%03d", part) + " at byte "
                                + (hit.getDataOffset() - (part - 1) * PART));
            });
            flip(parts.get(2), flipAt - 2 * PART);
            assertThat(OfflineArchive.of(store, "diff.tar").verify().whole()).isTrue();

            // A part of the base missing beside it: a problem of the chain naming that part, not an exception.
            Path baseSecond = container.resolve("full.tar.002");
            Path aside = Files.move(baseSecond, dir.resolve("full.tar.002"));
            ArchiveVerification noBase = OfflineArchive.of(store, "diff.tar").verify();
            assertThat(noBase.bases()).singleElement().extracting(ArchiveVerification.BaseCheck::status)
                    .isEqualTo(ArchiveVerification.BaseStatus.MISMATCH);
            assertThat(noBase.problems()).singleElement().satisfies(p -> assertThat(p.message())
                    .contains("base full.tar", "Part 'full.tar.002' of archive 'full.tar' is missing"));
            Files.move(aside, baseSecond);

            // A short part, then a missing part: refused by name, for inspection and verification alike.
            Path last = parts.get(parts.size() - 1);
            byte[] lastBytes = Files.readAllBytes(last);
            try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
                f.setLength(lastBytes.length - 1);
            }
            assertThatThrownBy(() -> OfflineArchive.of(store, "diff.tar")).isInstanceOf(BlobStoreException.class)
                    .hasMessageContaining("Part '" + last.getFileName() + "'")
                    .hasMessageContaining("has " + (lastBytes.length - 1) + " bytes");
            Files.delete(parts.get(1));
            assertThatThrownBy(() -> OfflineArchive.of(container.resolve("diff.tar")))
                    .isInstanceOf(BlobStoreException.class)
                    .hasMessageContaining("Part 'diff.tar.002' of archive 'diff.tar' is missing");
        }
    }

    /** An EC P-256 key pair as PEM files: the private key at signer.pem, the public key returned. */
    private Path keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Files.writeString(dir.resolve("signer.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        return Files.writeString(dir.resolve("signer.pub.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static List<Path> parts(Path container, String name) {
        List<Path> parts = new ArrayList<>();
        for (int i = 1; Files.exists(container.resolve(String.format("%s.%03d", name, i))); i++) {
            parts.add(container.resolve(String.format("%s.%03d", name, i)));
        }
        return parts;
    }

    private static long totalSize(List<Path> parts) throws IOException {
        long size = 0;
        for (Path p : parts) {
            size += Files.size(p);
        }
        return size;
    }

    /** The blob entry whose data holds the archive's byte {@code offset}, read from the parts concatenated. */
    private static TarArchiveEntry entryCovering(List<Path> parts, long offset) throws IOException {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        for (Path p : parts) {
            Files.copy(p, whole);
        }
        try (TarFile tar = new TarFile(whole.toByteArray())) {
            for (TarArchiveEntry e : tar.getEntries()) {
                if (e.getName().startsWith("blobs/") && e.getDataOffset() <= offset
                        && offset < e.getDataOffset() + e.getSize()) {
                    return e;
                }
            }
        }
        throw new AssertionError("no blob entry holds byte " + offset + " (the test's layers are too small)");
    }

    private static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x01);
        }
    }
}
