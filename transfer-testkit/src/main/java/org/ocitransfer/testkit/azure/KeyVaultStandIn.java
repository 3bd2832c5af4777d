// A TLS stand-in for Azure Key Vault's secrets API (no Key Vault emulator exists): drives the real SDK in tests.
package org.ocitransfer.testkit.azure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

/**
 * A STAND-IN for Azure Key Vault, not a real vault: no Key Vault emulator can be installed here, so this small TLS
 * server (the JDK's HttpsServer with a {@link SelfSignedCertificate}) speaks just enough of the real protocol for the
 * real {@code SecretClient} to run against it:
 * <ul>
 *   <li>{@code GET /secrets/{name}[/{version}]?api-version=...} returning the secret bundle JSON
 *       ({@code value}, {@code id}, {@code attributes});</li>
 *   <li>the challenge: a request without a bearer token gets 401 with
 *       {@code WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>",
 *       resource="https://vault.azure.net"}; the SDK then asks its credential for a token and retries;</li>
 *   <li>404 {@code SecretNotFound} for unknown secrets, 403 {@code Forbidden} for denied ones;</li>
 *   <li>which identity asks: a secret {@link #grant granted} to identities may be read only with a token naming one
 *       of them (its {@code appid} client id, {@code xms_mirid} resource id or {@code oid} principal, as the
 *       {@link ManagedIdentityStandIn} and {@link EntraIdStandInCredential} issue them); any other caller gets the
 *       403 {@code ForbiddenByRbac} a vault with Azure RBAC returns, naming the caller.</li>
 * </ul>
 * Clients must trust the certificate and, the host being loopback, disable the SDK's challenge resource check.
 */
public final class KeyVaultStandIn implements AutoCloseable {

    /** The resource named in the challenge. */
    public static final String RESOURCE = "https://vault.azure.net";

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpsServer server;
    private final String tenant;
    private final Map<String, List<String[]>> versions = new ConcurrentHashMap<>();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> grants = new ConcurrentHashMap<>();
    private final List<String> callers = new CopyOnWriteArrayList<>();
    private final AtomicInteger secretReads = new AtomicInteger();
    private final AtomicInteger challenges = new AtomicInteger();
    private volatile boolean denyAll;

    private KeyVaultStandIn(HttpsServer server, String tenant) {
        this.server = server;
        this.tenant = tenant;
    }

    /** Starts the stand-in on a free loopback port, presenting {@code certificate}. */
    public static KeyVaultStandIn start(SelfSignedCertificate certificate) {
        HttpsServer server = server(certificate);
        KeyVaultStandIn standIn = new KeyVaultStandIn(server, UUID.randomUUID().toString());
        server.createContext("/", standIn::handle);
        server.start();
        return standIn;
    }

    /** An unstarted TLS server on a free loopback port presenting {@code certificate}, with 4 daemon threads. */
    static HttpsServer server(SelfSignedCertificate certificate) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
            server.setExecutor(StandInHttp.daemons("keyvault-stand-in", 4));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Key Vault stand-in", e);
        }
    }

    /** The vault URL, {@code https://127.0.0.1:PORT}. */
    public String vaultUrl() {
        return "https://" + host();
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The tenant its challenge names. */
    public String tenant() {
        return tenant;
    }

    /** Sets a new version of a secret; returns the secret's URI (without version: the latest). */
    public String setSecret(String name, String value) {
        versions.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>())
                .add(new String[] {UUID.randomUUID().toString().replace("-", ""), value});
        return secretUri(name);
    }

    /** A secret's URI (the latest version). */
    public String secretUri(String name) {
        return vaultUrl() + "/secrets/" + name;
    }

    /** The id of a secret's latest version. */
    public String latestVersion(String name) {
        List<String[]> all = versions.get(name);
        return all == null ? null : all.get(all.size() - 1)[0];
    }

    /** Denies (403) reading this secret. */
    public void deny(String name) {
        denied.add(name);
    }

    /** Denies (403) or allows every read, as if the identity lacked (or had) get permission on secrets. */
    public void denyAll(boolean deny) {
        this.denyAll = deny;
    }

    /**
     * Lets only these identities read the secret (client ids, identity resource ids or object ids; adds to earlier
     * grants). A secret never granted may be read by any caller.
     */
    public void grant(String name, String... identities) {
        grants.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).addAll(List.of(identities));
    }

    /** Who made each authenticated secret read, in order: the token's {@code appid}, else its {@code oid}. */
    public List<String> callers() {
        return List.copyOf(callers);
    }

    /** How many authenticated secret reads it answered (any status). */
    public int secretReads() {
        return secretReads.get();
    }

    /** How many unauthenticated requests it challenged. */
    public int challenges() {
        return challenges.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (challenged(exchange, tenant)) {
                challenges.incrementAndGet();
                return;
            }
            String[] parts = exchange.getRequestURI().getPath().replaceAll("/+$", "").split("/");
            if (!exchange.getRequestMethod().equals("GET") || parts.length < 3 || parts.length > 4
                    || !parts[1].equals("secrets")) {
                StandInHttp.sendJson(exchange, 404, error("NotFound",
                        "This stand-in implements GET /secrets/{name}[/{version}]"));
                return;
            }
            secretReads.incrementAndGet();
            String name = parts[2];
            if (refusedByRbac(exchange, grants.get(name), callers, "secrets/getSecret", "secrets/" + name)) {
                return;
            }
            String version = parts.length == 4 ? parts[3] : null;
            if (denyAll || denied.contains(name)) {
                ObjectNode body = error("Forbidden", "The user, group or application does not have secrets get"
                        + " permission on key vault 'stand-in'.");
                ((ObjectNode) body.get("error")).putObject("innererror").put("code", "AccessDenied");
                StandInHttp.sendJson(exchange, 403, body);
                return;
            }
            String[] found = find(name, version);
            if (found == null) {
                StandInHttp.sendJson(exchange, 404, error("SecretNotFound", "A secret with (name/id) " + name
                        + " was not found in this key vault."));
                return;
            }
            ObjectNode bundle = JSON.createObjectNode();
            bundle.put("value", found[1]);
            bundle.put("id", vaultUrl() + "/secrets/" + name + "/" + found[0]);
            long now = Instant.now().getEpochSecond();
            bundle.putObject("attributes").put("enabled", true).put("created", now).put("updated", now)
                    .put("recoveryLevel", "Recoverable+Purgeable").put("recoverableDays", 90);
            bundle.putObject("tags");
            StandInHttp.sendJson(exchange, 200, bundle);
        }
    }

    /**
     * Records who asks (the token's {@code appid}, else its {@code oid}) in {@code callers} and, when the item is
     * granted to some identities ({@code granted} not null) and the token names none of them (client id, identity
     * resource id or object id), answers with the 403 {@code ForbiddenByRbac} a vault with Azure RBAC returns, naming
     * the caller: whether it answered (the request is then done).
     */
    static boolean refusedByRbac(HttpExchange exchange, Set<String> granted, List<String> callers, String action,
                                 String resource) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        com.fasterxml.jackson.databind.JsonNode claims = StandInTokens.read(auth.substring("Bearer ".length()));
        String appId = claims.path("appid").asText(null);
        String objectId = claims.path("oid").asText(null);
        callers.add(appId != null ? appId : String.valueOf(objectId));
        String resourceId = claims.path("xms_mirid").asText(null);
        if (granted == null || java.util.stream.Stream.of(appId, objectId, resourceId)
                .anyMatch(id -> id != null && granted.contains(id))) {
            return false;
        }
        ObjectNode body = error("Forbidden", "Caller is not authorized to perform action on resource.\r\n"
                + "If role assignments, deny assignments or role definitions were changed recently, please"
                + " observe propagation time.\r\nCaller: appid=" + appId + ";oid=" + objectId + ";iss="
                + claims.path("iss").asText() + "\r\nAction: 'Microsoft.KeyVault/vaults/" + action + "/action'\r\n"
                + "Resource: 'stand-in/" + resource + "'");
        ((ObjectNode) body.get("error")).putObject("innererror").put("code", "ForbiddenByRbac");
        StandInHttp.sendJson(exchange, 403, body);
        return true;
    }

    /**
     * Answers a request without a bearer token with Key Vault's 401 challenge, and one without api-version with 400:
     * whether it answered (the request is then done).
     */
    static boolean challenged(HttpExchange exchange, String tenant) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= "Bearer ".length()) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer authorization=\""
                    + "https://login.microsoftonline.com/" + tenant + "\", resource=\"" + RESOURCE + "\"");
            StandInHttp.sendJson(exchange, 401, error("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."));
            return true;
        }
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null || !query.contains("api-version=")) {
            StandInHttp.sendJson(exchange, 400, error("BadParameter", "The request URI must contain api-version"));
            return true;
        }
        return false;
    }

    private String[] find(String name, String version) {
        List<String[]> all = versions.get(name);
        if (all == null || all.isEmpty()) {
            return null;
        }
        if (version == null) {
            return all.get(all.size() - 1);
        }
        return all.stream().filter(v -> v[0].equals(version)).findFirst().orElse(null);
    }

    static ObjectNode error(String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        return body;
    }


    /** Stops the server. */
    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** For debugging: the secret names held (never values). */
    @Override
    public String toString() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        versions.forEach((k, v) -> counts.put(k, v.size()));
        return "KeyVaultStandIn[" + vaultUrl() + ", secrets=" + counts.keySet() + "]";
    }
}
