package org.ocitransfer.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

/** The token server's protocol: JWT shape and signature, grants, refresh tokens, extra endpoints. */
class TokenServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static SelfSignedCertificate cert;
    static TokenServer server;

    @BeforeAll
    static void start() {
        cert = SelfSignedCertificate.generate(dir, "token-test");
        server = TokenServer.builder().service("svc.test").issuer("issuer.test").user("alice", "s3cret")
                .user("reader", "r3ad").certificate(cert)
                .policy((subject, scope) -> subject.equals("reader")
                        ? TokenServer.AccessPolicy.pullOnly().grant(subject, scope) : scope.actions())
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void issuesASignedJwtCarryingItsCertificateAndTheAccessAskedFor() throws Exception {
        HttpResponse<byte[]> response = PlainHttp.get(server.realm() + "?service=svc.test"
                + "&scope=repository:team/app:pull,push&scope=registry:catalog:*", PlainHttp.basic("alice", "s3cret"));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("access_token").asText()).isEqualTo(body.get("token").asText());
        assertThat(body.get("expires_in").asLong()).isEqualTo(300);
        assertThat(Instant.parse(body.get("issued_at").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(body.has("refresh_token")).isFalse();

        String[] parts = body.get("token").asText().split("\\.");
        assertThat(parts).hasSize(3);
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertThat(header.get("alg").asText()).isEqualTo("RS256");
        assertThat(Base64.getDecoder().decode(header.get("x5c").get(0).asText()))
                .isEqualTo(cert.certificate().getEncoded());
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(cert.certificate().getPublicKey());
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();

        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(claims.get("iss").asText()).isEqualTo("issuer.test");
        assertThat(claims.get("sub").asText()).isEqualTo("alice");
        assertThat(claims.get("aud").asText()).isEqualTo("svc.test");
        assertThat(claims.get("exp").asLong()).isGreaterThan(claims.get("iat").asLong());
        assertThat(claims.get("nbf").asLong()).isLessThanOrEqualTo(claims.get("iat").asLong());
        assertThat(claims.get("jti").asText()).isNotEmpty();
        assertThat(JSON.convertValue(claims.get("access"), new TypeReference<List<Map<String, Object>>>() { }))
                .containsExactly(
                Map.of("type", "repository", "name", "team/app", "actions", List.of("pull", "push")),
                Map.of("type", "registry", "name", "catalog", "actions", List.of("*")));
    }

    @Test
    void refusesWrongOrMissingCredentialsAndAnotherService() throws Exception {
        String url = server.realm() + "?service=svc.test&scope=repository:a:pull";
        assertThat(PlainHttp.get(url, PlainHttp.basic("alice", "wrong")).statusCode()).isEqualTo(401);
        assertThat(PlainHttp.get(url, PlainHttp.basic("mallory", "s3cret")).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> anonymous = PlainHttp.get(url, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(new String(anonymous.body(), StandardCharsets.UTF_8)).doesNotContain("s3cret");
        assertThat(PlainHttp.get(server.realm() + "?service=other", PlainHttp.basic("alice", "s3cret"))
                .statusCode()).isEqualTo(400);
    }

    @Test
    void thePolicyDecidesTheActionsGranted() throws Exception {
        HttpResponse<byte[]> response = PlainHttp.get(server.realm() + "?service=svc.test"
                + "&scope=repository:team/app:pull,push", PlainHttp.basic("reader", "r3ad"));
        JsonNode claims = claims(JSON.readTree(response.body()).get("token").asText());
        assertThat(claims.get("access").get(0).get("actions").toString()).isEqualTo("[\"pull\"]");
        response = PlainHttp.get(server.realm() + "?service=svc.test&scope=repository:team/app:push",
                PlainHttp.basic("reader", "r3ad"));
        assertThat(claims(JSON.readTree(response.body()).get("token").asText()).get("access").size()).isZero();
    }

    @Test
    void offlineLoginsGetRefreshTokensThatBuyAccessTokens() throws Exception {
        HttpResponse<byte[]> login = PlainHttp.get(server.realm() + "?service=svc.test&offline_token=true"
                + "&scope=repository:a:pull", PlainHttp.basic("alice", "s3cret"));
        String refresh = JSON.readTree(login.body()).get("refresh_token").asText();
        assertThat(refresh).isNotEmpty();

        HttpResponse<String> refreshed = postForm(server.realm(), "grant_type=refresh_token&service=svc.test"
                + "&scope=repository%3Ab%3Apull+repository%3Ac%3Apush&refresh_token=" + refresh);
        assertThat(refreshed.statusCode()).isEqualTo(200);
        JsonNode claims = claims(JSON.readTree(refreshed.body()).get("access_token").asText());
        assertThat(claims.get("sub").asText()).isEqualTo("alice");
        assertThat(claims.get("access")).hasSize(2);

        assertThat(postForm(server.realm(), "grant_type=refresh_token&service=svc.test&refresh_token=rt-bogus")
                .statusCode()).isEqualTo(401);
        HttpResponse<String> password = postForm(server.realm(), "grant_type=password&service=svc.test"
                + "&username=alice&password=s3cret&access_type=offline&client_id=test&scope=repository%3Aa%3Apull");
        assertThat(password.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(password.body()).has("refresh_token")).isTrue();
        assertThat(postForm(server.realm(), "grant_type=password&service=svc.test&username=alice&password=no")
                .statusCode()).isEqualTo(401);
        assertThat(postForm(server.realm(), "grant_type=magic").statusCode()).isEqualTo(400);
    }

    @Test
    void extraEndpointsPlugIntoARegistrysTokenServer() throws Exception {
        // An exchange endpoint in the style of ACR's: a (here, made-up) credential buys a refresh token, which the
        // token path turns into access tokens the real registry accepts.
        TokenServer.Endpoint exchange = (request, tokens) -> "letmein".equals(request.parameter("access_token"))
                ? TokenServer.Response.json(200, Map.of("refresh_token", tokens.issueRefreshToken("exchanged")))
                : TokenServer.Response.error(401, "unauthorized", "unknown access token");
        try (DistributionRegistry registry = DistributionRegistry.builder().auth(AuthMode.TOKEN)
                .tokenServer(b -> b.tokenPath("/oauth2/token").endpoint("/oauth2/exchange", exchange)).start()) {
            TokenServer tokens = registry.tokenServer();
            assertThat(tokens.realm()).endsWith("/oauth2/token");
            assertThat(postForm(tokens.url() + "/oauth2/exchange", "grant_type=access_token&access_token=nope")
                    .statusCode()).isEqualTo(401);
            HttpResponse<String> exchanged = postForm(tokens.url() + "/oauth2/exchange",
                    "grant_type=access_token&service=" + tokens.service() + "&access_token=letmein");
            String refresh = JSON.readTree(exchanged.body()).get("refresh_token").asText();
            HttpResponse<String> access = postForm(tokens.realm(), "grant_type=refresh_token&service="
                    + tokens.service() + "&scope=repository%3Akit%2Facr%3Apull%2Cpush&refresh_token=" + refresh);
            String bearer = "Bearer " + JSON.readTree(access.body()).get("access_token").asText();
            String digest = PlainHttp.pushBlob(registry.url(), "kit/acr", "x".getBytes(StandardCharsets.UTF_8),
                    bearer);
            assertThat(PlainHttp.get(registry.url() + "/v2/kit/acr/blobs/" + digest, bearer).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void theRealRegistryRefusesWhatThePolicyDidNotGrant() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.builder().auth(AuthMode.TOKEN)
                .tokenServer(b -> b.policy(TokenServer.AccessPolicy.pullOnly())).start()) {
            TokenServer tokens = registry.tokenServer();
            HttpResponse<byte[]> token = PlainHttp.get(tokens.realm() + "?service=" + tokens.service()
                    + "&scope=repository:kit/ro:pull,push", PlainHttp.basic(registry.username(), registry.password()));
            String bearer = "Bearer " + JSON.readTree(token.body()).get("token").asText();
            HttpResponse<String> push = PlainHttp.CLIENT.send(HttpRequest.newBuilder(
                    URI.create(registry.url() + "/v2/kit/ro/blobs/uploads/")).header("Authorization", bearer)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(push.statusCode()).isEqualTo(401);
            assertThat(push.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .contains("error=\"insufficient_scope\"")
                    // The registry lists the actions in either order.
                    .containsPattern("repository:kit/ro:(pull,push|push,pull)");
            assertThat(PlainHttp.get(registry.url() + "/v2/kit/ro/tags/list", bearer).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void scopesParseNamesWithColons() {
        TokenServer.Scope scope = TokenServer.Scope.parse("repository:host:5000/team/app:pull,push");
        assertThat(scope.name()).isEqualTo("host:5000/team/app");
        assertThat(scope.actions()).containsExactly("pull", "push");
        assertThatThrownBy(() -> TokenServer.Scope.parse("nonsense")).hasMessageContaining("type:name:actions");
    }

    private static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private static HttpResponse<String> postForm(String url, String form) throws Exception {
        return PlainHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
