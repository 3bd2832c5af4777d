// The HTTP registry client's time limits: connecting, waiting for a response, silence while reading a body.
package org.ocitransfer.core.registry.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Time limits of the HTTP registry client. A request that runs out of time counts as a transient failure (retried
 * under the {@link RetryPolicy}).
 *
 * @param connect how long opening a connection may take
 * @param request how long a request may wait for its response headers; an upload gets one more second per 256 KiB
 *                of body, so big blobs are not cut off
 * @param read    how long a response body may stay silent while being read (a stalled download fails after it)
 */
public record Timeouts(Duration connect, Duration request, Duration read) {

    /** Validates the values. */
    public Timeouts {
        for (Duration d : new Duration[] {connect, request, read}) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("Timeouts must be positive, got " + d);
            }
        }
    }

    /** Connect 10 s, request 60 s, read 60 s. */
    public static Timeouts defaults() {
        return new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60));
    }

    /** The time limit for a request whose body has {@code bodyBytes} bytes. */
    Duration forBody(long bodyBytes) {
        return request.plusSeconds(Math.max(0, bodyBytes) / (256 * 1024));
    }
}
