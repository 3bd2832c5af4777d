// Protocol tests of sign-in: challenge parsing, bearer tokens per scope (cached, refreshed), refresh-token grants,
// and refused credentials reported without the secret.
package org.ocitransfer.core.registry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;
import org.ocitransfer.core.registry.auth.RegistryCredential;

class HttpRegistryAuthTest {

    private static final String PASSWORD = "pa55-Secret!";
    private static final byte[] MANIFEST = ("{\"schemaVersion\":2,"
            + "\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}").getBytes();
    private static final Descriptor MANIFEST_DESC = Descriptor.of(MediaTypes.OCI_INDEX, MANIFEST);

    private ScriptedServer server;
    private final AtomicInteger issued = new AtomicInteger();
    private volatile long expiresIn = 300;
    private volatile boolean grantNothing;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedServer();
        // The token service: basic credentials or a refresh token; the token names the scopes it grants.
        server.on("GET", "/token", (ex, req) -> {
            String expected = "Basic " + Base64.getEncoder().encodeToString(("alice:" + PASSWORD).getBytes());
            if (!expected.equals(req.header("Authorization"))) {
                ScriptedServer.respond(ex, 401, "application/json",
                        "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication failed\"}]}", Map.of());
                return;
            }
            issue(ex, scopes(req.query(), "scope"));
        });
        server.on("POST", "/token", (ex, req) -> {
            String form = new String(req.body(), StandardCharsets.UTF_8);
            if (!form.contains("grant_type=refresh_token") || !form.contains("refresh_token=the-refresh-token")) {
                ScriptedServer.respond(ex, 401, null, "", Map.of());
                return;
            }
            issue(ex, scopes(form, "scope"));
        });
        // The registry: every /v2/ path wants a token whose scopes cover the request.
        server.on("HEAD", "/v2/.*", (ex, req) -> guarded(ex, req, "pull"));
        server.on("PUT", "/v2/.*", (ex, req) -> guarded(ex, req, "pull,push"));
    }

    private void issue(com.sun.net.httpserver.HttpExchange ex, String scopes) throws java.io.IOException {
        String token = "tok" + issued.incrementAndGet() + "|" + (grantNothing ? "" : scopes);
        ScriptedServer.respond(ex, 200, "application/json", "{\"token\":\"" + token + "\",\"expires_in\":" + expiresIn
                + "}", Map.of());
    }

    private void guarded(com.sun.net.httpserver.HttpExchange ex, ScriptedServer.Seen req, String actions)
            throws java.io.IOException {
        String repo = req.path().replaceAll("^/v2/(.+)/manifests/.*$", "$1");
        String scope = "repository:" + repo + ":" + actions;
        String auth = req.header("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !auth.contains(scope)) {
            ScriptedServer.respond(ex, 401, "application/json",
                    "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}",
                    Map.of("WWW-Authenticate", "Bearer realm=\"" + server.url() + "/token\",service=\"test\",scope=\""
                            + scope + "\"" + (auth == null ? "" : ",error=\"insufficient_scope\"")));
            return;
        }
        ScriptedServer.respond(ex, req.method().equals("PUT") ? 201 : 200, MediaTypes.OCI_INDEX, MANIFEST,
                Map.of("Docker-Content-Digest", MANIFEST_DESC.digest()));
    }

    private static String scopes(String query, String name) {
        StringBuilder sb = new StringBuilder();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                sb.append(sb.length() > 0 ? " " : "").append(URLDecoder.decode(pair.substring(name.length() + 1),
                        StandardCharsets.UTF_8));
            }
        }
        return sb.toString();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpRegistry registry(RegistryCredential credential) {
        return HttpRegistry.builder().uri(server.url()).credentials(host -> Optional.ofNullable(credential))
                .retry(RetryPolicy.none()).build();
    }

    @Test
    void challengesAreParsedWithQuotedCommasAndSeveralSchemes() {
        List<Challenge> c = Challenge.parseAll(List.of(
                "Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                        + "scope=\"repository:team/app:pull,push repository:base:pull\",error=\"insufficient_scope\"",
                "Basic realm=\"x\", Bearer realm=plain"));

        assertThat(c).hasSize(3);
        assertThat(c.get(0).isBearer()).isTrue();
        assertThat(c.get(0).param("realm")).isEqualTo("https://auth.example/token");
        assertThat(c.get(0).param("service")).isEqualTo("registry.example");
        assertThat(c.get(0).scopes()).containsExactly("repository:team/app:pull,push", "repository:base:pull");
        assertThat(c.get(0).param("error")).isEqualTo("insufficient_scope");
        assertThat(c.get(1).isBasic()).isTrue();
        assertThat(c.get(2).param("realm")).isEqualTo("plain");
    }

    @Test
    void tokensAreFetchedWithBasicCredentialsAndCachedPerScope() {
        try (HttpRegistry registry = registry(RegistryCredential.basic("alice", PASSWORD))) {
            registry.repository("team/a").resolve("v1");
            registry.repository("team/a").resolve("v2");
            assertThat(issued).hasValue(1); // the second request reuses the token for repository:team/a:pull

            registry.repository("team/b").resolve("v1");
            assertThat(issued).hasValue(2); // another repository, another scope

            registry.repository("team/a").push(MANIFEST_DESC, ContentSource.of(MANIFEST));
            assertThat(issued).hasValue(3); // pushing asks for pull,push
            // Once the registry has challenged, the push token was fetched before the PUT: one PUT only.
            assertThat(server.seen("PUT", "/v2/team/a/manifests/.*")).hasSize(1);
            assertThat(server.seen("GET", "/token").get(2).query())
                    .contains("scope=repository%3Ateam%2Fa%3Apull%2Cpush");
        }
    }

    @Test
    void anExpiredTokenIsFetchedAgain() throws Exception {
        expiresIn = 1;
        try (HttpRegistry registry = registry(RegistryCredential.basic("alice", PASSWORD))) {
            registry.repository("app").resolve("v1");
            Thread.sleep(1100);
            registry.repository("app").resolve("v1");
            assertThat(issued).hasValue(2);
        }
    }

    @Test
    void anIdentityTokenIsExchangedWithARefreshTokenGrant() {
        try (HttpRegistry registry = registry(RegistryCredential.identityToken("00000000-0000-0000-0000-000000000000",
                "the-refresh-token"))) {
            assertThat(registry.repository("app").resolve("v1")).isEqualTo(MANIFEST_DESC);
        }
        var posts = server.seen("POST", "/token");
        assertThat(posts).hasSize(1);
        String form = new String(posts.get(0).body(), StandardCharsets.UTF_8);
        assertThat(form).contains("grant_type=refresh_token", "service=test",
                "scope=repository%3Aapp%3Apull");
        assertThat(server.seen("GET", "/token")).isEmpty();
    }

    @Test
    void aWrongPasswordIsAClearUnauthorizedErrorWithoutTheSecret() {
        try (HttpRegistry registry = registry(RegistryCredential.basic("alice", "wrong-" + PASSWORD))) {
            assertThatThrownBy(() -> registry.repository("app").resolve("v1"))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAUTHORIZED);
                        assertThat(e.getMessage()).contains("user 'alice'", "check the username and password",
                                "log in again", "authentication failed");
                        assertThat(e.getMessage()).doesNotContain(PASSWORD, "Basic ");
                    });
        }
    }

    @Test
    void aTokenWithoutTheScopeAskedIsDeniedNamingTheScope() {
        grantNothing = true; // the token service signs the user in but grants no access
        try (HttpRegistry registry = registry(RegistryCredential.basic("alice", PASSWORD))) {
            assertThatThrownBy(() -> registry.repository("team/app").push(MANIFEST_DESC, ContentSource.of(MANIFEST)))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.DENIED);
                        assertThat(e.getMessage()).contains("user 'alice'", "repository:team/app:pull,push");
                    });
        }
    }

    @Test
    void anonymousAccessToARegistryThatRequiresSignInSaysSo() {
        try (HttpRegistry registry = registry(null)) {
            assertThatThrownBy(() -> registry.repository("app").resolve("v1"))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAUTHORIZED);
                        assertThat(e.getMessage()).contains("no credentials were given", "TRANSFER_REGISTRY_USERNAME");
                    });
        }
    }
}
