// A TLS stand-in for Azure Key Vault's keys API (get a key, sign a digest ES256): drives the real CryptographyClient.
package org.ocitransfer.testkit.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

/**
 * A STAND-IN for Azure Key Vault's keys, not a real vault: no Key Vault emulator can be installed here, so this small
 * TLS server speaks just enough of the real REST protocol for the real {@code CryptographyClient} to sign with a key
 * it holds, the private key never leaving it:
 * <ul>
 *   <li>{@code GET /keys/{name}[/{version}]?api-version=...}: the key bundle, its JSON Web Key holding only the
 *       public part ({@code kty}, {@code crv}, {@code x}, {@code y}, {@code key_ops}, {@code kid});</li>
 *   <li>{@code POST /keys/{name}/{version}/sign?api-version=...} with {@code {"alg":"ES256","value":<base64url
 *       digest>}}: {@code {"kid":..,"value":<base64url r||s>}}, signed with the real EC P-256 private key it
 *       generated;</li>
 *   <li>the same bearer challenge as {@link KeyVaultStandIn}; 404 {@code KeyNotFound}, 403 {@code Forbidden} for a
 *       denied key, 400 {@code BadParameter} for another algorithm or a digest that is not 32 bytes;</li>
 *   <li>which identity asks, as {@link KeyVaultStandIn} checks it: a key {@link #grant granted} to identities may be
 *       read and used only with a token naming one of them; any other caller gets the 403 {@code ForbiddenByRbac}.</li>
 * </ul>
 */
public final class KeyVaultKeysStandIn implements AutoCloseable {

    private final HttpsServer server;
    private final String tenant = UUID.randomUUID().toString();
    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final Set<String> signDenied = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> grants = new ConcurrentHashMap<>();
    private final List<String> callers = new CopyOnWriteArrayList<>();
    private final AtomicInteger signatures = new AtomicInteger();

    private record Key(String version, KeyPair pair, List<String> ops) {
    }

    private KeyVaultKeysStandIn(HttpsServer server) {
        this.server = server;
    }

    /** Starts the stand-in on a free loopback port, presenting {@code certificate}. */
    public static KeyVaultKeysStandIn start(SelfSignedCertificate certificate) {
        KeyVaultKeysStandIn standIn = new KeyVaultKeysStandIn(KeyVaultStandIn.server(certificate));
        standIn.server.createContext("/", standIn::handle);
        standIn.server.start();
        return standIn;
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Creates an EC P-256 key permitting {@code ops} (e.g. sign, verify); returns its URI without version. */
    public String createEcKey(String name, String... ops) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            keys.put(name, new Key(UUID.randomUUID().toString().replace("-", ""), generator.generateKeyPair(),
                    List.of(ops)));
            return "https://" + host() + "/keys/" + name;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot make an EC P-256 key", e);
        }
    }

    /** The public key of a key, as PEM ({@code -----BEGIN PUBLIC KEY-----}), as {@code az keyvault key download}. */
    public String publicKeyPem(String name) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(keys.get(name).pair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    /** The id of a key's (only) version. */
    public String version(String name) {
        return keys.get(name).version();
    }

    /** The tenant its challenge names (give it to a {@link ManagedIdentityStandIn} whose tokens it should take). */
    public String tenant() {
        return tenant;
    }

    /**
     * Lets only these identities get and sign with the key (client ids, identity resource ids or object ids; adds to
     * earlier grants). A key never granted may be used by any caller.
     */
    public void grant(String name, String... identities) {
        grants.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).addAll(List.of(identities));
    }

    /** Who asked for each key it holds, in order: the token's {@code appid}, else {@code oid}. */
    public List<String> callers() {
        return List.copyOf(callers);
    }

    /** Denies (403) every use of this key, as if the identity lacked the key permissions. */
    public void deny(String name) {
        denied.add(name);
    }

    /** Denies (403) signing with this key but not reading it, as if the identity had only the get permission. */
    public void denySign(String name) {
        signDenied.add(name);
    }

    /** How many signatures it made. */
    public int signatures() {
        return signatures.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (KeyVaultStandIn.challenged(exchange, tenant)) {
                return;
            }
            List<String> path = Arrays.stream(exchange.getRequestURI().getPath().split("/"))
                    .filter(s -> !s.isEmpty()).toList();
            boolean get = exchange.getRequestMethod().equals("GET") && (path.size() == 2 || path.size() == 3);
            boolean sign = exchange.getRequestMethod().equals("POST") && path.size() == 4
                    && path.get(3).equals("sign");
            if (path.isEmpty() || !path.get(0).equals("keys") || !(get || sign)) {
                send(exchange, 404, KeyVaultStandIn.error("NotFound", "This stand-in implements GET"
                        + " /keys/{name}[/{version}] and POST /keys/{name}/{version}/sign"));
                return;
            }
            String name = path.get(1);
            Key key = keys.get(name);
            if (key == null || (path.size() > 2 && !path.get(2).equals(key.version()))) {
                send(exchange, 404, KeyVaultStandIn.error("KeyNotFound", "A key with (name/id) " + name
                        + " was not found in this key vault."));
                return;
            }
            if (KeyVaultStandIn.refusedByRbac(exchange, grants.get(name), callers, get ? "keys/read"
                    : "keys/sign", "keys/" + name)) {
                return;
            }
            if (denied.contains(name) || (sign && signDenied.contains(name))) {
                send(exchange, 403, KeyVaultStandIn.error("Forbidden", "The user, group or application does not"
                        + " have keys " + (get ? "get" : "sign") + " permission on key vault 'stand-in'."));
                return;
            }
            String kid = "https://" + host() + "/keys/" + name + "/" + key.version();
            if (get) {
                send(exchange, 200, bundle(kid, key));
                return;
            }
            JsonNode request;
            try (InputStream in = exchange.getRequestBody()) {
                request = KeyVaultStandIn.JSON.readTree(in);
            }
            byte[] digest = request.hasNonNull("value") ? Base64.getUrlDecoder().decode(request.get("value").asText())
                    : new byte[0];
            if (!"ES256".equals(request.path("alg").asText()) || digest.length != 32) {
                send(exchange, 400, KeyVaultStandIn.error("BadParameter", "Invalid algorithm or digest: ES256"
                        + " signs a 32-byte SHA-256 digest"));
                return;
            }
            ObjectNode result = KeyVaultStandIn.JSON.createObjectNode();
            result.put("kid", kid);
            result.put("value", Base64.getUrlEncoder().withoutPadding().encodeToString(sign(key, digest)));
            signatures.incrementAndGet();
            send(exchange, 200, result);
        }
    }

    private static byte[] sign(Key key, byte[] digest) {
        try {
            Signature signature = Signature.getInstance("NONEwithECDSAinP1363Format");
            signature.initSign(key.pair().getPrivate());
            signature.update(digest);
            return signature.sign(); // r || s, 64 bytes, as Key Vault returns ES256 signatures
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The stand-in could not sign", e);
        }
    }

    private static ObjectNode bundle(String kid, Key key) {
        ECPublicKey pub = (ECPublicKey) key.pair().getPublic();
        ObjectNode bundle = KeyVaultStandIn.JSON.createObjectNode();
        ObjectNode jwk = bundle.putObject("key");
        jwk.put("kid", kid);
        jwk.put("kty", "EC");
        key.ops().forEach(jwk.putArray("key_ops")::add);
        jwk.put("crv", "P-256");
        jwk.put("x", coordinate(pub.getW().getAffineX()));
        jwk.put("y", coordinate(pub.getW().getAffineY()));
        long now = Instant.now().getEpochSecond();
        bundle.putObject("attributes").put("enabled", true).put("created", now).put("updated", now)
                .put("recoveryLevel", "Recoverable+Purgeable").put("recoverableDays", 90);
        bundle.putObject("tags");
        return bundle;
    }

    /** A coordinate as JWK writes it: 32 bytes big-endian, base64url without padding. */
    private static String coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int n = Math.min(32, bytes.length);
        System.arraycopy(bytes, bytes.length - n, fixed, 32 - n, n);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        StandInHttp.sendJson(exchange, status, body);
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** For debugging: the key names held (never private parts). */
    @Override
    public String toString() {
        return "KeyVaultKeysStandIn[" + host() + ", keys=" + keys.keySet() + "]";
    }
}
