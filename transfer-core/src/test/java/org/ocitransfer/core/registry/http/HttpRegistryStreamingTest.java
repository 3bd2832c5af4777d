// Protocol tests of downloads: wrong bytes are caught while streaming, a stalled body times out, and an open body
// holds one of the registry's bounded connection slots until it is closed.
package org.ocitransfer.core.registry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;

class HttpRegistryStreamingTest {

    private ScriptedServer server;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void wrongBytesFailTheDownloadAsCorruptNamingTheDigest() {
        byte[] good = "good layer bytes".getBytes();
        byte[] bad = "evil layer bytes".getBytes();
        Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER, good);
        server.on("GET", "/v2/app/blobs/.*", (ex, req) -> ScriptedServer.respond(ex, 200, MediaTypes.OCI_LAYER, bad,
                Map.of()));

        try (HttpRegistry registry = HttpRegistry.builder().uri(server.url()).build()) {
            assertThatThrownBy(() -> {
                try (InputStream in = registry.repository("app").fetch(d)) {
                    in.readAllBytes();
                } catch (IOException e) {
                    throw RegistryException.fromIo("fetch", registry.location(), e);
                }
            }).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
                assertThat(e.getMessage()).contains(d.digest());
            });
        }
    }

    @Test
    void aBodyThatStallsFailsAfterTheReadTimeout() {
        CountDownLatch release = new CountDownLatch(1);
        Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER, new byte[1000]);
        server.on("GET", "/v2/app/blobs/.*", (ex, req) -> {
            ex.sendResponseHeaders(200, 1000);
            OutputStream out = ex.getResponseBody();
            out.write(new byte[10]);
            out.flush();
            try {
                release.await(10, TimeUnit.SECONDS); // then stalls
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(300));
        try (HttpRegistry registry = HttpRegistry.builder().uri(server.url()).timeouts(timeouts).build();
             InputStream in = registry.repository("app").fetch(d)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(HttpTimeoutException.class)
                    .hasMessageContaining("blob " + d.digest()).hasMessageContaining("300 ms");
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aBlobWhoseAnswerDoesNotComeWithinTheRequestLimitIsRetriedThenFailsNamingTheLimit() {
        CountDownLatch release = new CountDownLatch(1);
        Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER, new byte[1000]);
        server.on("GET", "/v2/app/blobs/.*", (ex, req) -> {
            try {
                release.await(10, TimeUnit.SECONDS); // no answer at all, then the client is gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(5));
        RetryPolicy twice = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50));
        try (HttpRegistry registry = HttpRegistry.builder().uri(server.url()).timeouts(timeouts).retry(twice)
                .build()) {
            assertThatThrownBy(() -> registry.repository("app").fetch(d))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.TRANSIENT);
                        assertThat(e.getMessage()).contains("blob " + d.digest()).contains("attempt 2 of 2")
                                .contains("no response within 300 ms");
                    });
            assertThat(server.seen("GET", "/v2/app/blobs/.*")).hasSize(2);
        } finally {
            release.countDown();
        }
    }

    @Test
    void anOpenBodyHoldsItsConnectionSlotUntilClosed() throws Exception {
        byte[] blob = "a blob".getBytes();
        Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER, blob);
        server.on("GET", "/v2/app/blobs/.*", (ex, req) -> ScriptedServer.respond(ex, 200, MediaTypes.OCI_LAYER, blob,
                Map.of()));
        server.on("HEAD", "/v2/app/blobs/.*", (ex, req) -> ScriptedServer.respond(ex, 200, MediaTypes.OCI_LAYER, blob,
                Map.of()));

        try (HttpRegistry registry = HttpRegistry.builder().uri(server.url()).maxConnections(1).build()) {
            InputStream open = registry.repository("app").fetch(d);
            CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() ->
                    registry.repository("app").exists(d));
            Thread.sleep(300);
            assertThat(second).isNotDone();
            assertThat(server.seen("HEAD", ".*")).isEmpty(); // the second exchange waits for the slot

            assertThat(open.readAllBytes()).isEqualTo(blob); // reading to the end gives the slot back
            assertThat(second.get(5, TimeUnit.SECONDS)).isTrue();
            open.close();
        }
    }
}
