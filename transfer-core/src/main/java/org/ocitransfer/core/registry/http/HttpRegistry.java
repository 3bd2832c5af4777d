// A registry reached over the OCI distribution API with the JDK's HTTP client; built by HttpRegistry.builder().
package org.ocitransfer.core.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;
import org.ocitransfer.core.registry.auth.CredentialProvider;

/**
 * An OCI distribution registry (CNCF Distribution, ACR, Harbor, GHCR, Docker Hub...) over HTTP/1.1: every exchange
 * over {@link java.net.HttpURLConnection} (connections kept alive), but PATCH, which goes over a JDK {@link HttpClient}
 * made on the first PATCH; at most {@code maxConnections} exchanges open at once (a download holds its slot until its
 * stream is read to the end or closed).
 *
 * <pre>{@code
 * try (HttpRegistry registry = HttpRegistry.builder()
 *         .uri("https://myregistry.azurecr.io")
 *         .credentials(EnvironmentCredentials.fromSystem().orElse(DockerConfigCredentials.load()))
 *         .build()) {
 *     Descriptor d = registry.repository("team/app").resolve("1.0");
 * }
 * }</pre>
 *
 * <p>HTTPS unless the URI says {@code http://}. Authentication follows the registry's challenge (see
 * {@link CredentialProvider}); transient failures are retried under the {@link RetryPolicy}; time limits come from
 * {@link Timeouts}. Errors are {@link RegistryException}s that never carry a secret.
 *
 * <p>The JDK client (PATCH: chunked uploads) moves bodies in chunks of {@code jdk.httpclient.bufsize} bytes (16 KiB
 * by default), and its per-chunk work costs more CPU than the bytes themselves when blobs stream at hundreds of MiB/s.
 * Unless the application has set that property, loading this class sets it to {@value #BODY_CHUNK_BYTES} (it takes
 * effect when the JVM's first HTTP client is made).
 */
public final class HttpRegistry implements Registry {

    /** The body chunk size this client asks the JDK's HTTP client for, unless the application chose one. */
    static final int BODY_CHUNK_BYTES = 256 * 1024;

    static {
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", Integer.toString(BODY_CHUNK_BYTES));
        }
    }

    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?");

    private final Transport transport;
    private final long chunkedUploadThreshold;
    private final long chunkSize;
    private final int pageSize;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Upload sessions opened by declined mounts ({@code repository@digest}), for the push that follows. */
    private final Map<String, URI> pendingUploads = new ConcurrentHashMap<>();

    private HttpRegistry(Builder b, URI base) {
        Supplier<HttpClient> client = () -> {
            HttpClient.Builder c = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(b.timeouts.connect());
            ProxySelector proxy = ProxySelector.getDefault();
            if (proxy != null) {
                c.proxy(proxy);
            }
            if (b.sslContext != null) {
                c.sslContext(b.sslContext);
            }
            return c.build();
        };
        Authenticator auth = new Authenticator(base, b.credentials);
        this.transport = new Transport(base, client, b.sslContext, auth, b.retry, b.timeouts,
                b.maxConnections);
        auth.useSender(transport::send);
        this.chunkedUploadThreshold = b.chunkedUploadThreshold;
        this.chunkSize = b.chunkSize;
        this.pageSize = b.pageSize;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A handle on a repository such as {@code team/app} (it need not exist yet). */
    @Override
    public HttpRepository repository(String name) {
        return new HttpRepository(this, transport, name);
    }

    /** {@code scheme://host[:port]}, never with credentials. */
    @Override
    public String location() {
        return transport.location;
    }

    /**
     * Checks that the registry answers the distribution API ({@code GET /v2/}) and accepts the credentials.
     *
     * @throws RegistryException UNAUTHORIZED for refused credentials, TRANSIENT when it cannot be reached
     */
    public void ping() {
        Call call = Call.of("GET", transport.uri("/v2/"), List.of(), "the API version check (/v2/)", null);
        try (Response r = transport.send(call)) {
            if (r.status() != 200) {
                throw transport.failure(r, call);
            }
        }
    }

    /**
     * Every repository name of the registry ({@code /v2/_catalog}, following its pages). Registries may restrict
     * the catalog (scope {@code registry:catalog:*}).
     */
    public List<String> catalog() {
        return paged(transport.uri("/v2/_catalog?n=" + pageSize), List.of("registry:catalog:*"), "the catalog",
                null, body -> RepositoryPart.strings(body.get("repositories")));
    }

    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "HttpRegistry[" + location() + "]";
    }

    long chunkedUploadThreshold() {
        return chunkedUploadThreshold;
    }

    long chunkSize() {
        return chunkSize;
    }

    int pageSize() {
        return pageSize;
    }

    Map<String, URI> pendingUploads() {
        return pendingUploads;
    }

    Object lock(String key) {
        return locks.computeIfAbsent(key, k -> new Object());
    }

    /** Reads a paginated JSON listing from {@code first}, following {@code Link: <...>; rel="next"}. */
    <T> List<T> paged(URI first, List<String> scopes, String what, String repository,
                      Function<JsonNode, List<T>> items) {
        List<T> out = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        URI next = first;
        while (next != null) {
            if (!seen.add(next)) {
                throw new RegistryException(Reason.OTHER, "The registry " + location() + " paginated " + what
                        + " in a loop");
            }
            Call call = Call.of("GET", next, scopes, what, repository).header("Accept", "application/json");
            try (Response r = transport.send(call)) {
                if (r.status() != 200) {
                    throw transport.failure(r, call);
                }
                JsonNode body = Transport.JSON.readTree(r.readAll(Transport.MAX_JSON_BYTES));
                if (body == null || !body.isObject()) {
                    throw new RegistryException(Reason.INVALID, "The registry " + location() + " answered " + what
                            + " with something that is not a JSON object");
                }
                out.addAll(items.apply(body));
                next = nextLink(r, call);
            } catch (IOException e) {
                throw RegistryException.fromIo("read " + what, location(), e);
            }
        }
        return out;
    }

    /** The next page's address from a {@code Link} header (relative or absolute, same registry only), or null. */
    URI nextLink(Response r, Call call) {
        for (String link : r.headers().allValues("Link")) {
            Matcher m = LINK_NEXT.matcher(link);
            if (m.find()) {
                URI next = r.uri().resolve(m.group(1).trim());
                if (!Transport.sameOrigin(transport.base, next)) {
                    throw new RegistryException(Reason.OTHER, "The registry " + location() + " linked the next page"
                            + " of " + call.what() + " to another host (" + Transport.show(next) + "): refused");
                }
                return next;
            }
        }
        return null;
    }

    /** Builds an {@link HttpRegistry}. Only {@link #uri} is required. */
    public static final class Builder {
        private String uri;
        private CredentialProvider credentials = CredentialProvider.ANONYMOUS;
        private Timeouts timeouts = Timeouts.defaults();
        private RetryPolicy retry = RetryPolicy.defaults();
        private int maxConnections = 8;
        private SSLContext sslContext;
        private long chunkedUploadThreshold = Long.MAX_VALUE;
        private long chunkSize = 16L * 1024 * 1024;
        private int pageSize = 1000;

        private Builder() {
        }

        /**
         * Where the registry is: {@code https://host[:port]}, {@code http://host:port} (plain HTTP, for loopback and
         * test registries), or {@code host[:port]} (HTTPS). No path, query or user info.
         */
        public Builder uri(String registryUri) {
            this.uri = registryUri;
            return this;
        }

        /** Who signs in (default: anonymous). Asked for the registry's {@code host[:port]} when it challenges. */
        public Builder credentials(CredentialProvider provider) {
            this.credentials = Objects.requireNonNull(provider, "credentials");
            return this;
        }

        /** Time limits (default {@link Timeouts#defaults()}). */
        public Builder timeouts(Timeouts value) {
            this.timeouts = Objects.requireNonNull(value, "timeouts");
            return this;
        }

        /** How transient failures are retried (default {@link RetryPolicy#defaults()}). */
        public Builder retry(RetryPolicy value) {
            this.retry = Objects.requireNonNull(value, "retry");
            return this;
        }

        /** How many exchanges may be open at once (default 8). */
        public Builder maxConnections(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, got " + value);
            }
            this.maxConnections = value;
            return this;
        }

        /** The TLS context (trust store) for https, for private CAs; default: the JVM's. */
        public Builder sslContext(SSLContext value) {
            this.sslContext = value;
            return this;
        }

        /**
         * Blobs of at least this many bytes are uploaded in chunks (PATCH, {@link #chunkSize}); smaller ones in one
         * streamed PUT. Default: never chunked, every blob in one PUT (as oras does), which streams with the least CPU
         * per byte; set it for a registry behind a proxy that limits the size of a request body.
         */
        public Builder chunkedUploadThreshold(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("chunkedUploadThreshold must be positive, got " + bytes);
            }
            this.chunkedUploadThreshold = bytes;
            return this;
        }

        /** The size of each chunk of a chunked upload (default 16 MiB). */
        public Builder chunkSize(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("chunkSize must be positive, got " + bytes);
            }
            this.chunkSize = bytes;
            return this;
        }

        /** How many entries to ask for per page of tag lists and catalogs (default 1000). */
        public Builder pageSize(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("pageSize must be positive, got " + entries);
            }
            this.pageSize = entries;
            return this;
        }

        /**
         * Builds the registry client (no request is made yet).
         *
         * @throws IllegalArgumentException naming what is wrong with the URI
         */
        public HttpRegistry build() {
            return new HttpRegistry(this, parse(uri));
        }

        static URI parse(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("A registry URI is required: https://host[:port] or"
                        + " http://host:port");
            }
            String text = value.trim();
            if (!text.contains("://")) {
                text = "https://" + text;
            }
            URI u;
            try {
                u = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("Invalid registry URI '" + value + "': " + e.getReason()
                        + "; write https://host[:port] or http://host:port", e);
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw new IllegalArgumentException("Invalid registry URI '" + value + "': the scheme must be https"
                        + " (or http for a plain-HTTP registry), not " + u.getScheme());
            }
            if (u.getRawUserInfo() != null) {
                throw new IllegalArgumentException("The registry URI must not carry credentials: give them through a"
                        + " CredentialProvider (docker config, environment, or the caller)");
            }
            if (u.getHost() == null) {
                throw new IllegalArgumentException("Invalid registry URI '" + value + "': no host; write"
                        + " https://host[:port] or http://host:port");
            }
            if ((u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
                    || u.getRawQuery() != null || u.getRawFragment() != null) {
                throw new IllegalArgumentException("Invalid registry URI '" + value + "': give only"
                        + " scheme://host[:port], without a path, query or fragment");
            }
            return URI.create(scheme + "://" + u.getRawAuthority());
        }
    }
}
