// The HTTP registry client over TLS, against a scripted HTTPS stand-in (the kit's registry runs plain HTTP only):
// a trusted certificate works, an untrusted one fails without retries, and nothing is continued from https to http.
package org.ocitransfer.testkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.RetryPolicy;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

class HttpRegistryTlsTest {

    @TempDir
    static Path certDir;
    private static SelfSignedCertificate certificate;

    private HttpsServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final Map<String, Handler> routes = new java.util.concurrent.ConcurrentHashMap<>();

    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    @BeforeAll
    static void makeCertificate() {
        certificate = SelfSignedCertificate.generate(certDir, "localhost");
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
        server.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                String key = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
                seen.add(key);
                Handler h = routes.get(key);
                if (h == null) {
                    ex.sendResponseHeaders(404, -1);
                } else {
                    h.handle(ex);
                }
            }
        });
        server.start();
        routes.put("GET /v2/", ex -> ex.sendResponseHeaders(200, -1));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    private HttpRegistry trusting() {
        return HttpRegistry.builder().uri(url()).sslContext(certificate.clientContext())
                .credentials(host -> Optional.of(RegistryCredential.basic("u", "p")))
                .retry(RetryPolicy.defaults()).build();
    }

    private static void redirect(HttpExchange ex, int status, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(status, -1);
    }

    @Test
    void aTrustedCertificateWorksAndAnUntrustedOneFailsWithoutRetries() {
        try (HttpRegistry registry = trusting()) {
            registry.ping();
        }
        try (HttpRegistry registry = HttpRegistry.builder().uri(url()).retry(RetryPolicy.defaults()).build()) {
            assertThatThrownBy(registry::ping).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
                assertThat(e.getMessage()).contains("/v2/", "attempt 1 of", "TLS handshake failed",
                        "certificate is trusted");
                assertThat(e.getMessage()).doesNotContain("javax.", "Exception");
            });
        }
        // The handshake never reaches HTTP: "attempt 1 of" above is what shows it was not retried.
        assertThat(seen).containsExactly("GET /v2/");
    }

    @Test
    void aRedirectFromHttpsToHttpIsRefused() {
        routes.put("HEAD /v2/app/manifests/v1", ex -> redirect(ex, 307,
                "http://localhost:" + server.getAddress().getPort() + "/v2/app/manifests/v1"));
        routes.put("POST /v2/app/blobs/uploads/", ex -> redirect(ex, 202,
                "http://localhost:" + server.getAddress().getPort() + "/v2/app/blobs/uploads/abc"));
        byte[] blob = "bytes".getBytes();
        try (HttpRegistry registry = trusting()) {
            assertThatThrownBy(() -> registry.repository("app").resolve("v1"))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("from https")
                    .hasMessageContaining("never continued over plain http");
            assertThatThrownBy(() -> registry.repository("app").push(Descriptor.of(MediaTypes.OCI_LAYER, blob),
                    ContentSource.of(blob)))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("from https")
                    .hasMessageContaining("blob ");
        }
        assertThat(seen).doesNotContain("PUT /v2/app/blobs/uploads/abc");
    }

    @Test
    void aTokenServiceOverPlainHttpIsRefusedForAnHttpsRegistry() {
        routes.put("HEAD /v2/app/manifests/v1", ex -> {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"http://localhost:1/token\",service=\"s\"");
            ex.sendResponseHeaders(401, -1);
        });
        try (HttpRegistry registry = trusting()) {
            assertThatThrownBy(() -> registry.repository("app").resolve("v1"))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAUTHORIZED);
                        assertThat(e.getMessage()).contains("plain http", "credentials are never sent");
                    });
        }
    }

    @Test
    void aTokenServiceOnAnotherHostOverHttpsGetsTheCredentials() {
        // The registry is reached as localhost; its token service is named at 127.0.0.1 (another host), over https.
        String realm = "https://127.0.0.1:" + server.getAddress().getPort() + "/token";
        List<String> tokenAuthorizations = new CopyOnWriteArrayList<>();
        routes.put("GET /token", ex -> {
            tokenAuthorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "{\"token\":\"t0k\",\"expires_in\":300}".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        routes.put("GET /v2/app/tags/list", ex -> {
            if (!"Bearer t0k".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"s\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            byte[] body = "{\"name\":\"app\",\"tags\":[\"v1\"]}".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        try (HttpRegistry registry = trusting()) {
            assertThat(registry.repository("app").tags()).containsExactly("v1");
        }
        assertThat(tokenAuthorizations).containsExactly("Basic dTpw"); // u:p
    }
}
