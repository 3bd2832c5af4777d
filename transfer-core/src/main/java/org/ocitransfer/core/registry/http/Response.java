// A registry's answer: status, headers, the final address and a body stream that must be closed.
package org.ocitransfer.core.registry.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Locale;
import java.util.Optional;

/**
 * A response whose body is still open: it holds a connection slot until the body is read to the end or closed.
 *
 * @param status  the HTTP status
 * @param headers the headers
 * @param uri     the address that answered (after redirects)
 * @param body    the body
 */
record Response(int status, HttpHeaders headers, URI uri, InputStream body) implements AutoCloseable {

    Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** The media type of Content-Type without parameters, or null. */
    String mediaType() {
        return header("Content-Type").map(v -> {
            int semi = v.indexOf(';');
            return (semi < 0 ? v : v.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        }).filter(v -> !v.isEmpty()).orElse(null);
    }

    /** Content-Length, or -1. */
    long contentLength() {
        return headers.firstValueAsLong("Content-Length").orElse(-1);
    }

    /** Reads the whole body, refusing more than {@code limit} bytes; closes it. */
    byte[] readAll(int limit) throws IOException {
        try (InputStream in = body) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new IOException("The response body from " + Transport.show(uri) + " is larger than "
                        + limit + " bytes");
            }
            return bytes;
        }
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            Transport.LOG.debug("Closing the response body of {} failed: {}", Transport.show(uri), e.toString());
        }
    }
}
