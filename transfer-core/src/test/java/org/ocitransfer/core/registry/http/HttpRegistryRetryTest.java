// Protocol tests of retries: 429 with Retry-After, 5xx, retries running out, and uploads retried (or not) as a whole.
package org.ocitransfer.core.registry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;
import org.ocitransfer.core.testing.Seeds;

class HttpRegistryRetryTest {

    private static final byte[] MANIFEST = ("{\"schemaVersion\":2,"
            + "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
            + "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},"
            + "\"layers\":[]}").getBytes();
    private static final Descriptor MANIFEST_DESC = Descriptor.of(MediaTypes.OCI_MANIFEST, MANIFEST);

    private ScriptedServer server;
    private HttpRegistry registry;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedServer();
        registry = HttpRegistry.builder().uri(server.url())
                .retry(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofSeconds(5))).build();
    }

    @AfterEach
    void stop() {
        registry.close();
        server.close();
    }

    @Test
    void a429WithRetryAfterIsRetriedAfterTheDelayTheRegistryAsked() {
        AtomicInteger calls = new AtomicInteger();
        server.on("HEAD", "/v2/app/manifests/v1", (ex, req) -> {
            if (calls.incrementAndGet() == 1) {
                ScriptedServer.respond(ex, 429, "application/json",
                        "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}",
                        Map.of("Retry-After", "1"));
            } else {
                ScriptedServer.respond(ex, 200, MediaTypes.OCI_MANIFEST, MANIFEST,
                        Map.of("Docker-Content-Digest", MANIFEST_DESC.digest()));
            }
        });

        Descriptor d = registry.repository("app").resolve("v1");

        assertThat(d).isEqualTo(MANIFEST_DESC);
        var heads = server.seen("HEAD", "/v2/app/manifests/v1");
        assertThat(heads).hasSize(2);
        // The policy's own backoff is 1 ms: only the registry's Retry-After explains a second's gap.
        assertThat(Duration.ofNanos(heads.get(1).atNanos() - heads.get(0).atNanos())).isGreaterThanOrEqualTo(
                Duration.ofMillis(950));
    }

    @Test
    void a503TwiceThenSuccessIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        server.on("GET", "/v2/app/tags/list", (ex, req) -> {
            if (calls.incrementAndGet() <= 2) {
                ScriptedServer.respond(ex, 503, null, "busy", Map.of());
            } else {
                ScriptedServer.respond(ex, 200, "application/json", "{\"name\":\"app\",\"tags\":[\"a\",\"b\"]}",
                        Map.of());
            }
        });

        assertThat(registry.repository("app").tags()).containsExactly("a", "b");
        assertThat(server.seen("GET", "/v2/app/tags/list")).hasSize(3);
    }

    @Test
    void retriesRunOutIntoATransientErrorCarryingTheRegistrysErrors() {
        server.on("GET", "/v2/app/tags/list", (ex, req) -> ScriptedServer.respond(ex, 502, "application/json",
                "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"backend down\"}]}", Map.of()));

        assertThatThrownBy(() -> registry.repository("app").tags())
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TRANSIENT);
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.errors()).extracting(RegistryException.RegistryError::code)
                            .containsExactly("UNAVAILABLE");
                    assertThat(e.getMessage()).contains("the tags of repository 'app'", "4 attempts", "backend down");
                });
        assertThat(server.seen("GET", "/v2/app/tags/list")).hasSize(4);
    }

    @Test
    void aNonReplayableBlobIsNeverRetried() {
        byte[] blob = randomBytes(2 * 1024 * 1024); // over the 1 MiB kept in memory: streamed
        Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER, blob);
        scriptUpload(503);

        ContentSource oneShot = ContentSource.once(new ByteArrayInputStream(blob));
        assertThatThrownBy(() -> registry.repository("app").push(d, oneShot))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TRANSIENT);
                    assertThat(e.getMessage()).contains(d.digest(), "not retried", "cannot be replayed");
                });
        assertThat(server.seen("POST", "/v2/app/blobs/uploads/")).hasSize(1);
        assertThat(server.seen("PUT", "/v2/app/blobs/uploads/session.*")).hasSize(1);
        assertThat(server.seen("DELETE", "/v2/app/blobs/uploads/session.*")).hasSize(1); // the failed upload is cancelled
    }

    @Test
    void aReplayableBlobIsRetriedAsAWholeSequence() {
        byte[] blob = randomBytes(2 * 1024 * 1024);
        Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER, blob);
        scriptUpload(503, 201);

        registry.repository("app").push(d, ContentSource.reopenable(() -> new ByteArrayInputStream(blob)));

        assertThat(server.seen("POST", "/v2/app/blobs/uploads/")).hasSize(2);
        var puts = server.seen("PUT", "/v2/app/blobs/uploads/session.*");
        assertThat(puts).hasSize(2);
        assertThat(puts.get(1).body()).isEqualTo(blob);
        assertThat(puts.get(1).query())
                .isEqualTo("_state=x&digest=" + d.digest().replace(":", "%3A"));
    }

    /** POST opens sessions session1, session2...; each PUT answers the next scripted status. */
    private void scriptUpload(int... putStatuses) {
        AtomicInteger sessions = new AtomicInteger();
        AtomicInteger puts = new AtomicInteger();
        server.on("POST", "/v2/app/blobs/uploads/", (ex, req) -> ScriptedServer.respond(ex, 202, null, "",
                Map.of("Location", "/v2/app/blobs/uploads/session" + sessions.incrementAndGet() + "?_state=x")));
        server.on("PUT", "/v2/app/blobs/uploads/session.*", (ex, req) -> {
            int i = Math.min(puts.getAndIncrement(), putStatuses.length - 1);
            ScriptedServer.respond(ex, putStatuses[i], null, "", Map.of());
        });
        server.on("DELETE", "/v2/app/blobs/uploads/session.*", (ex, req) -> ScriptedServer.respond(ex, 204, null, "",
                Map.of()));
    }

    static byte[] randomBytes(int n) {
        return Seeds.bytes(n, n);
    }
}
