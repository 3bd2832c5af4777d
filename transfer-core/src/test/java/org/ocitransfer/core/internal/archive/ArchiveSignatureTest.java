// A signed plan: the signature entry right after catalog.json, planned like the others; unsigned plans unchanged.
package org.ocitransfer.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.ocitransfer.core.signing.CatalogSignatures;
import org.ocitransfer.core.signing.CatalogSigner;
import org.ocitransfer.core.signing.SignatureCheck;

class ArchiveSignatureTest {

    private final ArchiveFixture fixture = new ArchiveFixture();

    private static CatalogSigner signer(KeyPair pair, AtomicInteger calls) {
        return new CatalogSigner() {
            @Override
            public byte[] sign(byte[] catalogSha256) {
                calls.incrementAndGet();
                return CatalogSignatures.sign(pair.getPrivate(), catalogSha256);
            }

            @Override
            public String describe() {
                return "test key";
            }
        };
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    @Test
    void theSignatureIsPlannedRightAfterTheCatalogAndMovesNoCatalogOffset() throws Exception {
        KeyPair key = ecKey();
        AtomicInteger calls = new AtomicInteger();
        ArchivePlan unsigned = ArchivePlan.plan(fixture.request());
        ArchivePlan signed = ArchivePlan.plan(fixture.request(), signer(key, calls));
        assertThat(calls).hasValue(1);

        // The catalog (and so the catalogDigest) is the unsigned one; the signature signs its digest.
        assertThat(signed.catalogJson()).isEqualTo(unsigned.catalogJson());
        assertThat(signed.catalogDigest()).isEqualTo(unsigned.catalogDigest());
        assertThat(unsigned.signature()).isEmpty();
        byte[] signature = signed.signature().orElseThrow();
        byte[] digest = HexFormat.of().parseHex(signed.catalogDigest().substring("sha256:".length()));
        assertThat(CatalogSignatures.verifies(key.getPublic(), digest, signature)).isTrue();

        // Entry 4 is the signature, right after catalog.json; every blob moves by the signature entry's 1024 bytes.
        assertThat(signed.entries()).extracting(PlannedEntry::name).startsWith(ArchivePlan.OCI_LAYOUT,
                ArchivePlan.INDEX_JSON, ArchivePlan.CATALOG_JSON, ArchivePlan.CATALOG_SIG);
        PlannedEntry sig = signed.entries().get(3);
        assertThat(sig.headerOffset()).isEqualTo(signed.entries().get(2).end());
        assertThat(sig.size()).isEqualTo(signature.length);
        assertThat(sig.isBlob()).isFalse();
        assertThat(signed.blobsOffset()).isEqualTo(unsigned.blobsOffset() + 1024);
        assertThat(signed.totalSize()).isEqualTo(unsigned.totalSize() + 1024);
        for (PlannedEntry e : unsigned.entries().subList(3, unsigned.entries().size())) {
            assertThat(signed.blobEntry(e.blob().digest()).orElseThrow().dataOffset())
                    .isEqualTo(e.dataOffset() + 1024);
        }

        // Written whole or as regions (metadata together), the bytes are the same, and the reader finds the signature.
        byte[] sequential = ArchiveFixture.write(signed, fixture.content.opener());
        List<ArchiveRegion> regions = ArchiveWriter.regions(signed, Integer.MAX_VALUE);
        assertThat(regions.get(0).entries()).extracting(PlannedEntry::name).containsExactly(ArchivePlan.OCI_LAYOUT,
                ArchivePlan.INDEX_JSON, ArchivePlan.CATALOG_JSON, ArchivePlan.CATALOG_SIG);
        ByteArrayOutputStream assembled = new ByteArrayOutputStream();
        for (ArchiveRegion r : regions) {
            try (InputStream in = ArchiveWriter.openRegion(signed, r, fixture.content.opener())) {
                in.transferTo(assembled);
            }
        }
        assertThat(assembled.toByteArray()).isEqualTo(sequential);
        ArchiveReader reader = ArchiveReader.open(new BytesSource("signed.tar", sequential));
        assertThat(reader.signature()).hasValueSatisfying(s -> assertThat(s).isEqualTo(signature));
        assertThat(reader.catalogDigest()).contains(signed.catalogDigest());
        assertThat(reader.checkSignature(List.of(key.getPublic())).status()).isEqualTo(SignatureCheck.Status.VALID);
        assertThat(reader.checkSignature(List.of(ecKey().getPublic())).status())
                .isEqualTo(SignatureCheck.Status.INVALID);
        assertThat(ArchiveReader.open(new BytesSource("unsigned.tar", ArchiveFixture.write(unsigned,
                fixture.content.opener()))).checkSignature(List.of(key.getPublic())).status())
                .isEqualTo(SignatureCheck.Status.UNSIGNED);
    }

    @Test
    void aSignerReturningNothingUsableFailsThePlan() {
        CatalogSigner empty = new CatalogSigner() {
            @Override
            public byte[] sign(byte[] catalogSha256) {
                return new byte[0];
            }

            @Override
            public String describe() {
                return "broken signer";
            }
        };
        assertThatThrownBy(() -> ArchivePlan.plan(fixture.request(), empty)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Signer broken signer returned a signature of 0 bytes");
    }
}
