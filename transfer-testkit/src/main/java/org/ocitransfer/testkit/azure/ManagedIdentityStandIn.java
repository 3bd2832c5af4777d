// A STAND-IN for the Azure managed identity endpoint (IMDS): issues tokens that name the identity that asked.
package org.ocitransfer.testkit.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.util.Context;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;
import reactor.core.publisher.Mono;

/**
 * A STAND-IN for the Azure Instance Metadata Service's managed identity endpoint, not a real one: a loopback HTTP
 * server speaking the protocol azure-identity's {@code ManagedIdentityCredential} (through MSAL) speaks to IMDS:
 * {@code GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=R[&client_id=C|&msi_res_id=ID]} with
 * {@code Metadata: true}, answered with {@code {access_token, expires_on, resource, token_type, client_id}}. The host
 * has a system-assigned identity and the user-assigned identities {@link #userAssigned registered} here; a request for
 * another identity gets IMDS's 400 "Identity not found". Tokens are Entra ID-shaped JWTs naming the identity
 * ({@code appid} its client id, {@code xms_mirid} its resource id, {@code oid} its principal), which the
 * {@link KeyVaultStandIn} reads to decide whether that identity may read a secret.
 *
 * <p>IMDS lives at {@code 169.254.169.254}, which no test can bind, and MSAL takes the endpoint from process
 * environment variables only (not from the credential builder's configuration), so the credential reaches this
 * stand-in through {@link #httpClient()}: an HTTP client that sends IMDS requests here and refuses every other host.
 */
public final class ManagedIdentityStandIn implements AutoCloseable {

    /** IMDS's address, as MSAL calls it. */
    public static final String IMDS_HOST = "169.254.169.254";

    /** One token request: the identity asked for (client id, resource id, or neither: system) and the resource. */
    public record Request(String clientId, String resourceId, String resource) {
    }

    private record Identity(String clientId, String resourceId, String principalId) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final SelfSignedCertificate signer;
    private final String tenant;
    private final Identity system = new Identity(UUID.randomUUID().toString(), null, UUID.randomUUID().toString());
    private final Map<String, Identity> byClientId = new ConcurrentHashMap<>();
    private final Map<String, Identity> byResourceId = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private ManagedIdentityStandIn(HttpServer server, SelfSignedCertificate signer, String tenant) {
        this.server = server;
        this.signer = signer;
        this.tenant = tenant;
    }

    /** Starts it on a free loopback port; tokens are signed with {@code signer}'s key, for {@code tenant}. */
    public static ManagedIdentityStandIn start(SelfSignedCertificate signer, String tenant) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(StandInHttp.daemons("managed-identity-stand-in", 2));
            ManagedIdentityStandIn standIn = new ManagedIdentityStandIn(server, signer, tenant);
            server.createContext("/metadata/identity/oauth2/token", standIn::handle);
            server.start();
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the managed identity stand-in", e);
        }
    }

    /** Assigns a user-assigned identity to this host: its client id and resource id. */
    public void userAssigned(String clientId, String resourceId) {
        Identity identity = new Identity(clientId, resourceId, UUID.randomUUID().toString());
        byClientId.put(clientId, identity);
        byResourceId.put(resourceId.toLowerCase(java.util.Locale.ROOT), identity);
    }

    /** The client id its tokens name for the host's system-assigned identity. */
    public String systemClientId() {
        return system.clientId();
    }

    /** The token requests it answered or refused, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /**
     * An Azure SDK HTTP client that sends requests for IMDS ({@value #IMDS_HOST}) to this stand-in: give it to
     * {@code ManagedIdentityCredentialBuilder.httpClient}. Requests to any other host fail.
     */
    public HttpClient httpClient() {
        HttpClient delegate = new NettyAsyncHttpClientBuilder().build();
        String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
        return new HttpClient() {
            @Override
            public Mono<HttpResponse> send(HttpRequest request) {
                return send(request, Context.NONE);
            }

            @Override
            public Mono<HttpResponse> send(HttpRequest request, Context context) {
                if (!IMDS_HOST.equals(request.getUrl().getHost())) {
                    return Mono.error(new IllegalStateException("The managed identity stand-in's client only"
                            + " sends IMDS requests, not " + request.getUrl().getHost()));
                }
                request.setUrl(endpoint + request.getUrl().getFile());
                return delegate.send(request, context);
            }
        };
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"true".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Metadata"))) {
                StandInHttp.sendJson(exchange, 400, error("invalid_request",
                        "Required metadata header not specified"));
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI());
            String resource = query.get("resource");
            String clientId = query.get("client_id");
            String resourceId = query.getOrDefault("msi_res_id", query.get("mi_res_id"));
            requests.add(new Request(clientId, resourceId, resource));
            if (resource == null || query.get("api-version") == null) {
                StandInHttp.sendJson(exchange, 400, error("invalid_request", "Required query variable 'resource' or"
                        + " 'api-version' is missing"));
                return;
            }
            Identity identity = clientId != null ? byClientId.get(clientId)
                    : resourceId != null ? byResourceId.get(resourceId.toLowerCase(java.util.Locale.ROOT)) : system;
            if (identity == null) {
                StandInHttp.sendJson(exchange, 400, error("invalid_request", "Identity not found"));
                return;
            }
            Instant expiry = Instant.now().plusSeconds(3600);
            ObjectNode claims = StandInTokens.claims(resource, tenant, expiry).put("appid", identity.clientId())
                    .put("oid", identity.principalId()).put("sub", identity.principalId());
            if (identity.resourceId() != null) {
                claims.put("xms_mirid", identity.resourceId());
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("access_token", StandInTokens.sign(signer, claims))
                    .put("expires_on", String.valueOf(expiry.getEpochSecond())).put("resource", resource)
                    .put("token_type", "Bearer").put("client_id", identity.clientId());
            StandInHttp.sendJson(exchange, 200, body);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static ObjectNode error(String code, String description) {
        return JSON.createObjectNode().put("error", code).put("error_description", description);
    }


    /** Stops the server. */
    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    @Override
    public String toString() {
        return "ManagedIdentityStandIn[" + server.getAddress() + ", user-assigned=" + byClientId.keySet() + "]";
    }
}
