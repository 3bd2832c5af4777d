// Sends a registry exchange over HttpURLConnection: every exchange but PATCH, which HttpURLConnection cannot send.
package org.ocitransfer.core.registry.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpRetryException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.ocitransfer.core.registry.RegistryException;

/**
 * The wire for every registry exchange but PATCH: manifests, HEAD, tokens, upload steps, and the exchanges that carry
 * a blob's bytes (a blob's GET, whole or ranged, and the monolithic PUT of an upload). They go over
 * {@link HttpURLConnection}, which reads and writes the socket in the caller's thread, with no hand-off between
 * threads and no new buffer per read. Measured here (2 cores, a 512 MiB blob from a local Distribution registry,
 * sha256 while reading): 0.5 s of CPU against 1.7 to 3.7 s over {@code java.net.http}; and a command that never
 * builds a {@code java.net.http} client saves its start-up (its selector thread, its classes, and the default TLS
 * context with every trusted certificate parsed, which a plain-http registry never needs). PATCH (chunked uploads)
 * stays on a {@code java.net.http} client that the transport builds on first use.
 *
 * <p>The same limits and settings as that client: the connect timeout; the request time limit until the response
 * headers arrive (a timer disconnects the exchange; an upload's limit grows with its body); the default proxy
 * selector; the registry client's SSLContext, with host names verified. Nothing is done behind the transport's back:
 * no redirect is followed, no authentication is tried, no cache is used, and no request is sent twice (every request
 * with a body, an empty POST or PUT too, is sent in streaming mode, which HttpURLConnection never resends). A request
 * body that fails while it is read aborts the exchange, so the registry never receives a short or unverified body as
 * complete.
 */
final class UrlConnectionWire {

    /** A response: status, headers, and the body (open; the caller closes it). */
    record Exchange(int status, HttpHeaders headers, InputStream body) {
    }

    /** Answers no authentication request: the transport authenticates, never an application's default. */
    private static final java.net.Authenticator NO_AUTHENTICATION = new java.net.Authenticator() {
    };
    private static final int COPY_BUFFER = 256 * 1024;

    private final SSLContext sslContext;
    private final Timeouts timeouts;
    private final ScheduledExecutorService timer;

    UrlConnectionWire(SSLContext sslContext, Timeouts timeouts, ScheduledExecutorService timer) {
        this.sslContext = sslContext;
        this.timeouts = timeouts;
        this.timer = timer;
    }

    /**
     * Sends the exchange with its body (in memory, streamed, or none), and returns once the response headers are in.
     *
     * @throws IOException when no response came (connection refused or reset, time limit, a body that could not be
     *                     read: its exception is the cause)
     */
    Exchange send(Call call, URI target, String authorization, Duration limit) throws IOException {
        HttpURLConnection c = (HttpURLConnection) target.toURL().openConnection();
        if (c instanceof HttpsURLConnection https && sslContext != null) {
            https.setSSLSocketFactory(sslContext.getSocketFactory());
        }
        c.setRequestMethod(call.method());
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setAuthenticator(NO_AUTHENTICATION);
        c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()));
        // The socket's own timeout is a backstop: the timer enforces the request limit, the body's watchdog the read
        // timeout.
        c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(limit.toMillis(), timeouts.read().toMillis())));
        c.setRequestProperty("Accept", "*/*");
        call.headers().forEach(c::setRequestProperty);
        if (authorization != null) {
            c.setRequestProperty("Authorization", authorization);
        }
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            expired.set(true);
            c.disconnect();
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        int status;
        try {
            if (call.hasBody() || "POST".equals(call.method()) || "PUT".equals(call.method())) {
                if (!call.hasBody() && !call.headers().containsKey("Content-Type")) {
                    // An empty POST or PUT (an upload's start): not HttpURLConnection's form type for a POST.
                    c.setRequestProperty("Content-Type", "application/octet-stream");
                }
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(call.bodyLength());
                writeBody(call, c);
            }
            status = c.getResponseCode();
        } catch (HttpRetryException e) {
            // Sent in streaming mode, a 401 cannot be handed back with its headers: the body is gone anyway.
            c.disconnect();
            if (e.responseCode() == 401) {
                throw new RegistryException(RegistryException.Reason.TRANSIENT, "The registry asked to sign in again"
                        + " while " + call.what() + " was being sent; the body cannot be resent as part of this"
                        + " request", 401, List.of(), null);
            }
            throw e;
        } catch (IOException e) {
            c.disconnect();
            if (expired.get()) {
                throw new HttpTimeoutException(call.method() + " of " + call.what() + " got no response within "
                        + limit.toMillis() + " ms");
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
        InputStream body = status >= 400 ? c.getErrorStream() : "HEAD".equals(call.method()) ? null
                : c.getInputStream();
        return new Exchange(status, headers(c), body == null ? InputStream.nullInputStream() : body);
    }

    /**
     * Writes the body (none for an empty POST or PUT); a failure to read a streamed one aborts the exchange (it
     * surfaces as an IOException with that cause).
     */
    private static void writeBody(Call call, HttpURLConnection c) throws IOException {
        OutputStream out = c.getOutputStream();
        if (call.stream() == null) {
            if (call.bytes() != null) {
                out.write(call.bytes());
            }
            out.close();
            return;
        }
        byte[] buffer = new byte[COPY_BUFFER];
        try (InputStream in = call.stream().get()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            c.disconnect(); // never let a short body look whole
            throw e instanceof IOException io ? io : new IOException("The body of " + call.what() + " could not be"
                    + " read: " + e.getMessage(), e);
        }
        out.close(); // fails when fewer bytes than the declared length came
    }

    private static HttpHeaders headers(HttpURLConnection c) {
        Map<String, List<String>> merged = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, List<String>> h : c.getHeaderFields().entrySet()) {
            if (h.getKey() != null) { // the status line
                merged.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).addAll(h.getValue());
            }
        }
        return HttpHeaders.of(merged, (name, value) -> true);
    }
}
