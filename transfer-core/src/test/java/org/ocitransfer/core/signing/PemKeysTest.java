// PEM keys as openssl writes them: the two supported kinds sign and verify; every other form is refused clearly.
package org.ocitransfer.core.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.core.testing.Tools;

class PemKeysTest {

    @TempDir
    Path dir;

    private Path openssl(String name, String... args) throws Exception {
        Tools.run(dir, Duration.ofSeconds(60), Tools.require("openssl", "apt-get install -y openssl"), args);
        return dir.resolve(name);
    }

    private Path genpkey(String name, String... algorithm) throws Exception {
        String[] args = new String[algorithm.length + 3];
        args[0] = "genpkey";
        System.arraycopy(algorithm, 0, args, 1, algorithm.length);
        args[algorithm.length + 1] = "-out";
        args[algorithm.length + 2] = dir.resolve(name).toString();
        return openssl(name, args);
    }

    private Path pub(Path key) throws Exception {
        String name = key.getFileName() + ".pub";
        return openssl(name, "pkey", "-in", key.toString(), "-pubout", "-out", dir.resolve(name).toString());
    }

    @ParameterizedTest
    @CsvSource({"ec, -algorithm EC -pkeyopt ec_paramgen_curve:P-256", "ed, -algorithm ed25519"})
    void opensslKeysSignAndVerifyAndTheSignerReadsThemFromASecret(String name, String algorithm) throws Exception {
        Path key = genpkey(name + ".pem", algorithm.split(" "));
        PublicKey publicKey = PemKeys.publicKeys(List.of(pub(key).toString()), SecretStores.builtIn()).get(0);
        byte[] digest = Digest.newSha256().digest("catalog".getBytes());
        byte[] signature = PemKeys.signer("file:" + key, SecretStores.builtIn()).sign(digest);
        assertThat(CatalogSignatures.verifies(publicKey, digest, signature)).isTrue();
        digest[0] ^= 1;
        assertThat(CatalogSignatures.verifies(publicKey, digest, signature)).isFalse();
        assertThat(CatalogSignatures.verifies(publicKey, digest, new byte[] {1, 2, 3})).isFalse();
        assertThat(PemKeys.signer("file:" + key, SecretStores.builtIn()).toString()).doesNotContain("PRIVATE");
    }

    @Test
    void everyOtherKindOfKeyIsRefusedNamingItAndWhatToRunWithoutShowingTheKey() throws Exception {
        Path rsa = genpkey("rsa.pem", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048");
        Path p384 = genpkey("p384.pem", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384");
        Path ed448 = genpkey("ed448.pem", "-algorithm", "ed448");
        Path ec = genpkey("ec.pem", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");
        Path sec1 = openssl("sec1.pem", "ec", "-in", ec.toString(), "-out", dir.resolve("sec1.pem").toString());
        Path encrypted = openssl("enc.pem", "pkcs8", "-topk8", "-in", ec.toString(), "-passout", "pass:secret",
                "-out", dir.resolve("enc.pem").toString());
        String ecBody = Files.readString(ec).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();

        assertRefused(rsa, "is a PKCS#8 private key of another kind");
        assertRefused(p384, "on another curve than P-256");
        assertRefused(ed448, "is a PKCS#8 private key of another kind");
        assertRefused(sec1, "openssl pkey -in key.pem -out key.p8.pem");
        assertRefused(encrypted, "is an encrypted private key");
        assertRefused(pub(ec), "holds a public key or certificate, not the private key");
        assertRefused(Files.writeString(dir.resolve("garbage"), "not a key at all " + ecBody), "is not PEM");
        assertRefused(Files.writeString(dir.resolve("cut"), "-----BEGIN PRIVATE KEY-----\n" + ecBody + "\n"),
                "has no -----END PRIVATE KEY----- line");
        assertThatThrownBy(() -> PemKeys.publicKey(Files.readString(ec), "the verify key " + ec))
                .isInstanceOf(ArchiveSignatureException.class).hasMessageContaining("not a public key")
                .message().doesNotContain(ecBody.substring(0, 20));
        assertThatThrownBy(() -> PemKeys.publicKeys(List.of(dir.resolve("absent.pem").toString()),
                SecretStores.builtIn())).isInstanceOf(ArchiveSignatureException.class)
                .hasMessageContaining("the verify key " + dir.resolve("absent.pem") + " cannot be read as a file");
    }

    private void assertRefused(Path key, String message) throws Exception {
        String pem = Files.readString(key);
        String body = pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElse("?");
        assertThatThrownBy(() -> PemKeys.signer("file:" + key, SecretStores.builtIn()))
                .isInstanceOf(ArchiveSignatureException.class)
                .satisfies(e -> assertThat(((ArchiveSignatureException) e).category())
                        .isEqualTo(ErrorCategory.INVALID_INPUT))
                .hasMessageContaining("the signing key file:" + key).hasMessageContaining(message)
                .message().doesNotContain(body.substring(0, Math.min(20, body.length())));
    }

    @Test
    void aRawRsSignatureBecomesTheDerOpensslAndTheJdkVerify() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        for (int i = 0; i < 50; i++) { // r or s with a high bit or leading zeros come up among 50
            var pair = generator.generateKeyPair();
            byte[] digest = Digest.newSha256().digest(("message " + i).getBytes());
            Signature raw = Signature.getInstance("NONEwithECDSAinP1363Format");
            raw.initSign(pair.getPrivate());
            raw.update(digest);
            byte[] der = CatalogSignatures.derFromRaw(raw.sign());
            assertThat(CatalogSignatures.verifies(pair.getPublic(), digest, der)).isTrue();
        }
        assertThatThrownBy(() -> CatalogSignatures.derFromRaw(new byte[63]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 bytes");
    }

    @Test
    void hostileSignatureBytesVerifyAsFalseNeverAsAnError() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        List<PublicKey> keys = List.of(ec.generateKeyPair().getPublic(),
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
        String catalogDigest = Digest.sha256("catalog".getBytes()).toString();
        java.util.Random random = new java.util.Random(7);
        for (int length : new int[] {0, 1, 8, 63, 64, 65, 70, 71, 72, 1024}) {
            byte[] junk = new byte[length];
            random.nextBytes(junk);
            if (length > 2) {
                junk[0] = 0x30; // a DER SEQUENCE with a lying length
                junk[1] = (byte) (length - 2);
            }
            assertThat(CatalogSignatures.check(catalogDigest, junk, keys).status())
                    .as("%d bytes", length).isEqualTo(SignatureCheck.Status.INVALID);
        }
    }

    @Test
    void aCheckSaysUnsignedSignedValidOrInvalid() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        var pair = generator.generateKeyPair();
        var other = generator.generateKeyPair();
        String catalogDigest = Digest.sha256("catalog".getBytes()).toString();
        PrivateKey key = pair.getPrivate();
        byte[] signature = CatalogSignatures.sign(key, Digest.newSha256().digest("catalog".getBytes()));
        assertThat(CatalogSignatures.check(catalogDigest, null, List.of(pair.getPublic())).status())
                .isEqualTo(SignatureCheck.Status.UNSIGNED);
        assertThat(CatalogSignatures.check(catalogDigest, signature, List.of()).status())
                .isEqualTo(SignatureCheck.Status.SIGNED);
        SignatureCheck valid = CatalogSignatures.check(catalogDigest, signature, List.of(other.getPublic(),
                pair.getPublic()));
        assertThat(valid.status()).isEqualTo(SignatureCheck.Status.VALID);
        assertThat(valid.reason()).contains("verify key 2 of 2 (Ed25519)");
        assertThat(CatalogSignatures.check(Digest.sha256("catalog!".getBytes()).toString(), signature,
                List.of(pair.getPublic())).status()).isEqualTo(SignatureCheck.Status.INVALID);
    }
}
