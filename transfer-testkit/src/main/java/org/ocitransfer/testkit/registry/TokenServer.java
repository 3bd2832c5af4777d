package org.ocitransfer.testkit.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

/**
 * A small token server for tests, speaking the Docker registry token protocol that CNCF Distribution trusts with
 * {@code auth.token}: {@code GET <tokenPath>?service=&scope=} with HTTP basic credentials, and {@code POST
 * <tokenPath>} with a form ({@code grant_type=password} or {@code grant_type=refresh_token}). It answers
 * {@code {"token","access_token","expires_in","issued_at"}} (plus {@code "refresh_token"} for an offline login),
 * with an RS256 JWT signed by a {@link SelfSignedCertificate} and carrying that certificate in its {@code x5c}
 * header, which is how Distribution finds the key in its {@code rootcertbundle}.
 *
 * <p>Who gets what is decided by an {@link AccessPolicy} (default: every known user gets every action asked for).
 * Extra endpoints (for example ACR's {@code /oauth2/exchange}) plug in with {@link Builder#endpoint}; they can use
 * the server's public methods to authenticate, grant, and issue access and refresh tokens.
 *
 * <p>Passwords and tokens are never logged nor put in messages.
 */
public final class TokenServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final HttpServer server;
    private final ExecutorService executor;
    private final SelfSignedCertificate certificate;
    private final String service;
    private final String issuer;
    private final String tokenPath;
    private final Duration lifetime;
    private final Map<String, String> users;
    private final AccessPolicy policy;
    private final Map<String, Endpoint> endpoints;
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    private final List<String> requestedScopes = new CopyOnWriteArrayList<>();
    private final AtomicInteger accessTokensIssued = new AtomicInteger();
    private static SelfSignedCertificate sharedCertificate;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * A scope as the token protocol writes it, {@code type:name:action,action} (the name may itself hold colons,
     * e.g. a registry host with a port).
     *
     * @param type    e.g. {@code repository} or {@code registry}
     * @param name    e.g. {@code team/app} or {@code catalog}
     * @param actions e.g. {@code [pull, push]}, {@code [*]}
     */
    public record Scope(String type, String name, List<String> actions) {

        /** Copies the actions. */
        public Scope {
            Objects.requireNonNull(type, "scope type");
            Objects.requireNonNull(name, "scope name");
            actions = List.copyOf(actions);
        }

        /**
         * Parses {@code type:name:actions}.
         *
         * @throws IllegalArgumentException naming the text when it is not a scope
         */
        public static Scope parse(String text) {
            int first = text.indexOf(':');
            int last = text.lastIndexOf(':');
            if (first <= 0 || last == first) {
                throw new IllegalArgumentException("Invalid scope '" + text + "': expected type:name:actions, e.g."
                        + " repository:team/app:pull,push");
            }
            List<String> actions = Arrays.stream(text.substring(last + 1).split(","))
                    .map(String::trim).filter(a -> !a.isEmpty()).toList();
            return new Scope(text.substring(0, first), text.substring(first + 1, last), actions);
        }

        /** {@code type:name:actions}. */
        @Override
        public String toString() {
            return type + ":" + name + ":" + String.join(",", actions);
        }
    }

    /** Decides which of the actions a scope asks for a user is granted. */
    @FunctionalInterface
    public interface AccessPolicy {

        /**
         * The actions {@code subject} may have on the scope's resource: a subset of {@code requested.actions()}
         * (empty for none).
         */
        List<String> grant(String subject, Scope requested);

        /** Every known user gets every action asked for. */
        static AccessPolicy grantAll() {
            return (subject, requested) -> requested.actions();
        }

        /** Every known user may pull, nothing else (for "denied" tests). */
        static AccessPolicy pullOnly() {
            return (subject, requested) -> requested.actions().contains("pull") ? List.of("pull") : List.of();
        }
    }

    /**
     * An HTTP request to the token server, as an {@link Endpoint} sees it.
     *
     * @param method     {@code GET} or {@code POST}
     * @param path       the request path
     * @param parameters query parameters, and for a form POST the form's fields, in order of appearance
     * @param headers    request headers (names lower-case)
     */
    public record Request(String method, String path, Map<String, List<String>> parameters,
                          Map<String, List<String>> headers) {

        /** The first value of a parameter, or null. */
        public String parameter(String name) {
            List<String> values = parameters.getOrDefault(name, List.of());
            return values.isEmpty() ? null : values.get(0);
        }

        /** The first value of a header (name in any case), or null. */
        public String header(String name) {
            List<String> values = headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
            return values.isEmpty() ? null : values.get(0);
        }

        /** Every scope asked for: each {@code scope} parameter, which may hold several separated by spaces. */
        public List<Scope> scopes() {
            List<Scope> scopes = new ArrayList<>();
            for (String value : parameters.getOrDefault("scope", List.of())) {
                for (String one : value.trim().split(" +")) {
                    if (!one.isEmpty()) {
                        scopes.add(Scope.parse(one));
                    }
                }
            }
            return scopes;
        }

        /** The HTTP basic credentials sent, if any. */
        public Optional<Credentials> basicCredentials() {
            String auth = header("Authorization");
            if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
                return Optional.empty();
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty()
                    : Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
    }

    /**
     * A user name and password. {@link #toString()} hides the password.
     *
     * @param username the user
     * @param password the password
     */
    public record Credentials(String username, String password) {
        /** The user name only. */
        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=***]";
        }
    }

    /**
     * What an endpoint answers: a status and a JSON body.
     *
     * @param status  HTTP status
     * @param json    the body (JSON text)
     * @param headers extra response headers
     */
    public record Response(int status, String json, Map<String, String> headers) {

        /** Copies the headers. */
        public Response {
            headers = Map.copyOf(headers);
        }

        /** A JSON response made from a map (or any value Jackson writes). */
        public static Response json(int status, Object body) {
            try {
                return new Response(status, JSON.writeValueAsString(body), Map.of());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("Cannot write a token server response as JSON", e);
            }
        }

        /** An OAuth2-style error: {@code {"error": code, "error_description": description}}. */
        public static Response error(int status, String code, String description) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", code);
            body.put("error_description", description);
            body.put("errors", List.of(Map.of("code", code.toUpperCase(java.util.Locale.ROOT),
                    "message", description)));
            return json(status, body);
        }
    }

    /** An extra endpoint of the token server (for example a cloud provider's token exchange). */
    @FunctionalInterface
    public interface Endpoint {
        /** Answers one request; the server's public methods issue tokens. */
        Response handle(Request request, TokenServer server);
    }

    /**
     * An access token issued.
     *
     * @param token            the JWT
     * @param issuedAt         when
     * @param expiresInSeconds its lifetime
     * @param granted          the access it carries
     */
    public record IssuedToken(String token, Instant issuedAt, long expiresInSeconds, List<Scope> granted) {
        /** Hides the token. */
        @Override
        public String toString() {
            return "IssuedToken[issuedAt=" + issuedAt + ", expiresIn=" + expiresInSeconds + "s, granted=" + granted
                    + "]";
        }
    }

    private TokenServer(Builder b, SelfSignedCertificate certificate) throws IOException {
        this.certificate = certificate;
        this.service = b.service;
        this.issuer = b.issuer;
        this.tokenPath = b.tokenPath;
        this.lifetime = b.lifetime;
        this.users = Map.copyOf(b.users);
        this.policy = b.policy;
        this.endpoints = Map.copyOf(b.endpoints);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "token-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** A builder. Set at least the service; users default to none. */
    public static Builder builder() {
        return new Builder();
    }

    /** The server's base URL, {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The realm a registry names in its challenge: {@code url() + tokenPath}. */
    public String realm() {
        return url() + tokenPath;
    }

    /** The service name (the JWT audience). */
    public String service() {
        return service;
    }

    /** The issuer written in tokens. */
    public String issuer() {
        return issuer;
    }

    /** The signing certificate (its PEM goes in the registry's {@code rootcertbundle}). */
    public SelfSignedCertificate certificate() {
        return certificate;
    }

    /** How many access tokens were issued so far. */
    public int accessTokensIssued() {
        return accessTokensIssued.get();
    }

    /** Every scope asked for so far, as sent ({@code type:name:actions}), in order. */
    public List<String> requestedScopes() {
        return List.copyOf(requestedScopes);
    }

    /** Whether the user exists and the password is right (compared in constant time). */
    public boolean authenticate(String username, String password) {
        String expected = username == null ? null : users.get(username);
        return expected != null && password != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
    }

    /** The scopes the policy grants the subject out of those asked for (scopes granted nothing are left out). */
    public List<Scope> grant(String subject, List<Scope> requested) {
        List<Scope> granted = new ArrayList<>();
        for (Scope scope : requested) {
            List<String> actions = policy.grant(subject, scope).stream()
                    .filter(scope.actions()::contains).distinct().toList();
            if (!actions.isEmpty()) {
                granted.add(new Scope(scope.type(), scope.name(), actions));
            }
        }
        return granted;
    }

    /** Signs an access token for the subject carrying exactly {@code granted}. */
    public IssuedToken issueAccessToken(String subject, List<Scope> granted) {
        Instant now = Instant.now();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        try {
            header.put("x5c", List.of(Base64.getEncoder().encodeToString(certificate.certificate().getEncoded())));
            List<Map<String, Object>> access = new ArrayList<>();
            for (Scope scope : granted) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("type", scope.type());
                entry.put("name", scope.name());
                entry.put("actions", scope.actions());
                access.add(entry);
            }
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("iss", issuer);
            claims.put("sub", subject);
            claims.put("aud", service);
            claims.put("exp", now.plus(lifetime).getEpochSecond());
            claims.put("nbf", now.getEpochSecond() - 1);
            claims.put("iat", now.getEpochSecond());
            claims.put("jti", randomHex(16));
            claims.put("access", access);
            String signingInput = B64URL.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + B64URL.encodeToString(JSON.writeValueAsBytes(claims));
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(certificate.privateKey());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            String jwt = signingInput + "." + B64URL.encodeToString(signer.sign());
            accessTokensIssued.incrementAndGet();
            return new IssuedToken(jwt, now, lifetime.toSeconds(), List.copyOf(granted));
        } catch (GeneralSecurityException | JsonProcessingException e) {
            throw new IllegalStateException("The token server could not sign a token", e);
        }
    }

    /** A new refresh token for the subject, accepted by {@code grant_type=refresh_token} until the server closes. */
    public String issueRefreshToken(String subject) {
        String token = "rt-" + randomHex(24);
        refreshTokens.put(token, subject);
        return token;
    }

    /** The subject a refresh token was issued to, if it is one this server issued. */
    public Optional<String> refreshTokenSubject(String refreshToken) {
        return refreshToken == null ? Optional.empty() : Optional.ofNullable(refreshTokens.get(refreshToken));
    }

    /**
     * The standard token response: {@code token}, {@code access_token}, {@code expires_in}, {@code issued_at}, and
     * {@code refresh_token} when given.
     */
    public Response tokenResponse(IssuedToken token, String refreshToken) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token.token());
        body.put("access_token", token.token());
        body.put("expires_in", token.expiresInSeconds());
        body.put("issued_at", token.issuedAt().toString());
        if (refreshToken != null) {
            body.put("refresh_token", refreshToken);
        }
        return Response.json(200, body);
    }

    /** Stops the server. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * The signing certificate of token servers not given one: made once per JVM (keytool takes seconds), held in
     * memory only.
     */
    private static synchronized SelfSignedCertificate sharedCertificate() throws IOException {
        if (sharedCertificate == null) {
            Path dir = Files.createTempDirectory("token-signer");
            try {
                sharedCertificate = SelfSignedCertificate.generate(dir, "ocitransfer-token-signer");
            } finally {
                RegistryFiles.deleteTree(dir);
            }
        }
        return sharedCertificate;
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            try {
                Request request = readRequest(exchange);
                String path = request.path();
                if (endpoints.containsKey(path)) {
                    response = endpoints.get(path).handle(request, this);
                } else if (path.equals(tokenPath)) {
                    response = handleToken(request);
                } else {
                    response = Response.error(404, "not_found", "No endpoint " + path + " on this token server");
                }
            } catch (IllegalArgumentException e) {
                response = Response.error(400, "invalid_request", e.getMessage());
            }
            byte[] body = response.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            response.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private Response handleToken(Request request) {
        List<Scope> scopes = request.scopes();
        scopes.forEach(s -> requestedScopes.add(s.toString()));
        String askedService = request.parameter("service");
        if (askedService != null && !askedService.equals(service)) {
            return Response.error(400, "invalid_request", "This token server serves '" + service
                    + "', not the service '" + askedService + "' asked for");
        }
        if ("GET".equals(request.method())) {
            Optional<Credentials> credentials = request.basicCredentials();
            if (credentials.isEmpty() || !authenticate(credentials.get().username(), credentials.get().password())) {
                return unauthorized(credentials.isEmpty() ? "Basic credentials are required"
                        : "Wrong user name or password");
            }
            String subject = credentials.get().username();
            String refresh = "true".equals(request.parameter("offline_token")) ? issueRefreshToken(subject) : null;
            return tokenResponse(issueAccessToken(subject, grant(subject, scopes)), refresh);
        }
        if (!"POST".equals(request.method())) {
            return Response.error(405, "invalid_request", request.method() + " is not supported: use GET or POST");
        }
        String grantType = request.parameter("grant_type");
        if ("password".equals(grantType)) {
            String subject = request.parameter("username");
            if (!authenticate(subject, request.parameter("password"))) {
                return unauthorized("Wrong user name or password");
            }
            String refresh = "offline".equals(request.parameter("access_type")) ? issueRefreshToken(subject) : null;
            return tokenResponse(issueAccessToken(subject, grant(subject, scopes)), refresh);
        }
        if ("refresh_token".equals(grantType)) {
            String token = request.parameter("refresh_token");
            Optional<String> subject = refreshTokenSubject(token);
            if (subject.isEmpty()) {
                return unauthorized("The refresh token is unknown or expired");
            }
            return tokenResponse(issueAccessToken(subject.get(), grant(subject.get(), scopes)), token);
        }
        return Response.error(400, "unsupported_grant_type", "grant_type must be password or refresh_token, was "
                + grantType);
    }

    private static Response unauthorized(String message) {
        Response error = Response.error(401, "unauthorized", message);
        return new Response(401, error.json(), Map.of("WWW-Authenticate", "Basic realm=\"token-server\""));
    }

    private static Request readRequest(HttpExchange exchange) throws IOException {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        parseForm(exchange.getRequestURI().getRawQuery(), parameters);
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if ("POST".equals(exchange.getRequestMethod()) && contentType != null
                && contentType.startsWith("application/x-www-form-urlencoded")) {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readNBytes(64 * 1024 + 1);
                if (body.length > 64 * 1024) {
                    throw new IllegalArgumentException("The form is larger than 64 KiB");
                }
                parseForm(new String(body, StandardCharsets.UTF_8), parameters);
            }
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT),
                List.copyOf(v)));
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        parameters.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                Collections.unmodifiableMap(frozen), Collections.unmodifiableMap(headers));
    }

    private static void parseForm(String raw, Map<String, List<String>> into) {
        if (raw == null || raw.isEmpty()) {
            return;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            into.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Builds and starts a {@link TokenServer}. */
    public static final class Builder {
        private String service = "registry.test";
        private String issuer = "ocitransfer-testkit-token-server";
        private String tokenPath = "/token";
        private Duration lifetime = Duration.ofMinutes(5);
        private final Map<String, String> users = new LinkedHashMap<>();
        private AccessPolicy policy = AccessPolicy.grantAll();
        private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        private SelfSignedCertificate certificate;

        private Builder() {
        }

        /** The service name: the JWT audience, and the registry's {@code auth.token.service}. */
        public Builder service(String service) {
            this.service = Objects.requireNonNull(service, "service");
            return this;
        }

        /** The issuer: the JWT {@code iss}, and the registry's {@code auth.token.issuer}. */
        public Builder issuer(String issuer) {
            this.issuer = Objects.requireNonNull(issuer, "issuer");
            return this;
        }

        /** The path of the token endpoint (default {@code /token}; ACR uses {@code /oauth2/token}). */
        public Builder tokenPath(String tokenPath) {
            if (!tokenPath.startsWith("/")) {
                throw new IllegalArgumentException("The token path must start with '/': " + tokenPath);
            }
            this.tokenPath = tokenPath;
            return this;
        }

        /** How long access tokens live (default 5 minutes; short ones test expiry). */
        public Builder tokenLifetime(Duration lifetime) {
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("A token lifetime must be positive: " + lifetime);
            }
            this.lifetime = lifetime;
            return this;
        }

        /** Adds a user. */
        public Builder user(String username, String password) {
            users.put(Objects.requireNonNull(username, "username"), Objects.requireNonNull(password, "password"));
            return this;
        }

        /** Who gets what (default {@link AccessPolicy#grantAll()}). */
        public Builder policy(AccessPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Adds an endpoint at {@code path} (e.g. {@code /oauth2/exchange}); it takes precedence over the token path. */
        public Builder endpoint(String path, Endpoint endpoint) {
            endpoints.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(endpoint, "endpoint"));
            return this;
        }

        /** The signing certificate (default: one made once per JVM and shared by such token servers). */
        public Builder certificate(SelfSignedCertificate certificate) {
            this.certificate = certificate;
            return this;
        }

        /** Starts the server on a free loopback port. */
        public TokenServer start() {
            try {
                return new TokenServer(this, certificate != null ? certificate : sharedCertificate());
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the token server", e);
            }
        }
    }
}
