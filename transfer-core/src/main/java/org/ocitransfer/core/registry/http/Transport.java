// Sends exchanges to one registry: authentication, redirects, retries with backoff, bounded connections, errors.
package org.ocitransfer.core.registry.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;
import org.ocitransfer.core.registry.RegistryException.RegistryError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link Call}s to one registry over the {@link UrlConnectionWire}, and PATCH (which HttpURLConnection cannot
 * send) over a {@link HttpClient} built on the first PATCH. It adds authentication (through the
 * {@link Authenticator}), follows redirects of GET and HEAD within the registry (a blob download may also go to
 * the storage host the registry names, without credentials, never from https to http), retries transient failures
 * of resendable exchanges under the {@link RetryPolicy}, and holds at most {@code maxConnections} exchanges open
 * at once. Logs method, path and status at debug, never a query string or a header value.
 */
final class Transport implements AutoCloseable {

    static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** The largest JSON body read (tag lists, catalogs, errors, tokens). */
    static final int MAX_JSON_BYTES = 16 * 1024 * 1024;
    private static final int MAX_ERROR_BYTES = 64 * 1024;
    private static final int MAX_REDIRECTS = 5;

    final URI base;
    final String location;
    final Authenticator auth;
    private final Supplier<HttpClient> clientFactory;
    private volatile HttpClient patchClient;
    private final Semaphore permits;
    private final RetryPolicy retry;
    private final Timeouts timeouts;
    private final BodyStream.Watchdog watchdog;
    private final UrlConnectionWire wire;

    /**
     * @param clientFactory builds the client for PATCH, once, on the first PATCH (most runs send none: their
     *                      uploads are monolithic)
     */
    Transport(URI base, Supplier<HttpClient> clientFactory, SSLContext sslContext, Authenticator auth,
              RetryPolicy retry, Timeouts timeouts, int maxConnections) {
        this.base = base;
        this.location = base.getScheme() + "://" + base.getRawAuthority();
        this.clientFactory = clientFactory;
        this.auth = auth;
        this.retry = retry;
        this.timeouts = timeouts;
        this.permits = new Semaphore(maxConnections, true);
        this.watchdog = new BodyStream.Watchdog(timeouts.read());
        this.wire = new UrlConnectionWire(sslContext, timeouts, watchdog.timer());
    }

    /** The address of a path on the registry ({@code /v2/...}). */
    URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    RetryPolicy retry() {
        return retry;
    }

    /**
     * Sends the exchange and returns the final response with its body open (the caller closes it). Returns error
     * statuses too (the caller decides what they mean); throws on failures without a response and on auth
     * failures.
     */
    Response send(Call call) {
        URI target = call.uri();
        boolean sameOrigin = !call.authenticate() || sameOrigin(base, target);
        boolean reauthenticated = false;
        int attempt = 0;
        int redirects = 0;
        while (true) {
            attempt++;
            String authorization = call.authenticate() && sameOrigin ? auth.authorization(call.scopes()) : null;
            acquire(call);
            long started = System.nanoTime();
            UrlConnectionWire.Exchange raw;
            try {
                raw = !"PATCH".equals(call.method()) ? wire.send(call, target, authorization, limit(call))
                        : exchange(patchClient().send(build(call, target, authorization),
                        HttpResponse.BodyHandlers.ofInputStream()));
            } catch (RuntimeException e) {
                permits.release();
                throw e;
            } catch (IOException e) {
                permits.release();
                ContentVerificationException bad = VerifyingInputStream.verificationFailure(e);
                if (bad != null) { // only a request body (an upload) is verified while it is sent
                    throw new RegistryException(Reason.CORRUPT, bad.getMessage() + "; the upload was abandoned", 0,
                            List.of(), bad);
                }
                LOG.debug("{} {} failed on attempt {}: {}", call.method(), path(target), attempt, e.toString());
                boolean transientFailure = !(e instanceof SSLException);
                if (!transientFailure || !call.resendable() || attempt >= retry.maxAttempts()) {
                    throw connectionFailure(call, target, attempt, e);
                }
                pause(retry.delayBefore(attempt, null));
                continue;
            } catch (InterruptedException e) {
                permits.release();
                Thread.currentThread().interrupt();
                throw new RegistryException(Reason.OTHER, "Interrupted while sending " + call.method() + " "
                        + call.what() + " to " + location);
            }
            int status = raw.status();
            LOG.debug("{} {}{} -> {} ({} ms)", call.method(), sameOrigin(base, target) ? "" : target.getHost(),
                    path(target), status, (System.nanoTime() - started) / 1_000_000);
            Response response = new Response(status, raw.headers(), target,
                    new BodyStream(raw.body(), permits::release, watchdog, call.what()));

            if (status == 401 && call.authenticate() && sameOrigin) {
                List<Challenge> challenges = Challenge.parseAll(raw.headers().allValues("WWW-Authenticate"));
                List<RegistryError> errors = errors(response);
                if (reauthenticated) {
                    throw auth.rejected(challenges, call, status, errors);
                }
                auth.challenged(challenges, call, errors);
                reauthenticated = true;
                attempt--; // a challenge is not a failed attempt
                if (!call.resendable()) {
                    throw new RegistryException(Reason.TRANSIENT, "The registry " + location + " asked to sign in"
                            + " again while " + call.what() + " was being sent; the body cannot be resent as part"
                            + " of this request", status, errors, null);
                }
                continue;
            }
            if (status >= 300 && status < 400 && status != 304 && response.header("Location").isPresent()) {
                response.close();
                if (++redirects > MAX_REDIRECTS) {
                    throw new RegistryException(Reason.OTHER, "Too many redirects for " + call.what() + " at "
                            + location, status, List.of(), null);
                }
                target = redirectTarget(call, target, response.header("Location").get(), status);
                sameOrigin = sameOrigin && sameOrigin(base, target);
                attempt--;
                continue;
            }
            if (isTransient(status) && call.resendable() && attempt < retry.maxAttempts()) {
                Duration after = retryAfter(raw.headers());
                if (after == null || after.compareTo(retry.maxDelay()) <= 0) {
                    response.close();
                    Duration wait = retry.delayBefore(attempt, after);
                    LOG.debug("{} {} answered {}; retrying in {} ms", call.method(), path(target), status,
                            wait.toMillis());
                    pause(wait);
                    continue;
                }
            }
            return response;
        }
    }

    /**
     * The error for an exchange that got no response, in words: what happened (cannot connect: connection refused,
     * unknown host, timed out, TLS handshake failed; or the connection broke) and what to check. UNREACHABLE when no
     * connection could be made, TRANSIENT when it broke or no answer came in time.
     */
    private RegistryException connectionFailure(Call call, URI target, int attempt, IOException e) {
        String hostPort = target.getHost() + ":" + port(target);
        String about = " (" + call.method() + " " + call.what() + " at " + show(target) + ", attempt " + attempt
                + (call.resendable() ? " of " + retry.maxAttempts() : ", not resendable") + ")";
        String cannotConnect = null;
        String check = "is the registry running? Check that it is, that the address " + location + " is right, and"
                + " that the network (firewall, proxy) lets this machine reach it";
        if (causedBy(e, UnknownHostException.class) || causedBy(e, UnresolvedAddressException.class)) {
            cannotConnect = "unknown host (the name does not resolve)";
            check = "check the address " + location + " (its host name) and this machine's DNS settings";
        } else if (causedBy(e, HttpConnectTimeoutException.class)
                || (e instanceof SocketTimeoutException && String.valueOf(e.getMessage()).contains("connect"))) {
            cannotConnect = "connecting timed out after " + timeouts.connect().toSeconds() + " s";
        } else if (causedBy(e, SSLException.class)) {
            cannotConnect = "the TLS handshake failed (" + words(firstCause(e, SSLException.class)) + ")";
            check = "check that the registry's certificate is trusted by this Java runtime (or the SDK's TLS"
                    + " settings), that its name matches " + target.getHost() + ", and that the port serves https"
                    + " (use http:// for a registry without TLS)";
        } else if (causedBy(e, ConnectException.class) || causedBy(e, NoRouteToHostException.class)) {
            String detail = words(firstCause(e, ConnectException.class));
            cannotConnect = detail.isEmpty() || detail.toLowerCase(Locale.ROOT).contains("refused")
                    ? "connection refused" : detail;
            if (causedBy(e, NoRouteToHostException.class)) {
                cannotConnect = "no route to host";
            }
        }
        if (cannotConnect != null) {
            return new RegistryException(Reason.UNREACHABLE, "Cannot connect to " + hostPort + ": " + cannotConnect
                    + about + "; " + check, 0, List.of(), e);
        }
        String broke = e instanceof HttpTimeoutException ? words(e)
                : "the connection to " + hostPort + " failed: " + (words(e).isEmpty() ? "closed without an answer"
                : words(e));
        return new RegistryException(Reason.TRANSIENT, capitalised(broke) + about + "; the registry or the network"
                + " may be overloaded or restarting: run it again; if it keeps failing, " + check, 0,
                List.of(), e);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        return firstCause(e, type) != null;
    }

    private static Throwable firstCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    /** An exception's own message, without class names; empty when it has none. */
    private static String words(Throwable e) {
        String m = e == null || e.getMessage() == null ? "" : e.getMessage().trim();
        return m.replaceAll("(?:[a-z]+\\.)+[A-Z][A-Za-z]*(?:Exception|Error): ?", "").trim();
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static UrlConnectionWire.Exchange exchange(HttpResponse<InputStream> r) {
        return new UrlConnectionWire.Exchange(r.statusCode(), r.headers(), r.body());
    }

    private HttpClient patchClient() {
        HttpClient c = patchClient;
        if (c == null) {
            synchronized (this) {
                c = patchClient;
                if (c == null) {
                    c = clientFactory.get();
                    patchClient = c;
                }
            }
        }
        return c;
    }

    /** How long the exchange may take until its response headers arrive. */
    private Duration limit(Call call) {
        return call.hasBody() ? timeouts.forBody(call.bodyLength()) : timeouts.request();
    }

    private HttpRequest build(Call call, URI target, String authorization) {
        HttpRequest.BodyPublisher body = call.bytes() != null ? HttpRequest.BodyPublishers.ofByteArray(call.bytes())
                : call.stream() != null ? HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(call.stream()), call.bodyLength())
                : HttpRequest.BodyPublishers.noBody();
        HttpRequest.Builder b = HttpRequest.newBuilder(target)
                .timeout(limit(call))
                .method(call.method(), body);
        for (Map.Entry<String, String> h : call.headers().entrySet()) {
            b.header(h.getKey(), h.getValue());
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b.build();
    }

    private void acquire(Call call) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(Reason.OTHER, "Interrupted while waiting for a connection to " + location
                    + " for " + call.what());
        }
    }

    private URI redirectTarget(Call call, URI from, String locationHeader, int status) {
        URI to;
        try {
            to = from.resolve(locationHeader.trim());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(Reason.OTHER, "The registry " + location + " redirected " + call.what()
                    + " to an invalid address", status, List.of(), e);
        }
        if (!"GET".equals(call.method()) && !"HEAD".equals(call.method())) {
            throw new RegistryException(Reason.OTHER, "The registry " + location + " redirected " + call.method()
                    + " of " + call.what() + " to " + show(to) + "; only downloads follow redirects", status,
                    List.of(), null);
        }
        checkNoDowngrade(from, to, call.what());
        if (!sameOrigin(base, to) && !call.foreignRedirects()) {
            throw new RegistryException(Reason.OTHER, "The registry " + location + " redirected " + call.what()
                    + " to another host (" + show(to) + "): refused, requests carrying credentials stay with the"
                    + " registry", status, List.of(), null);
        }
        return to;
    }

    /**
     * The address of an upload's next step from a {@code Location} header (absolute or relative), refusing another
     * host and a switch from https to http.
     */
    URI uploadLocation(Response response, Call call) {
        String header = response.header("Location").orElse(null);
        if (header == null || header.isBlank()) {
            throw new RegistryException(Reason.OTHER, "The registry " + location + " answered " + call.what()
                    + " with HTTP " + response.status() + " but no Location header to continue the upload",
                    response.status(), List.of(), null);
        }
        URI to;
        try {
            to = response.uri().resolve(header.trim());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(Reason.OTHER, "The registry " + location + " gave an invalid upload"
                    + " Location for " + call.what(), response.status(), List.of(), e);
        }
        checkNoDowngrade(base, to, call.what());
        if (!sameOrigin(base, to)) {
            throw new RegistryException(Reason.OTHER, "The registry " + location + " sent the upload of "
                    + call.what() + " to another host (" + show(to) + "): refused, credentials and content stay with"
                    + " the registry " + location, response.status(), List.of(), null);
        }
        return to;
    }

    private void checkNoDowngrade(URI from, URI to, String what) {
        if ("https".equalsIgnoreCase(from.getScheme()) && !"https".equalsIgnoreCase(to.getScheme())) {
            throw new RegistryException(Reason.OTHER, "The registry " + location + " pointed " + what + " from https"
                    + " to " + show(to) + ": refused, a secure exchange is never continued over plain http");
        }
    }

    /**
     * The exception for an error response (closes it): NOT_FOUND, UNAUTHORIZED, DENIED, INVALID, CORRUPT,
     * TRANSIENT or OTHER, with the registry's {@code errors[]} and a message naming {@code call.what()}.
     */
    RegistryException failure(Response response, Call call) {
        int status = response.status();
        List<RegistryError> errors = errors(response);
        String registry = describe(errors);
        // DIGEST_INVALID or SIZE_INVALID on an upload means the bytes; next to MANIFEST_* codes it means the manifest.
        boolean manifestCode = errors.stream().anyMatch(e -> e.code().startsWith("MANIFEST_"));
        boolean bytesCode = !manifestCode && errors.stream()
                .anyMatch(e -> "DIGEST_INVALID".equals(e.code()) || "SIZE_INVALID".equals(e.code()));
        String where = " at " + location;
        if (status == 404) {
            if (call.repository() != null && errors.stream().anyMatch(e -> "NAME_UNKNOWN".equals(e.code()))) {
                return new RegistryException(Reason.NOT_FOUND, "Repository '" + call.repository() + "' does not"
                        + " exist" + where + " (looking for " + call.what() + ")" + registry, status, errors, null);
            }
            return new RegistryException(Reason.NOT_FOUND, "Not found: " + call.what() + where + registry, status,
                    errors, null);
        }
        if (status == 401) {
            return auth.rejected(Challenge.parseAll(response.headers().allValues("WWW-Authenticate")), call, status,
                    errors);
        }
        if (status == 403) {
            return auth.denied(call, status, errors);
        }
        if (bytesCode) {
            return new RegistryException(Reason.CORRUPT, "The registry" + where + " refused " + call.what()
                    + ": its bytes do not match their digest or size" + registry, status, errors, null);
        }
        if (status == 400 || status == 413 || status == 415 || status == 416 || status == 422) {
            return new RegistryException(Reason.INVALID, "The registry" + where + " refused " + call.what()
                    + " as invalid (HTTP " + status + ")" + registry, status, errors, null);
        }
        if (isTransient(status)) {
            Duration after = retryAfter(response.headers());
            return new RegistryException(Reason.TRANSIENT, "The registry" + where + " kept failing " + call.what()
                    + " (HTTP " + status + (after != null ? ", asked to retry after " + after.toSeconds() + " s" : "")
                    + (call.resendable() ? " after " + retry.maxAttempts() + " attempts" : "") + ")" + registry,
                    status, errors, null);
        }
        return new RegistryException(Reason.OTHER, "The registry" + where + " answered " + call.method() + " of "
                + call.what() + " with HTTP " + status + registry, status, errors, null);
    }

    /** Reads the registry's {@code errors[]} from the body (closing it); empty when there is none. */
    static List<RegistryError> errors(Response response) {
        List<RegistryError> out = new ArrayList<>();
        try {
            byte[] body = response.readAll(MAX_ERROR_BYTES);
            if (body.length == 0) {
                return out;
            }
            JsonNode root = JSON.readTree(body);
            JsonNode list = root == null ? null : root.get("errors");
            if (list != null && list.isArray()) {
                for (JsonNode e : list) {
                    out.add(new RegistryError(e.path("code").asText(""), e.path("message").asText("")));
                }
            }
        } catch (IOException e) {
            // The body is not the JSON error document (a proxy's HTML page, or too long): keep the status alone.
            LOG.debug("No registry error document from {}: {}", show(response.uri()), e.getMessage());
        }
        return out;
    }

    /** The registry's errors for a message: {@code " [registry says: CODE: message; ...]"}, or empty. */
    static String describe(List<RegistryError> errors) {
        return errors.isEmpty() ? "" : " [registry says: " + errors.stream()
                .map(e -> e.code() + (e.message() == null || e.message().isBlank() ? "" : ": " + e.message()))
                .collect(Collectors.joining("; ")) + "]";
    }

    static boolean isTransient(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** Retry-After as seconds or an HTTP date, or null. */
    static Duration retryAfter(HttpHeaders headers) {
        String value = headers.firstValue("Retry-After").map(String::trim).orElse(null);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                LOG.debug("Ignoring an unreadable Retry-After header: {}", value);
                return null;
            }
        }
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(Reason.OTHER, "Interrupted while waiting to retry");
        }
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** The path of an address, without its query (which may carry upload state or signatures). */
    static String path(URI u) {
        return u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    }

    /** scheme://host[:port]/path of an address, without its query or user info: safe for messages. */
    static String show(URI u) {
        return (u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT) + "://")
                + (u.getHost() == null ? "" : u.getHost()) + (u.getPort() >= 0 ? ":" + u.getPort() : "") + path(u);
    }

    @Override
    public void close() {
        watchdog.close();
    }
}
