// Checks SAS parsing and the preflight rules: expiry, start, permissions, https-only, resource; never the signature.
package org.ocitransfer.azure.internal.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.secret.Secret;

class SasTokenTest {

    private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");
    private static final Set<StorageAccess> EXPORT = EnumSet.of(StorageAccess.READ, StorageAccess.ADD,
            StorageAccess.WRITE, StorageAccess.LIST);
    private static final Set<StorageAccess> IMPORT_AND_DELETE = EnumSet.of(StorageAccess.READ, StorageAccess.LIST,
            StorageAccess.DELETE);
    private static final String SIG = "c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ%3D%3D";

    private static SasToken sas(String fields) {
        return SasToken.parse(new Secret("?" + fields + "&sig=" + SIG), "env:SAS");
    }

    @Test
    void aFitContainerSasHasNoProblems() {
        SasToken sas = sas("sv=2023-11-03&sr=c&sp=racwl&spr=https&st=2030-06-01T00:00:00Z&se=2030-06-02T00:00:00Z");
        assertThat(sas.problems(EXPORT, false, NOW)).isEmpty();
        assertThat(sas.expiry()).hasValue(Instant.parse("2030-06-02T00:00:00Z"));
    }

    @Test
    void namesExpiryStartMissingPermissionsAndProtocol() {
        SasToken expired = sas("sv=2023-11-03&sr=c&sp=rl&spr=https,http&se=2030-05-01T00:00:00Z");
        assertThat(expired.problems(EXPORT, false, NOW)).containsExactly(
                "it expired at 2030-05-01T00:00:00Z",
                "it lacks permission a (add), w (write) (it has sp=rl; this run needs rawl)",
                "it is not https-only (spr=https,http; issue it with spr=https)");
        SasToken early = sas("sv=2023-11-03&sr=c&sp=rl&st=2030-06-01T13:00:00Z&se=2030-06-02T00:00:00Z");
        assertThat(early.problems(EnumSet.of(StorageAccess.READ), true, NOW))
                .containsExactly("it is not yet valid until 2030-06-01T13:00:00Z");
        SasToken noDelete = sas("sv=2023-11-03&sr=c&sp=rl&spr=https&se=2030-06-02");
        assertThat(noDelete.problems(IMPORT_AND_DELETE, false, NOW))
                .containsExactly("it lacks permission d (delete) (it has sp=rl; this run needs rdl)");
    }

    @Test
    void namesAServiceSasForTheWrongResourceAndIncompleteAccountSas() {
        SasToken blobSas = sas("sv=2023-11-03&sr=b&sp=racwl&spr=https&se=2030-06-02T00:00:00Z");
        assertThat(blobSas.problems(EXPORT, false, NOW)).containsExactly(
                "it is a service SAS for the wrong resource (sr=b: a single blob), not for the container (sr=c)");
        SasToken account = sas("sv=2023-11-03&ss=q&srt=o&sp=racwl&spr=https&se=2030-06-02T00:00:00Z");
        assertThat(account.isAccountSas()).isTrue();
        assertThat(account.problems(EXPORT, false, NOW)).containsExactly(
                "it is an account SAS without the blob service (ss=q, needs b)",
                "it is an account SAS without container-level access (srt=o, listing needs c)");
    }

    @Test
    void refusesValuesWithoutASignatureAndNeverShowsTheSignature() {
        assertThatThrownBy(() -> SasToken.parse(new Secret("not-a-sas-but-a-password"), "env:SAS"))
                .hasMessage("The secret env:SAS does not hold a SAS token (no sv= and sig= fields): store the"
                        + " container's SAS token in it")
                .hasMessageNotContaining("not-a-sas");
        SasToken sas = sas("sv=2023-11-03&sr=c&sp=racwl&se=2030-06-02T00:00:00Z");
        assertThat(sas.toString()).contains("sp=racwl").contains("sig=REDACTED").doesNotContain(SIG)
                .doesNotContain("c2VjcmV0");
        assertThatThrownBy(() -> sas.field("sig")).isInstanceOf(IllegalArgumentException.class);
        assertThat(sas.redaction().scrub("GET https://a/c/b?sv=x&sig=" + SIG + " and c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ=="))
                .doesNotContain("c2VjcmV0").contains("sig=REDACTED");
    }

    @Test
    void acceptsAWholeSasUrlAndDateOnlyTimes() {
        SasToken sas = SasToken.parse(new Secret("https://a.blob.core.windows.net/c?sv=2023-11-03&sr=c&sp=rl"
                + "&se=2030-07-01&sig=" + SIG), "file:/sas");
        assertThat(sas.expiry()).hasValue(Instant.parse("2030-07-01T00:00:00Z"));
        assertThat(sas.token().reveal()).startsWith("sv=2023-11-03");
    }
}
