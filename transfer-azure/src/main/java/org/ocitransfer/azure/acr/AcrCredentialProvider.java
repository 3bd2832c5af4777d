// Signs in to Azure Container Registry by exchanging an Entra ID access token for an ACR refresh token.
package org.ocitransfer.azure.acr;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry credentials for Azure Container Registry ({@code *.azurecr.io}, {@code *.azurecr.cn},
 * {@code *.azurecr.us}, and hosts named in the builder): gets an Entra ID access token from the caller's
 * {@link TokenCredential}, exchanges it at the registry's {@code POST /oauth2/exchange}
 * ({@code grant_type=access_token}) for an ACR refresh token, caches that until shortly before its JWT
 * {@code exp}, and returns it as an identity token for user {@value #ACR_USERNAME}. The registry client then
 * trades it for scoped access tokens ({@code grant_type=refresh_token} at {@code /oauth2/token}).
 *
 * <p>The exchange endpoint and service name come from the registry's {@code GET /v2/} challenge
 * ({@code WWW-Authenticate: Bearer realm=...,service=...}): the exchange lives next to the realm. Loopback hosts
 * are reached over plain http (test registries); all others over https. No token ever appears in a message or log.
 */
public final class AcrCredentialProvider implements CredentialProvider {

    /** The user name ACR expects with a refresh token. */
    public static final String ACR_USERNAME = "00000000-0000-0000-0000-000000000000";
    /** The public and sovereign clouds' registry host suffixes, with the Entra ID scope each accepts. */
    public static final Map<String, String> REGISTRY_SUFFIX_SCOPES = Map.of(
            ".azurecr.io", "https://management.azure.com/.default",
            ".azurecr.cn", "https://management.chinacloudapi.cn/.default",
            ".azurecr.us", "https://management.usgovcloudapi.net/.default");

    private static final Logger LOG = LoggerFactory.getLogger(AcrCredentialProvider.class);
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Duration EARLY = Duration.ofMinutes(5);
    private static final Duration UNKNOWN_EXPIRY = Duration.ofMinutes(10);

    private final TokenCredential credential;
    private final String scope;
    private final String tenant;
    private final Set<String> extraHosts;
    /** The builder's client, else one made on the first exchange (commands that reach no ACR never start one). */
    private HttpClient http;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private AcrCredentialProvider(Builder b) {
        this.credential = b.credential;
        this.scope = b.scope;
        this.tenant = b.tenant;
        this.extraHosts = Set.copyOf(b.extraHosts);
        this.http = b.http;
        this.clock = b.clock;
    }

    /** A builder using {@code credential} (any Entra ID credential). */
    public static Builder builder(TokenCredential credential) {
        return new Builder(credential);
    }

    /** Whether this provider signs in to {@code host} ({@code name[:port]}). */
    public boolean supports(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return extraHosts.contains(h) || REGISTRY_SUFFIX_SCOPES.keySet().stream().anyMatch(hostName(h)::endsWith);
    }

    @Override
    public Optional<RegistryCredential> credentialFor(String host) {
        if (host == null || !supports(host)) {
            return Optional.empty();
        }
        String key = host.toLowerCase(Locale.ROOT);
        Cached cached = cache.get(key);
        if (cached != null && clock.instant().isBefore(cached.refreshAt())) {
            return Optional.of(RegistryCredential.identityToken(ACR_USERNAME, cached.refreshToken()));
        }
        synchronized (this) {
            cached = cache.get(key);
            if (cached == null || !clock.instant().isBefore(cached.refreshAt())) {
                cached = exchange(key);
                cache.put(key, cached);
            }
        }
        return Optional.of(RegistryCredential.identityToken(ACR_USERNAME, cached.refreshToken()));
    }

    /** Forgets cached refresh tokens (e.g. after the registry refused one). */
    public void clearCache() {
        cache.clear();
    }

    private Cached exchange(String host) {
        String base = (isLoopback(hostName(host)) ? "http://" : "https://") + host;
        Challenge challenge = discover(host, base);
        String tokenScope = scope != null ? scope : scopeFor(host);
        AccessToken aad;
        try {
            TokenRequestContext context = new TokenRequestContext().addScopes(tokenScope);
            if (tenant != null) {
                context.setTenantId(tenant);
            }
            aad = credential.getTokenSync(context);
        } catch (RuntimeException e) {
            throw new RegistryException(RegistryException.Reason.UNAUTHORIZED, "Could not get an Entra ID token"
                    + " (scope " + tokenScope + ") to sign in to registry " + host + ": " + e.getClass().getSimpleName()
                    + ". Check the TokenCredential (managed identity enabled and assigned, client id, tenant, or"
                    + " `az login` for a developer credential)", 0, List.of(), null);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "access_token");
        form.put("service", challenge.service());
        if (tenant != null) {
            form.put("tenant", tenant);
        }
        form.put("access_token", aad.getToken());
        HttpRequest request = HttpRequest.newBuilder(challenge.exchangeUri())
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"))))
                .build();
        HttpResponse<String> response = send(request, host, "exchanging the Entra ID token");
        int status = response.statusCode();
        if (status != 200) {
            throw exchangeFailure(host, challenge, status);
        }
        String refreshToken;
        try {
            JsonNode body = Mapper.JSON.readTree(response.body());
            refreshToken = body.path("refresh_token").asText(null);
        } catch (IOException e) {
            refreshToken = null;
        }
        if (refreshToken == null || refreshToken.isEmpty()) {
            throw new RegistryException(RegistryException.Reason.OTHER, "Registry " + host + " answered the token"
                    + " exchange at " + challenge.exchangeUri() + " without a refresh_token: is it an Azure Container"
                    + " Registry?", status, List.of(), null);
        }
        Instant expiry = jwtExpiry(refreshToken).orElse(clock.instant().plus(UNKNOWN_EXPIRY));
        LOG.debug("Signed in to registry {} with an Entra ID identity; the ACR refresh token expires at {}", host,
                expiry);
        return new Cached(refreshToken, expiry.minus(EARLY));
    }

    private Challenge discover(String host, String base) {
        HttpRequest ping = HttpRequest.newBuilder(URI.create(base + "/v2/")).timeout(Duration.ofSeconds(30)).GET()
                .build();
        HttpResponse<String> response = send(ping, host, "reading its sign-in challenge");
        Optional<String> header = response.headers().firstValue("WWW-Authenticate")
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7));
        if (header.isEmpty()) {
            return new Challenge(URI.create(base + "/oauth2/exchange"), hostName(host));
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(header.get());
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        URI exchange = URI.create(base + "/oauth2/exchange");
        if (realm != null) {
            URI r = URI.create(realm);
            exchange = r.resolve("/oauth2/exchange");
        }
        return new Challenge(exchange, params.getOrDefault("service", hostName(host)));
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        }
        return http;
    }

    private HttpResponse<String> send(HttpRequest request, String host, String doing) {
        try {
            return http().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Reason.TRANSIENT, "Could not reach registry " + host
                    + " while " + doing + " (" + request.uri().getScheme() + "://" + request.uri().getRawAuthority()
                    + request.uri().getRawPath() + "): " + e.getClass().getSimpleName() + ". Check the registry name"
                    + " and the network", 0, List.of(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Reason.OTHER, "Interrupted while signing in to registry "
                    + host);
        }
    }

    private static RegistryException exchangeFailure(String host, Challenge challenge, int status) {
        String what = "Registry " + host + " refused to exchange the Entra ID token for a refresh token at "
                + challenge.exchangeUri() + " (HTTP " + status + ")";
        if (status == 401 || status == 403) {
            return new RegistryException(RegistryException.Reason.UNAUTHORIZED, what + ": the identity may lack a"
                    + " role on the registry (AcrPull to import from it, AcrPush to import into it), belong to"
                    + " another tenant than the registry, or the token's audience is not accepted (set the scope"
                    + " https://containerregistry.azure.net/.default for ABAC registries)", status, List.of(), null);
        }
        if (status == 404) {
            return new RegistryException(RegistryException.Reason.NOT_FOUND, what + ": it has no token exchange;"
                    + " is it an Azure Container Registry?", status, List.of(), null);
        }
        return new RegistryException(status >= 500 || status == 429 ? RegistryException.Reason.TRANSIENT
                : RegistryException.Reason.OTHER, what, status, List.of(), null);
    }

    /** The {@code exp} of a JWT, if it is one. */
    static Optional<Instant> jwtExpiry(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            JsonNode payload = Mapper.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return payload.has("exp") && payload.get("exp").canConvertToLong()
                    ? Optional.of(Instant.ofEpochSecond(payload.get("exp").asLong())) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String scopeFor(String host) {
        String name = hostName(host);
        return REGISTRY_SUFFIX_SCOPES.entrySet().stream().filter(e -> name.endsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse("https://management.azure.com/.default");
    }

    private static String hostName(String hostAndPort) {
        if (hostAndPort.startsWith("[")) {
            return hostAndPort.substring(0, hostAndPort.indexOf(']') + 1);
        }
        int colon = hostAndPort.lastIndexOf(':');
        return colon > 0 ? hostAndPort.substring(0, colon) : hostAndPort;
    }

    private static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equals("localhost") || h.equals("::1") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private record Challenge(URI exchangeUri, String service) {
    }

    private record Cached(String refreshToken, Instant refreshAt) {
        @Override
        public String toString() {
            return "Cached[refreshAt=" + refreshAt + "]";
        }
    }

    /** Builds an {@link AcrCredentialProvider}. */
    public static final class Builder {
        private final TokenCredential credential;
        private String scope;
        private String tenant;
        private final Set<String> extraHosts = new HashSet<>();
        private HttpClient http;
        private Clock clock = Clock.systemUTC();

        private Builder(TokenCredential credential) {
            this.credential = Objects.requireNonNull(credential, "a TokenCredential is needed to sign in to ACR");
        }

        /**
         * The Entra ID scope to request (default: the cloud's Resource Manager scope, e.g.
         * {@code https://management.azure.com/.default}; ABAC registries also take
         * {@code https://containerregistry.azure.net/.default}).
         */
        public Builder scope(String scope) {
            this.scope = scope;
            return this;
        }

        /** The tenant to request the token in, also sent to the exchange (default: the credential's). */
        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        /** Also signs in to this registry host ({@code host[:port]}), e.g. a custom domain or a test registry. */
        public Builder registryHost(String hostAndPort) {
            this.extraHosts.add(hostAndPort.toLowerCase(Locale.ROOT));
            return this;
        }

        /** The HTTP client for the challenge and the exchange (e.g. one trusting a test certificate). */
        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        /** The clock for cache expiry (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The provider. */
        public AcrCredentialProvider build() {
            return new AcrCredentialProvider(this);
        }
    }

    /** Made on the first exchange: every command builds this provider, few reach an ACR. */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }
}
