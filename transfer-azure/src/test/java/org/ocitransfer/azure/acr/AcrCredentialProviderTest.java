// AcrCredentialProvider against the real Distribution registry behind the kit's token server, with the test kit's
// ACR exchange STAND-IN at /oauth2/exchange: Entra ID token -> ACR refresh token -> the HTTP client's refresh grant.
package org.ocitransfer.azure.acr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.RetryPolicy;
import org.ocitransfer.testkit.assertions.RegistryAssertions;
import org.ocitransfer.testkit.azure.AcrExchangeStandIn;
import org.ocitransfer.testkit.azure.EntraIdStandInCredential;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;
import reactor.core.publisher.Mono;
import org.ocitransfer.testkit.random.Seeds;

class AcrCredentialProviderTest {

    @TempDir
    static Path dir;

    private static SelfSignedCertificate entraKey;

    @BeforeAll
    static void makeEntraIdStandInKey() {
        entraKey = SelfSignedCertificate.generate(dir, "entra-id-stand-in");
    }

    private static DistributionRegistry registryWithExchangeStandIn(AcrExchangeStandIn standIn) {
        return DistributionRegistry.builder().auth(AuthMode.TOKEN)
                .tokenServer(b -> b.endpoint(AcrExchangeStandIn.PATH, standIn)).start();
    }

    @Test
    void signsInThroughTheExchangeStandInAndPushesAndPullsWithTheRefreshToken() {
        AcrExchangeStandIn exchange = new AcrExchangeStandIn(entraKey);
        EntraIdStandInCredential credential = new EntraIdStandInCredential(entraKey, "tenant-acr");
        try (DistributionRegistry registry = registryWithExchangeStandIn(exchange)) {
            AcrCredentialProvider acr = AcrCredentialProvider.builder(credential).registryHost(registry.host())
                    .build();
            assertThat(acr.supports(registry.host())).isTrue();
            try (HttpRegistry client = HttpRegistry.builder().uri(registry.url()).credentials(acr)
                    .retry(RetryPolicy.none()).build()) {
                GeneratedArtifact image = new ContentGenerator(Seeds.seed(11)).image(2000, 3000);
                image.pushTo(client.repository("team/app"), "1");
                RegistryAssertions.assertTag(client.repository("team/app"), "1", image.digest());
            }
            assertThat(registry.tokenServer().accessTokensIssued()).as("refresh_token grants").isPositive();
            assertThat(exchange.exchanges()).singleElement().satisfies(e -> {
                assertThat(e.status()).isEqualTo(200);
                assertThat(e.service()).isEqualTo(registry.tokenServer().service());
                assertThat(e.audience()).isEqualTo("https://management.azure.com");
            });
            assertThat(credential.requests()).singleElement()
                    .satisfies(r -> assertThat(r.scopes()).containsExactly("https://management.azure.com/.default"));
            RegistryCredential again = acr.credentialFor(registry.host()).orElseThrow();
            assertThat(again.username()).isEqualTo(AcrCredentialProvider.ACR_USERNAME);
            assertThat(again.identityToken()).isNotNull();
            assertThat(again.toString()).doesNotContain(again.identityToken().reveal());
            assertThat(exchange.exchanges()).as("the refresh token is cached").hasSize(1);
        }
    }

    @Test
    void aTokenTheExchangeRefusesIsAClearSignInError() {
        AcrExchangeStandIn exchange = new AcrExchangeStandIn(entraKey);
        EntraIdStandInCredential issuer = new EntraIdStandInCredential(entraKey, "tenant-acr");
        TokenCredential wrongTenant = new TokenCredential() {
            @Override
            public Mono<AccessToken> getToken(TokenRequestContext request) {
                return Mono.fromCallable(() -> getTokenSync(request));
            }

            @Override
            public AccessToken getTokenSync(TokenRequestContext request) {
                return issuer.getTokenSync(new TokenRequestContext().setScopes(request.getScopes())
                        .setTenantId("another-tenant"));
            }
        };
        try (DistributionRegistry registry = registryWithExchangeStandIn(exchange)) {
            AcrCredentialProvider acr = AcrCredentialProvider.builder(wrongTenant).tenant("tenant-acr")
                    .registryHost(registry.host()).build();
            assertThatThrownBy(() -> acr.credentialFor(registry.host()))
                    .isInstanceOf(RegistryException.class)
                    .satisfies(e -> assertThat(((RegistryException) e).reason())
                            .isEqualTo(RegistryException.Reason.UNAUTHORIZED))
                    .hasMessageContaining("Registry " + registry.host() + " refused to exchange the Entra ID token")
                    .hasMessageContaining("(HTTP 401)")
                    .hasMessageContaining("AcrPull");
            assertThat(exchange.exchanges()).singleElement().satisfies(e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.tenant()).isEqualTo("tenant-acr");
            });
        }
    }

    @Test
    void servesAzureRegistryHostsOnlyAndReadsJwtExpiry() {
        AcrCredentialProvider acr = AcrCredentialProvider.builder(new EntraIdStandInCredential(entraKey, "t"))
                .build();
        assertThat(acr.supports("myregistry.azurecr.io")).isTrue();
        assertThat(acr.supports("myregistry.azurecr.cn")).isTrue();
        assertThat(acr.supports("myregistry.azurecr.us:443")).isTrue();
        assertThat(acr.supports("docker.io")).isFalse();
        assertThat(acr.supports("127.0.0.1:5000")).isFalse();
        assertThat(acr.credentialFor("ghcr.io")).isEmpty();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String jwt = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString("{\"exp\":1900000000}".getBytes(StandardCharsets.UTF_8)) + ".sig";
        assertThat(AcrCredentialProvider.jwtExpiry(jwt)).hasValue(Instant.ofEpochSecond(1900000000L));
        assertThat(AcrCredentialProvider.jwtExpiry("rt-0123")).isEmpty();
    }
}
