package org.ocitransfer.testkit.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A fault a {@link FaultProxy} injects, how often, and into which exchanges. Immutable: the modifiers return
 * copies.
 *
 * <pre>{@code
 * proxy.inject(Fault.resetAtRandomByte().minBodyBytes(1 << 20));        // once, into the first large body
 * proxy.inject(Fault.serviceUnavailable().times(3));                    // a short 503 storm
 * proxy.inject(Fault.tooManyRequests(2).onPath("/v2/.+/blobs/.+"));   // 429 with Retry-After: 2
 * proxy.inject(Fault.stall(Duration.ofSeconds(30)).onMethod("GET"));    // no answer past a read timeout
 * proxy.inject(Fault.corruptAt(100).minBodyBytes(101));                 // flip body byte 100
 * }</pre>
 *
 * <p>Body offsets count payload bytes after the response head (after de-chunking); in the proxy's TCP mode they
 * count the bytes the target sends on the connection. A fault fires at most {@link #times()} times (default once).
 *
 * @param kind         what it does
 * @param offset       the body byte it acts at ({@link #RANDOM}: a seeded random byte of the body; {@link #HEAD}:
 *                     before the response head)
 * @param delay        how long a stall lasts
 * @param status       the status an injected response has
 * @param headers      the injected response's extra headers, {@code name, value, name, value...}
 * @param times        how many times it fires
 * @param method       the request method it applies to, or null for any
 * @param pathPattern  a regex the request path (without query) must match, or null for any
 * @param minBodyBytes the smallest response body (by Content-Length) it applies to; bodies of unknown length match
 * @param randomBound  the range of a random offset when the body's length is unknown (TCP mode, chunked bodies)
 */
public record Fault(Kind kind, long offset, Duration delay, int status, List<String> headers, int times,
                   String method, Pattern pathPattern, long minBodyBytes, long randomBound) {

    /** The offset meaning "a random byte of the body", chosen with the proxy's seed. */
    public static final long RANDOM = -1;
    /** The offset meaning "before the response head". */
    public static final long HEAD = -2;

    /** What a fault does. */
    public enum Kind {
        /** Resets the connection (TCP RST) at a body byte, or before the response. */
        RESET,
        /** Holds the response at a body byte, or before its head, for a while, then goes on. */
        STALL,
        /** Flips one byte of a response body. */
        CORRUPT,
        /** Answers the request itself with a status (503, 429...), never reaching the target. HTTP mode only. */
        STATUS
    }

    /** Validates. */
    public Fault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(delay, "delay");
        headers = List.copyOf(headers);
        if (times < 1) {
            throw new IllegalArgumentException("A fault fires at least once; times was " + times);
        }
        if (offset < HEAD || (offset == HEAD && kind == Kind.CORRUPT)) {
            throw new IllegalArgumentException("Invalid offset " + offset + " for a " + kind + " fault");
        }
        if (headers.size() % 2 != 0) {
            throw new IllegalArgumentException("Headers come in name, value pairs: " + headers);
        }
        if (randomBound < 1) {
            throw new IllegalArgumentException("The random bound must be positive: " + randomBound);
        }
    }

    private static Fault of(Kind kind, long offset, Duration delay, int status, List<String> headers) {
        return new Fault(kind, offset, delay, status, headers, 1, null, null, 0, 64 * 1024);
    }

    /** Resets the connection after {@code bodyOffset} bytes of a response body went through (0: right after the head). */
    public static Fault resetAt(long bodyOffset) {
        requireOffset(bodyOffset);
        return of(Kind.RESET, bodyOffset, Duration.ZERO, 0, List.of());
    }

    /** Resets the connection at a random byte of a response body (seeded). */
    public static Fault resetAtRandomByte() {
        return of(Kind.RESET, RANDOM, Duration.ZERO, 0, List.of());
    }

    /** Resets the connection once the request reached the target, before any byte of the response. */
    public static Fault resetBeforeResponse() {
        return of(Kind.RESET, HEAD, Duration.ZERO, 0, List.of());
    }

    /** Holds a response for {@code delay} before its head (the client's read timeout should fire first). */
    public static Fault stall(Duration delay) {
        return of(Kind.STALL, HEAD, delay, 0, List.of());
    }

    /** Holds a response body for {@code delay} after {@code bodyOffset} bytes went through. */
    public static Fault stallAt(long bodyOffset, Duration delay) {
        requireOffset(bodyOffset);
        return of(Kind.STALL, bodyOffset, delay, 0, List.of());
    }

    /** Flips (inverts) the body byte at {@code bodyOffset} of a response. */
    public static Fault corruptAt(long bodyOffset) {
        requireOffset(bodyOffset);
        return of(Kind.CORRUPT, bodyOffset, Duration.ZERO, 0, List.of());
    }

    /** Flips a random byte (seeded) of a response body. */
    public static Fault corruptRandomByte() {
        return of(Kind.CORRUPT, RANDOM, Duration.ZERO, 0, List.of());
    }

    /**
     * Answers with this status and headers ({@code name, value, ...}) instead of forwarding the request; the
     * connection is closed after the answer.
     */
    public static Fault status(int status, String... headerNamesAndValues) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("An injected status must be 200..599, was " + status);
        }
        return of(Kind.STATUS, HEAD, Duration.ZERO, status, List.of(headerNamesAndValues));
    }

    /** {@code 503 Service Unavailable}. */
    public static Fault serviceUnavailable() {
        return status(503);
    }

    /** {@code 429 Too Many Requests} with {@code Retry-After: seconds}. */
    public static Fault tooManyRequests(int retryAfterSeconds) {
        return status(429, "Retry-After", Integer.toString(retryAfterSeconds));
    }

    /** Fires this many times (default once). */
    public Fault times(int n) {
        return new Fault(kind, offset, delay, status, headers, n, method, pathPattern, minBodyBytes, randomBound);
    }

    /** Fires on every matching exchange until removed. */
    public Fault always() {
        return times(Integer.MAX_VALUE);
    }

    /** Applies only to requests with this method (e.g. {@code GET}). */
    public Fault onMethod(String requestMethod) {
        return new Fault(kind, offset, delay, status, headers, times, requestMethod, pathPattern, minBodyBytes,
                randomBound);
    }

    /** Applies only to request paths (without the query) matching this regex. */
    public Fault onPath(String pathRegex) {
        return new Fault(kind, offset, delay, status, headers, times, method, Pattern.compile(pathRegex),
                minBodyBytes, randomBound);
    }

    /** Applies only to responses whose body is at least this long (by Content-Length). */
    public Fault minBodyBytes(long bytes) {
        return new Fault(kind, offset, delay, status, headers, times, method, pathPattern, bytes, randomBound);
    }

    /** The range of a random offset when a body's length is unknown (default 64 KiB). */
    public Fault randomBound(long bound) {
        return new Fault(kind, offset, delay, status, headers, times, method, pathPattern, minBodyBytes, bound);
    }

    /** Whether it applies to a request (method and path; null method or path means unknown: TCP mode). */
    boolean matchesRequest(String requestMethod, String path) {
        return (method == null || method.equalsIgnoreCase(requestMethod))
                && (pathPattern == null || (path != null && pathPattern.matcher(path).matches()));
    }

    /** The injected response's head and body. */
    byte[] statusResponse() {
        String body = "{\"errors\":[{\"code\":\"" + (status == 429 ? "TOOMANYREQUESTS" : "UNAVAILABLE")
                + "\",\"message\":\"injected by the test kit's FaultProxy\"}]}";
        List<String> lines = new ArrayList<>();
        lines.add("HTTP/1.1 " + status + " " + reason(status));
        lines.add("Content-Type: application/json");
        lines.add("Content-Length: " + body.length());
        lines.add("Connection: close");
        for (int i = 0; i < headers.size(); i += 2) {
            lines.add(headers.get(i) + ": " + headers.get(i + 1));
        }
        return (String.join("\r\n", lines) + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String reason(int status) {
        return switch (status) {
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Injected";
        };
    }

    private static void requireOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("A body offset cannot be negative: " + offset);
        }
    }

    /** A short description for logs and messages. */
    @Override
    public String toString() {
        String at = offset == RANDOM ? "a random body byte" : offset == HEAD ? "the response head"
                : "body byte " + offset;
        String what = switch (kind) {
            case RESET -> "reset at " + at;
            case STALL -> "stall " + delay.toMillis() + " ms at " + at;
            case CORRUPT -> "corrupt " + at;
            case STATUS -> "answer " + status + (headers.isEmpty() ? "" : " " + headers);
        };
        return what + (times == Integer.MAX_VALUE ? ", always" : ", " + times + "x")
                + (method != null ? ", " + method : "") + (pathPattern != null ? ", path ~ " + pathPattern : "")
                + (minBodyBytes > 0 ? ", bodies >= " + minBodyBytes + " bytes" : "");
    }
}
