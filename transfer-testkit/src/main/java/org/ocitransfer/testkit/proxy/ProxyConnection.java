package org.ocitransfer.testkit.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection through a {@link FaultProxy} and its connection to the target: two pumps (requests up,
 * responses down) that read HTTP/1.1 framing, or copy raw bytes in TCP mode, applying armed faults.
 */
final class ProxyConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyConnection.class);
    private static final int MAX_HEAD = 64 * 1024;
    private static final Pending END = new Pending(null, null, null);

    private final FaultProxy proxy;
    private final Socket client;
    private final Socket upstream;
    private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();

    /** A request sent (or answered by the proxy), waiting for its response. */
    private record Pending(String method, String path, InjectedFault injected) {
    }

    /** A parsed HTTP head, with its raw bytes. */
    private record Head(String firstLine, Map<String, String> headers, byte[] raw) {
        String header(String name) {
            return headers.get(name);
        }

        boolean chunked() {
            String te = headers.get("transfer-encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }

        long contentLength() throws IOException {
            String cl = headers.get("content-length");
            if (cl == null) {
                return -1;
            }
            try {
                return Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw new IOException("Invalid Content-Length '" + cl + "'", e);
            }
        }
    }

    /** Where a body copy stands relative to its armed fault. */
    private static final class Cursor {
        FaultProxy.Armed armed;
        long position;
        boolean applied;

        Cursor(FaultProxy.Armed armed) {
            this.armed = armed;
        }

        /** Arms a fault whose offset counts from the current position (TCP mode). */
        void arm(FaultProxy.Armed fault) {
            armed = new FaultProxy.Armed(fault.injected(), fault.kind(), position + fault.at(), fault.delay());
            applied = false;
        }

        boolean due(long from, long count) {
            return armed != null && !applied && armed.at() >= from && armed.at() < from + count;
        }
    }

    /** Thrown to unwind once a reset fault fired. */
    private static final class ResetFired extends IOException {
        private static final long serialVersionUID = 1L;

        ResetFired() {
            super("connection reset by the fault proxy");
        }
    }

    ProxyConnection(FaultProxy proxy, Socket client, Socket upstream) {
        this.proxy = proxy;
        this.client = client;
        this.upstream = upstream;
    }

    // ----- HTTP mode -----

    /** Reads requests from the client and forwards them, or queues an injected answer. */
    void pumpRequests() {
        try {
            InputStream in = new BufferedInputStream(client.getInputStream(), 64 * 1024);
            OutputStream out = upstream.getOutputStream();
            while (true) {
                Head head = readHead(in);
                if (head == null) {
                    break;
                }
                proxy.countRequest();
                String[] parts = head.firstLine().split(" ");
                if (parts.length < 3) {
                    throw new IOException("Not an HTTP request line: " + head.firstLine());
                }
                String method = parts[0];
                String path = pathOf(parts[1]);
                InjectedFault status = proxy.statusFor(method, path);
                if (status != null) {
                    if (!"100-continue".equalsIgnoreCase(head.header("expect"))) {
                        copyBody(in, OutputStream.nullOutputStream(), head, new Cursor(null));
                    }
                    pending.add(new Pending(method, path, status));
                    return; // the injected answer closes the connection
                }
                pending.add(new Pending(method, path, null));
                out.write(head.raw());
                copyBody(in, out, head, new Cursor(null));
                out.flush();
            }
        } catch (IOException e) {
            LOG.debug("Proxy request pump ended: {}", e.toString());
        }
        pending.add(END);
    }

    /** Reads responses from the target and forwards them, applying faults. */
    void pumpResponses() {
        try {
            InputStream in = new BufferedInputStream(upstream.getInputStream(), 64 * 1024);
            OutputStream out = client.getOutputStream();
            while (true) {
                Pending request = pending.take();
                if (request == END) {
                    break;
                }
                if (request.injected() != null) {
                    out.write(request.injected().fault().statusResponse());
                    out.flush();
                    request.injected().recordFired();
                    LOG.debug("FaultProxy answered {} {} with {}", request.method(), request.path(),
                            request.injected().fault().status());
                    break;
                }
                if (!forwardResponse(in, out, request)) {
                    break;
                }
            }
        } catch (ResetFired e) {
            return; // the sockets are already reset
        } catch (IOException e) {
            LOG.debug("Proxy response pump ended: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeBoth();
    }

    /** Forwards one response; false when the connection must end after it. */
    private boolean forwardResponse(InputStream in, OutputStream out, Pending request)
            throws IOException, InterruptedException {
        Head head;
        int status;
        while (true) {
            head = readHead(in);
            if (head == null) {
                return false; // the target closed the connection
            }
            status = statusOf(head);
            if (status >= 100 && status < 200) {
                if (status == 101) {
                    throw new IOException("The fault proxy does not support protocol upgrades (101)");
                }
                out.write(head.raw());
                out.flush();
                continue;
            }
            break;
        }
        boolean hasBody = !"HEAD".equals(request.method()) && status != 204 && status != 304;
        boolean chunked = hasBody && head.chunked();
        long length = !hasBody ? 0 : chunked ? -1 : head.contentLength();
        boolean untilEof = hasBody && !chunked && length < 0;
        FaultProxy.Armed armed = proxy.armResponse(request.method(), request.path(), length, hasBody);
        Cursor cursor = new Cursor(armed);
        if (armed != null && armed.at() == Fault.HEAD) {
            apply(cursor, out, request);
        }
        out.write(head.raw());
        if (hasBody) {
            if (chunked) {
                copyChunked(in, out, cursor);
            } else {
                copyPayload(in, out, untilEof ? Long.MAX_VALUE : length, cursor, untilEof);
            }
        }
        if (armed != null && !cursor.applied) {
            if (armed.at() == cursor.position && armed.kind() != Fault.Kind.CORRUPT) {
                apply(cursor, out, request);
            } else {
                armed.injected().release(); // the body ended before the fault's byte
            }
        }
        out.flush();
        return !untilEof && !"close".equalsIgnoreCase(head.header("connection"));
    }

    // ----- TCP mode -----

    /** Copies the client's bytes to the target. */
    void pumpRawUpstream() {
        try {
            client.getInputStream().transferTo(upstream.getOutputStream());
            upstream.shutdownOutput();
        } catch (IOException e) {
            LOG.debug("Proxy raw upstream pump ended: {}", e.toString());
            closeBoth();
        }
    }

    /**
     * Copies the target's bytes to the client, applying faults: a fault is picked up when the target next sends
     * something, and its offset counts from there.
     */
    void pumpRawDownstream() {
        Cursor cursor = new Cursor(null);
        try {
            OutputStream out = client.getOutputStream();
            PushbackInputStream in = new PushbackInputStream(upstream.getInputStream(), 1);
            while (true) {
                int first = in.read(); // wait for the target, so a fault at byte 0 hits a response
                if (first < 0) {
                    break;
                }
                in.unread(first);
                if (cursor.armed == null || cursor.applied) {
                    FaultProxy.Armed next = proxy.armConnection();
                    if (next != null) {
                        cursor.arm(next);
                    }
                }
                copyPayload(in, out, Math.max(1, in.available()), cursor, true);
            }
            if (cursor.armed != null && !cursor.applied) {
                cursor.armed.injected().release();
            }
            out.flush();
        } catch (ResetFired e) {
            return;
        } catch (IOException e) {
            LOG.debug("Proxy raw downstream pump ended: {}", e.toString());
        }
        closeBoth();
    }

    // ----- bodies -----

    private void copyBody(InputStream in, OutputStream out, Head head, Cursor cursor) throws IOException {
        if (head.chunked()) {
            copyChunked(in, out, cursor);
        } else {
            long length = head.contentLength();
            if (length > 0) {
                copyPayload(in, out, length, cursor, false);
            }
        }
    }

    private void copyChunked(InputStream in, OutputStream out, Cursor cursor) throws IOException {
        while (true) {
            byte[] sizeLine = readLine(in);
            out.write(sizeLine);
            String text = new String(sizeLine, StandardCharsets.US_ASCII).trim();
            int semicolon = text.indexOf(';');
            long size;
            try {
                size = Long.parseLong(semicolon < 0 ? text : text.substring(0, semicolon).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("Invalid chunk size line '" + text + "'", e);
            }
            if (size == 0) {
                while (true) {
                    byte[] trailer = readLine(in);
                    out.write(trailer);
                    if (trailer.length <= 2) {
                        return;
                    }
                }
            }
            copyPayload(in, out, size, cursor, false);
            out.write(readLine(in));
        }
    }

    /** Copies {@code count} payload bytes (or until EOF), applying the cursor's fault at its byte. */
    private void copyPayload(InputStream in, OutputStream out, long count, Cursor cursor, boolean untilEof)
            throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long left = count;
        while (left > 0) {
            int want = (int) Math.min(buffer.length, left);
            if (cursor.due(cursor.position, want)) {
                want = (int) (cursor.armed.at() - cursor.position);
                if (want == 0) {
                    if (cursor.armed.kind() == Fault.Kind.CORRUPT) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        out.write(b ^ 0xff);
                        cursor.applied = true;
                        cursor.armed.injected().recordFired();
                        LOG.debug("FaultProxy flipped body byte {}", cursor.position);
                        cursor.position++;
                        left--;
                    } else {
                        apply(cursor, out, null);
                    }
                    continue;
                }
            }
            int n = in.read(buffer, 0, want);
            if (n < 0) {
                if (untilEof) {
                    break;
                }
                throw new IOException("The target closed the connection " + left + " bytes before the body's end");
            }
            out.write(buffer, 0, n);
            cursor.position += n;
            left -= n;
        }
    }

    /** Applies a reset or stall fault now. */
    private void apply(Cursor cursor, OutputStream out, Pending request) throws IOException {
        FaultProxy.Armed armed = cursor.armed;
        cursor.applied = true;
        armed.injected().recordFired();
        out.flush();
        String what = request == null ? "" : " on " + request.method() + " " + request.path();
        if (armed.kind() == Fault.Kind.RESET) {
            LOG.debug("FaultProxy resets the connection at byte {}{}", cursor.position, what);
            pause(50); // let bytes already written reach the client before the RST discards them
            FaultProxy.reset(client);
            FaultProxy.reset(upstream);
            forgetBoth();
            throw new ResetFired();
        }
        LOG.debug("FaultProxy stalls {} ms at byte {}{}", armed.delay().toMillis(), cursor.position, what);
        pause(armed.delay().toMillis());
    }

    // ----- heads -----

    /** Reads a head up to the blank line; null on a clean end of stream before any byte. */
    private static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(512);
        int matched = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (raw.size() == 0) {
                    return null;
                }
                throw new IOException("The connection closed in the middle of an HTTP head");
            }
            raw.write(b);
            if (raw.size() > MAX_HEAD) {
                throw new IOException("An HTTP head is larger than " + MAX_HEAD + " bytes");
            }
            if (b == '\n') {
                matched++;
                if (matched == 2) {
                    break;
                }
            } else if (b != '\r') {
                matched = 0;
            }
        }
        byte[] bytes = raw.toByteArray();
        String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r?\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return new Head(lines[0], headers, bytes);
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(16);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("The connection closed in the middle of a chunked body");
            }
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
            if (line.size() > 8192) {
                throw new IOException("A chunk line is longer than 8 KiB");
            }
        }
    }

    private static int statusOf(Head head) throws IOException {
        String[] parts = head.firstLine().split(" ");
        try {
            return Integer.parseInt(parts[1]);
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IOException("Not an HTTP status line: " + head.firstLine(), e);
        }
    }

    /** The path of a request target, without query (which may hold secrets) and without scheme and host. */
    private static String pathOf(String target) {
        String path = target;
        int scheme = path.indexOf("://");
        if (scheme >= 0) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted (the proxy is closing)", e);
        }
    }

    private void closeBoth() {
        FaultProxy.closeQuietly(client);
        FaultProxy.closeQuietly(upstream);
        forgetBoth();
    }

    private void forgetBoth() {
        proxy.forget(client);
        proxy.forget(upstream);
    }
}
