// A scripted HTTP server (the JDK's HttpServer on a free loopback port) for protocol corners a real registry
// cannot produce on demand: each test says how it answers and reads back what the client sent.
package org.ocitransfer.core.registry.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/** Not a registry: answers only what a test scripts, and records every request. */
final class ScriptedServer implements AutoCloseable {

    /** One request as received. */
    record Seen(String method, String path, String query, Headers headers, byte[] body, long atNanos) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** How a route answers. */
    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange exchange, Seen request) throws IOException;
    }

    private record Route(String method, Pattern path, Handler handler) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    ScriptedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** {@code http://127.0.0.1:port}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Adds a route: the first whose method and path regex match answers. */
    ScriptedServer on(String method, String pathRegex, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pathRegex), handler));
        return this;
    }

    /** Requests received with this method whose path matches the regex. */
    List<Seen> seen(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        List<Seen> out = new ArrayList<>();
        for (Seen s : seen) {
            if (s.method().equals(method) && p.matcher(s.path()).matches()) {
                out.add(s);
            }
        }
        return out;
    }

    List<Seen> all() {
        return List.copyOf(seen);
    }

    private void dispatch(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            Seen s = new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(),
                    ex.getRequestHeaders(), body, System.nanoTime());
            seen.add(s);
            for (Route r : routes) {
                if (r.method().equals(s.method()) && r.path().matcher(s.path()).matches()) {
                    r.handler().handle(ex, s);
                    return;
                }
            }
            respond(ex, 404, "application/json",
                    "{\"errors\":[{\"code\":\"UNSCRIPTED\",\"message\":\"no route\"}]}", Map.of());
        }
    }

    /** Sends a whole response (a HEAD gets the headers and Content-Length only). */
    static void respond(HttpExchange ex, int status, String contentType, byte[] body, Map<String, String> headers)
            throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static void respond(HttpExchange ex, int status, String contentType, String body, Map<String, String> headers)
            throws IOException {
        respond(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
