// The HTTP side the stand-ins share: JSON answers, and their servers' daemon threads.
package org.ocitransfer.testkit.azure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Helpers for the stand-ins' JDK HTTP servers. */
final class StandInHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StandInHttp() {
    }

    /** Answers with {@code status} and the JSON body. */
    static void sendJson(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A pool of {@code threads} daemon threads named {@code name}, for a stand-in's server. */
    static ExecutorService daemons(String name, int threads) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
