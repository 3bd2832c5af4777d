// Signs requests to one registry in: basic credentials, or bearer tokens from the token service, cached per scope.
package org.ocitransfer.core.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;
import org.ocitransfer.core.registry.RegistryException.RegistryError;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication for one registry. Anonymous until the registry challenges; then, by the challenge:
 * <ul>
 *   <li>{@code Basic}: the credential's username and password on every later request;</li>
 *   <li>{@code Bearer realm,service,scope}: a token from the token service ({@code GET realm?service&scope} with
 *       basic credentials, or {@code POST grant_type=refresh_token} with an identity token), cached per scope set
 *       until it expires ({@code expires_in}, 60 s when absent). Once the registry has challenged, tokens for new
 *       scopes are fetched before the request, so bodies are not sent twice.</li>
 * </ul>
 * Credentials come from the {@link CredentialProvider} for the registry's {@code host[:port]}. They go to the
 * registry itself, and to a token service only on the registry's own host name or over https (never from an https
 * registry to an http token service, never over plain http to another host: such a token service is only asked
 * anonymously, and with credentials at hand the sign-in fails saying so). Secrets never go into messages or logs.
 */
final class Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    private static final Duration DEFAULT_TOKEN_LIFE = Duration.ofSeconds(60);
    private static final String CLIENT_ID = "ocitransfer";
    private static final String HOW_TO_SIGN_IN = "give credentials (on the command line --username with"
            + " --password-stdin; the environment variables TRANSFER_REGISTRY_USERNAME and TRANSFER_REGISTRY_PASSWORD;"
            + " or a CredentialProvider in Java), or log in with docker login or podman login";

    private final String host;
    private final URI registry;
    private final CredentialProvider credentials;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private volatile Function<Call, Response> sender;
    private volatile Challenge bearer;
    private volatile boolean basic;

    private record Token(String value, Instant refreshAfter) {
    }

    Authenticator(URI registry, CredentialProvider credentials) {
        this.registry = registry;
        this.host = registry.getRawAuthority();
        this.credentials = credentials;
    }

    /** Token service requests go through the registry's transport (retries, bounded connections). */
    void useSender(Function<Call, Response> send) {
        this.sender = send;
    }

    /** The Authorization header for a request needing these scopes, or null to go anonymous. */
    String authorization(List<String> scopes) {
        if (basic) {
            return credential().filter(c -> c.password() != null).map(Authenticator::basicHeader).orElse(null);
        }
        Challenge challenge = bearer;
        if (challenge == null) {
            return null;
        }
        String key = key(scopes);
        Token token = tokens.get(key);
        if (token == null || Instant.now().isAfter(token.refreshAfter())) {
            token = fetchToken(challenge, scopes);
            tokens.put(key, token);
        }
        return "Bearer " + token.value();
    }

    /** The registry answered 401 with these challenges: prepare to sign in (fetches a token for a Bearer one). */
    void challenged(List<Challenge> challenges, Call call, List<RegistryError> errors) {
        Challenge chosen = pick(challenges);
        if (chosen == null) {
            throw new RegistryException(Reason.UNAUTHORIZED, "The registry " + show() + " refused " + call.what()
                    + " (HTTP 401) without a Basic or Bearer challenge this client can answer", 401, errors, null);
        }
        if (chosen.isBasic()) {
            RegistryCredential c = credential().filter(x -> x.password() != null).orElseThrow(() ->
                    new RegistryException(Reason.UNAUTHORIZED, "The registry " + show() + " asks for a username and"
                            + " password (basic auth) for " + call.what() + " and " + noCredentials(), 401, errors,
                            null));
            LOG.debug("Registry {} uses basic auth; signing in as {}", show(), c.username());
            basic = true;
            return;
        }
        String realm = chosen.param("realm");
        if (realm == null || realm.isBlank()) {
            throw new RegistryException(Reason.UNAUTHORIZED, "The registry " + show() + " sent a Bearer challenge"
                    + " without a realm for " + call.what(), 401, errors, null);
        }
        bearer = chosen;
        TreeSet<String> scopes = new TreeSet<>(call.scopes());
        scopes.addAll(chosen.scopes());
        tokens.put(key(call.scopes()), fetchToken(chosen, new ArrayList<>(scopes)));
    }

    /**
     * The exception for a 401 that signing in did not cure: DENIED when the token lacked the scope asked
     * ({@code error="insufficient_scope"}), else UNAUTHORIZED.
     */
    RegistryException rejected(List<Challenge> challenges, Call call, int status, List<RegistryError> errors) {
        Challenge chosen = pick(challenges);
        boolean insufficient = chosen != null && "insufficient_scope".equals(chosen.param("error"));
        if (insufficient || errors.stream().anyMatch(e -> "DENIED".equals(e.code()))) {
            return denied(call, status, errors);
        }
        Optional<RegistryCredential> c = credential();
        String detail = Transport.describe(errors);
        if (c.isEmpty()) {
            return new RegistryException(Reason.UNAUTHORIZED, "The registry " + show() + " requires signing in for "
                    + call.what() + " and " + noCredentials() + detail,
                    status, errors, null);
        }
        return new RegistryException(Reason.UNAUTHORIZED, "The registry " + show() + " refused the credentials of "
                + who(c) + " for " + call.what() + ": " + checkCredentials() + detail, status, errors, null);
    }

    /** The exception for a refused scope (403, or 401 insufficient_scope), naming the scope asked. */
    RegistryException denied(Call call, int status, List<RegistryError> errors) {
        String scopes = call.scopes().isEmpty() ? "(no scope)" : String.join(" ", call.scopes());
        return new RegistryException(Reason.DENIED, "The registry " + show() + " denied " + who(credential())
                + " access to " + call.what() + " (scope asked: " + scopes + "): ask for that access or use other"
                + " credentials" + Transport.describe(errors), status, errors, null);
    }

    private Token fetchToken(Challenge challenge, List<String> scopes) {
        URI realm;
        try {
            realm = URI.create(challenge.param("realm"));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(Reason.UNAUTHORIZED, "The registry " + show() + " named an invalid token"
                    + " service address", 401, List.of(), e);
        }
        if (!"https".equalsIgnoreCase(realm.getScheme()) && !"http".equalsIgnoreCase(realm.getScheme())) {
            throw new RegistryException(Reason.UNAUTHORIZED, "The registry " + show() + " named a token service"
                    + " that is not http(s): " + Transport.show(realm));
        }
        if ("https".equalsIgnoreCase(registry.getScheme()) && !"https".equalsIgnoreCase(realm.getScheme())) {
            throw new RegistryException(Reason.UNAUTHORIZED, "The registry " + show() + " named a token service"
                    + " over plain http (" + Transport.show(realm) + "): refused, credentials are never sent"
                    + " without TLS to a registry reached over https");
        }
        Optional<RegistryCredential> c = credential();
        if (c.isPresent() && !mayReceiveCredentials(realm)) {
            throw new RegistryException(Reason.UNAUTHORIZED, "The registry " + show() + " named a token service on"
                    + " another host over plain http (" + Transport.show(realm) + "): the credentials for " + host
                    + " are not sent there. Credentials go to a token service only on the registry's own host, or"
                    + " on another host over https; reach the registry by the host name its token service uses, or"
                    + " serve the token service over https");
        }
        String service = challenge.param("service");
        String what = "a token for " + (scopes.isEmpty() ? "the registry" : String.join(" ", scopes));
        Call call;
        if (c.isPresent() && c.get().identityToken() != null) {
            StringBuilder form = new StringBuilder("grant_type=refresh_token&client_id=").append(CLIENT_ID);
            if (service != null) {
                form.append("&service=").append(enc(service));
            }
            if (!scopes.isEmpty()) {
                form.append("&scope=").append(enc(String.join(" ", scopes)));
            }
            form.append("&refresh_token=").append(enc(c.get().identityToken().reveal()));
            call = Call.of("POST", realm, List.of(), what, null).unauthenticated()
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(form.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            StringBuilder query = new StringBuilder();
            if (service != null) {
                query.append("service=").append(enc(service));
            }
            for (String scope : scopes) {
                query.append(query.length() > 0 ? "&" : "").append("scope=").append(enc(scope));
            }
            if (c.isPresent()) {
                query.append(query.length() > 0 ? "&" : "").append("account=").append(enc(c.get().username()));
            }
            String raw = realm.toString();
            URI address = URI.create(query.length() == 0 ? raw : raw + (realm.getRawQuery() == null ? "?" : "&")
                    + query);
            call = Call.of("GET", address, List.of(), what, null).unauthenticated();
            if (c.isPresent() && c.get().password() != null) {
                call = call.header("Authorization", basicHeader(c.get()));
            }
        }
        try (Response response = sender.apply(call)) {
            if (response.status() == 401 || response.status() == 403) {
                List<RegistryError> errors = Transport.errors(response);
                throw new RegistryException(Reason.UNAUTHORIZED, "The token service " + Transport.show(realm)
                        + " of registry " + show() + " refused " + who(c) + " (HTTP " + response.status() + "): "
                        + (c.isEmpty() ? noCredentials()
                        : checkCredentials()) + Transport.describe(errors),
                        response.status(), errors, null);
            }
            if (response.status() != 200) {
                List<RegistryError> errors = Transport.errors(response);
                throw new RegistryException(Transport.isTransient(response.status()) ? Reason.TRANSIENT : Reason.OTHER,
                        "The token service " + Transport.show(realm) + " of registry " + show() + " answered HTTP "
                                + response.status() + " when asked for " + what + Transport.describe(errors),
                        response.status(), errors, null);
            }
            JsonNode body = Transport.JSON.readTree(response.readAll(Transport.MAX_JSON_BYTES));
            String token = body == null ? null : body.path("token").asText(body.path("access_token").asText(null));
            if (token == null || token.isEmpty()) {
                throw new RegistryException(Reason.OTHER, "The token service " + Transport.show(realm)
                        + " of registry " + show() + " answered without a token");
            }
            long seconds = body.path("expires_in").asLong(DEFAULT_TOKEN_LIFE.toSeconds());
            Duration life = Duration.ofSeconds(seconds > 0 ? seconds : DEFAULT_TOKEN_LIFE.toSeconds());
            // Refresh a little before the end: a tenth of the life, at most 30 s early.
            Duration margin = life.dividedBy(10).compareTo(Duration.ofSeconds(30)) > 0
                    ? Duration.ofSeconds(30) : life.dividedBy(10);
            LOG.debug("Got a token for {} from {} valid {} s", scopes, Transport.show(realm), life.toSeconds());
            return new Token(token, Instant.now().plus(life).minus(margin));
        } catch (IOException e) {
            throw new RegistryException(Reason.OTHER, "The token service " + Transport.show(realm) + " of registry "
                    + show() + " answered with an unreadable body: " + e.getMessage(), 0, List.of(), e);
        }
    }

    /**
     * Whether a token service may receive this registry's credentials: on the registry's own host name (any port,
     * over the registry's scheme or https), or on another host over https only. The switch from an https registry
     * to an http token service is refused before this.
     */
    private boolean mayReceiveCredentials(URI realm) {
        return "https".equalsIgnoreCase(realm.getScheme())
                || (realm.getHost() != null && realm.getHost().equalsIgnoreCase(registry.getHost()));
    }

    /** "no credentials were given for host (looked in: where, what it found; ...): how to give them". */
    private String noCredentials() {
        List<String> searched = credentials.searched(host);
        return "no credentials were given for " + host + (searched.isEmpty() ? "" : " (looked in: "
                + String.join("; ", searched) + ")") + ": " + HOW_TO_SIGN_IN;
    }

    /** "check the username and password ... looked up in: ...", naming where the credential came from. */
    private String checkCredentials() {
        List<String> searched = credentials.searched(host);
        return "check the username and password (or token) given for " + host + (searched.isEmpty() ? ""
                : ", looked up in: " + String.join("; ", searched)) + ", or log in again";
    }

    private Optional<RegistryCredential> credential() {
        return credentials.credentialFor(host);
    }

    private static Challenge pick(List<Challenge> challenges) {
        return challenges.stream().filter(Challenge::isBearer).findFirst()
                .or(() -> challenges.stream().filter(Challenge::isBasic).findFirst()).orElse(null);
    }

    private static String key(List<String> scopes) {
        return String.join(" ", new TreeSet<>(scopes));
    }

    private static String basicHeader(RegistryCredential c) {
        String pair = c.username() + ":" + c.password().reveal();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String who(Optional<RegistryCredential> c) {
        return c.map(x -> "user '" + x.username() + "'").orElse("anonymous access");
    }

    private String show() {
        return registry.getScheme() + "://" + host;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
