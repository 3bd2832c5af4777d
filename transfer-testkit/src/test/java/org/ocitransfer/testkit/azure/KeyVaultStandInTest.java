// Checks the Key Vault stand-in's protocol with a plain JDK client: challenge, secret bundle, 404, 403.
package org.ocitransfer.testkit.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

class KeyVaultStandInTest {

    @TempDir
    Path dir;

    @Test
    void standInChallengesThenServesSecretsAndRefusesUnknownOrDeniedOnes() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.generate(dir, "kv-stand-in");
        try (KeyVaultStandIn vault = KeyVaultStandIn.start(cert)) {
            vault.setSecret("sas", "first");
            String uri = vault.setSecret("sas", "second");
            HttpClient http = HttpClient.newBuilder().sslContext(cert.clientContext()).build();

            HttpResponse<String> challenge = http.send(HttpRequest.newBuilder(URI.create(uri + "?api-version=7.5"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(challenge.statusCode()).isEqualTo(401);
            assertThat(challenge.headers().firstValue("WWW-Authenticate")).hasValue("Bearer authorization=\""
                    + "https://login.microsoftonline.com/" + vault.tenant() + "\", resource=\"https://vault.azure.net\"");

            JsonNode latest = get(http, uri + "?api-version=7.5", 200);
            assertThat(latest.get("value").asText()).isEqualTo("second");
            assertThat(latest.get("id").asText()).isEqualTo(uri + "/" + vault.latestVersion("sas"));

            get(http, vault.secretUri("missing") + "?api-version=7.5", 404);
            vault.deny("sas");
            JsonNode denied = get(http, uri + "?api-version=7.5", 403);
            assertThat(denied.at("/error/code").asText()).isEqualTo("Forbidden");
            assertThat(vault.secretReads()).isEqualTo(3);
            assertThat(vault.challenges()).isEqualTo(1);
        }
    }

    private static JsonNode get(HttpClient http, String uri, int status) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri))
                .header("Authorization", "Bearer test-token").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(status);
        return new ObjectMapper().readTree(response.body());
    }
}
