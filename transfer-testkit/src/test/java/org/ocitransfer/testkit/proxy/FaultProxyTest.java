package org.ocitransfer.testkit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.testkit.registry.PlainHttp;
import org.ocitransfer.testkit.registry.RegistryExtension;
import org.ocitransfer.testkit.random.Seeds;

/** Every fault kind, injected between plain HTTP calls and the real registry. */
class FaultProxyTest {

    @RegisterExtension
    static RegistryExtension registry = RegistryExtension.open();

    static final int SIZE = 300_000;
    static byte[] blob;
    static String blobPath;

    @BeforeAll
    static void pushBlob() throws Exception {
        blob = Seeds.bytes(SIZE, 1);
        String digest = PlainHttp.pushBlob(registry.registry().url(), "proxy/test", blob, null);
        blobPath = "/v2/proxy/test/blobs/" + digest;
    }

    @Test
    void passesEverythingThroughWithoutFaults() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry.registry().host())) {
            assertThat(PlainHttp.get(proxy.url() + "/v2/", null).statusCode()).isEqualTo(200);
            assertThat(PlainHttp.get(proxy.url() + blobPath, null).body()).isEqualTo(blob);
            HttpResponse<Void> head = PlainHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(proxy.url() + blobPath))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
            // An upload through the proxy: the registry's Location names the proxy (from Host), so it stays on it.
            byte[] other = "uploaded through the proxy".getBytes();
            String digest = PlainHttp.pushBlob(proxy.url(), "proxy/up", other, null);
            assertThat(PlainHttp.get(registry.registry().url() + "/v2/proxy/up/blobs/" + digest, null).body())
                    .isEqualTo(other);
            // A chunked request body (unknown length) goes through too.
            assertThat(chunkedUpload(proxy, "proxy/chunked", blob)).isEqualTo(201);
            assertThat(proxy.faultsInjected()).isZero();
            assertThat(proxy.requests()).isEqualTo(7);
            assertThat(proxy.connections()).isLessThan(proxy.requests()); // connections are kept alive
        }
    }

    @Test
    void resetsAtABodyByteOnceThenPassesThrough() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry.registry().host())) {
            InjectedFault reset = proxy.inject(Fault.resetAt(1000).minBodyBytes(10_000));
            assertThat(PlainHttp.get(proxy.url() + "/v2/", null).statusCode()).isEqualTo(200); // too small
            assertThat(readUntilFailure(proxy.url() + blobPath)).isEqualTo(1000);
            assertThat(reset.fired()).isEqualTo(1);
            assertThat(PlainHttp.get(proxy.url() + blobPath, null).body()).isEqualTo(blob);
            assertThat(proxy.faultsInjected(Fault.Kind.RESET)).isEqualTo(1);
        }
    }

    @Test
    void randomResetsAreRepeatableWithTheSameSeed() throws Exception {
        long[] received = new long[3];
        for (int i = 0; i < 3; i++) {
            try (FaultProxy proxy = FaultProxy.builder().target(registry.registry().host()).seed(i < 2 ? 7 : 8).start()) {
                proxy.inject(Fault.resetAtRandomByte().onPath("/v2/.+/blobs/.+"));
                received[i] = readUntilFailure(proxy.url() + blobPath);
                assertThat(proxy.faultsInjected()).isEqualTo(1);
            }
        }
        assertThat(received[0]).isEqualTo(received[1]).isLessThan(SIZE);
        assertThat(received[2]).isNotEqualTo(received[0]).isLessThan(SIZE);
    }

    @Test
    void resetBeforeResponseLeavesTheClientWithNoAnswer() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry.registry().host())) {
            // Always: the JDK client silently retries a GET once when a connection dies before the response.
            InjectedFault reset = proxy.inject(Fault.resetBeforeResponse().onMethod("GET").always());
            assertThatThrownBy(() -> PlainHttp.get(proxy.url() + "/v2/", null)).isInstanceOf(IOException.class);
            assertThat(reset.fired()).isPositive();
            reset.cancel();
            assertThat(PlainHttp.get(proxy.url() + "/v2/", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void stallsPastTheReadTimeoutBeforeTheHeadOrInTheBody() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry.registry().host())) {
            InjectedFault stall = proxy.inject(Fault.stall(Duration.ofSeconds(5)));
            HttpRequest request = HttpRequest.newBuilder(URI.create(proxy.url() + blobPath))
                    .timeout(Duration.ofMillis(500)).build();
            assertThatThrownBy(() -> PlainHttp.CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray()))
                    .isInstanceOf(HttpTimeoutException.class);
            assertThat(stall.fired()).isEqualTo(1);

            proxy.inject(Fault.stallAt(50_000, Duration.ofSeconds(5)));
            HttpURLConnection connection = (HttpURLConnection) URI.create(proxy.url() + blobPath).toURL()
                    .openConnection();
            connection.setReadTimeout(500);
            assertThat(connection.getResponseCode()).isEqualTo(200);
            byte[] buffer = new byte[8192];
            long read = 0;
            try (InputStream in = connection.getInputStream()) {
                while (true) {
                    int n = in.read(buffer);
                    assertThat(n).isPositive();
                    read += n;
                }
            } catch (SocketTimeoutException expected) {
                assertThat(read).isEqualTo(50_000);
            }
            assertThat(proxy.faultsInjected(Fault.Kind.STALL)).isEqualTo(2);
        }
    }

    @Test
    void corruptsExactlyOneBodyByte() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry.registry().host())) {
            InjectedFault corrupt = proxy.inject(Fault.corruptAt(100).minBodyBytes(1000));
            byte[] first = PlainHttp.get(proxy.url() + blobPath, null).body();
            assertThat(first).hasSize(SIZE);
            assertThat(differingBytes(first, blob)).containsExactly(100);
            assertThat(Digest.sha256(first)).isNotEqualTo(Digest.sha256(blob));
            assertThat(corrupt.fired()).isEqualTo(1);
            assertThat(PlainHttp.get(proxy.url() + blobPath, null).body()).isEqualTo(blob);

            proxy.inject(Fault.corruptRandomByte().minBodyBytes(1000));
            assertThat(differingBytes(PlainHttp.get(proxy.url() + blobPath, null).body(), blob)).hasSize(1);
            assertThat(proxy.faultsInjected(Fault.Kind.CORRUPT)).isEqualTo(2);
        }
    }

    @Test
    void answers503StormsAnd429WithRetryAfter() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry.registry().host())) {
            InjectedFault storm = proxy.inject(Fault.serviceUnavailable().times(3));
            for (int i = 0; i < 3; i++) {
                HttpResponse<byte[]> r = PlainHttp.get(proxy.url() + "/v2/", null);
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(new String(r.body())).contains("UNAVAILABLE");
            }
            assertThat(PlainHttp.get(proxy.url() + "/v2/", null).statusCode()).isEqualTo(200);
            assertThat(storm.fired()).isEqualTo(3);
            assertThat(storm.remaining()).isZero();

            proxy.inject(Fault.tooManyRequests(2).onPath("/v2/.+/blobs/.+"));
            assertThat(PlainHttp.get(proxy.url() + "/v2/", null).statusCode()).isEqualTo(200);
            HttpResponse<byte[]> limited = PlainHttp.get(proxy.url() + blobPath, null);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).hasValue("2");

            // An injected answer to a request with a body: the body is consumed, the next try goes through.
            proxy.inject(Fault.serviceUnavailable().onMethod("PUT"));
            assertThat(chunkedUpload(proxy, "proxy/put503", blob)).isEqualTo(503);
            assertThat(chunkedUpload(proxy, "proxy/put503", blob)).isEqualTo(201);
            assertThat(proxy.faultsInjected(Fault.Kind.STATUS)).isEqualTo(5);
        }
    }

    @Test
    void faultsCanBeCancelledOrCleared() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry.registry().host())) {
            InjectedFault always = proxy.inject(Fault.serviceUnavailable().always());
            assertThat(PlainHttp.get(proxy.url() + "/v2/", null).statusCode()).isEqualTo(503);
            assertThat(PlainHttp.get(proxy.url() + "/v2/", null).statusCode()).isEqualTo(503);
            always.cancel();
            assertThat(PlainHttp.get(proxy.url() + "/v2/", null).statusCode()).isEqualTo(200);
            proxy.inject(Fault.serviceUnavailable().always());
            proxy.clearFaults();
            assertThat(PlainHttp.get(proxy.url() + "/v2/", null).statusCode()).isEqualTo(200);
            assertThat(always.fired()).isEqualTo(2);
        }
    }

    @Test
    void tcpModeResetsAndCorruptsTheRawStream() throws Exception {
        try (FaultProxy proxy = FaultProxy.builder().target(registry.registry().host())
                .mode(FaultProxy.Mode.TCP).start()) {
            assertThat(PlainHttp.get(proxy.url() + blobPath, null).body()).isEqualTo(blob);
            proxy.inject(Fault.resetAt(20_000));
            long received = readUntilFailure(proxy.url() + blobPath);
            assertThat(received).isPositive().isLessThan(20_000); // the head took some of the 20,000 bytes
            // Offsets count from the next bytes the target sends: byte 200,000 is past the head, in the body.
            proxy.inject(Fault.corruptAt(200_000));
            assertThat(differingBytes(PlainHttp.get(proxy.url() + blobPath, null).body(), blob)).hasSize(1);
            assertThatThrownBy(() -> proxy.inject(Fault.serviceUnavailable()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Mode.HTTP");
            assertThat(proxy.faultsInjected()).isEqualTo(2);
        }
    }

    @Test
    void corruptsTheDechunkedPayloadOfAChunkedResponse() throws Exception {
        byte[] payload = Seeds.bytes(100_000, 3);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/chunked", exchange -> {
            exchange.sendResponseHeaders(200, 0); // 0: chunked
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < payload.length; i += 7000) {
                    out.write(payload, i, Math.min(7000, payload.length - i));
                    out.flush();
                }
            }
        });
        server.start();
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1:" + server.getAddress().getPort())) {
            proxy.inject(Fault.corruptAt(70_001));
            HttpResponse<byte[]> r = PlainHttp.get(proxy.url() + "/chunked", null);
            assertThat(r.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
            assertThat(differingBytes(r.body(), payload)).containsExactly(70_001);
            assertThat(PlainHttp.get(proxy.url() + "/chunked", null).body()).isEqualTo(payload);
        } finally {
            server.stop(0);
        }
    }

    /** Reads a body through the proxy until the connection fails; returns the bytes received before. */
    private static long readUntilFailure(String url) throws Exception {
        HttpResponse<InputStream> r = PlainHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long read = 0;
        byte[] buffer = new byte[8192];
        try (InputStream in = r.body()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                read += n;
            }
        } catch (IOException expected) {
            return read;
        }
        throw new AssertionError("The body was read whole (" + read + " bytes): no reset happened");
    }

    private static int chunkedUpload(FaultProxy proxy, String repository, byte[] bytes) throws Exception {
        HttpResponse<Void> started = PlainHttp.CLIENT.send(HttpRequest.newBuilder(
                URI.create(proxy.url() + "/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(started.statusCode()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(proxy.url());
        HttpRequest put = HttpRequest.newBuilder(URI.create(location + "&digest=" + Digest.sha256(bytes)))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
        return PlainHttp.CLIENT.send(put, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int[] differingBytes(byte[] a, byte[] b) {
        assertThat(a).hasSameSizeAs(b);
        return java.util.stream.IntStream.range(0, a.length).filter(i -> a[i] != b[i]).toArray();
    }
}
