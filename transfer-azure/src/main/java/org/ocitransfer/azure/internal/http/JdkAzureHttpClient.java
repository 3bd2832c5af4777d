// The Azure SDK's HTTP client for every Azure client this module builds: the JDK's java.net.http, which logs no URI.
package org.ocitransfer.azure.internal.http;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.ProxyOptions;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Configuration;
import com.azure.core.util.Context;
import com.azure.core.util.FluxUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An Azure SDK {@link HttpClient} over the JDK's {@link java.net.http.HttpClient}: the transport of every Blob Storage
 * and Key Vault client this module builds. The Azure SDK's default transport, reactor-netty, logs each request URI at
 * DEBUG ({@code reactor.netty.http.client.HttpClientConnect}: "Handler is being applied: {uri=...}"), and a SAS token
 * is the query of that URI, so any service that turns DEBUG on (in any SLF4J backend) would print it. The JDK client
 * logs nothing through SLF4J at any level; its own diagnostics need the explicit system properties
 * {@code jdk.httpclient.HttpClient.log} or {@code jdk.internal.httpclient.debug}, which must not be set where SAS
 * tokens are used. The SDK's own HTTP logging ({@code HttpLogOptions}) stays as it was, redacting {@code sig}.
 *
 * <p>Requests use HTTP/1.1, follow no redirects, and connect within 30 s; a response's headers must arrive within
 * 60 s plus 1 s per 256 KiB of request body. Bodies stream both ways (a download is consumed as it arrives, with
 * the subscriber's demand), and a request's body is let go of once its response arrives (see RequestBody). A proxy
 * comes from the JDK's system properties ({@code https.proxyHost}, ...) or, as the Azure SDK's default transport
 * reads it, from {@code HTTPS_PROXY}/{@code HTTP_PROXY}/{@code NO_PROXY}.
 */
public final class JdkAzureHttpClient implements HttpClient {

    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    private static final long BYTES_PER_EXTRA_SECOND = 256 * 1024;
    /**
     * How many of the JDK's lists of body buffers a response asks for ahead of its reader. Reactor's default (256)
     * let a fast server fill the heap: with the JDK's buffers at 256 KiB ({@code jdk.httpclient.bufsize}), eight
     * parallel ranged reads of an import from Azurite held 161 buffers (40 MiB) and ran out of a 64 MiB heap.
     */
    private static final int BODY_PREFETCH = 2;

    private static volatile JdkAzureHttpClient shared;

    private final java.net.http.HttpClient client;

    private JdkAzureHttpClient(java.net.http.HttpClient client) {
        this.client = client;
    }

    /**
     * The client every builder of this module uses when the caller gives none: one per JVM, so connections are
     * pooled across stores.
     */
    public static JdkAzureHttpClient shared() {
        JdkAzureHttpClient client = shared;
        if (client == null) {
            synchronized (JdkAzureHttpClient.class) {
                client = shared;
                if (client == null) {
                    client = new JdkAzureHttpClient(defaultBuilder().build());
                    shared = client;
                }
            }
        }
        return client;
    }

    /** A client over {@code client} (e.g. one with its own {@code SSLContext}); it should follow no redirects. */
    public static JdkAzureHttpClient over(java.net.http.HttpClient client) {
        return new JdkAzureHttpClient(Objects.requireNonNull(client, "client"));
    }

    /** The builder {@link #shared()} uses: HTTP/1.1, no redirects, a 30 s connect timeout, the proxy settings. */
    public static java.net.http.HttpClient.Builder defaultBuilder() {
        java.net.http.HttpClient.Builder builder = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT);
        ProxyOptions proxy = ProxyOptions.fromConfiguration(Configuration.getGlobalConfiguration());
        if (proxy != null && proxy.getAddress() != null) {
            builder.proxy(new EnvironmentProxy(proxy));
            if (proxy.getUsername() != null && proxy.getPassword() != null) {
                PasswordAuthentication login = new PasswordAuthentication(proxy.getUsername(),
                        proxy.getPassword().toCharArray());
                builder.authenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return getRequestorType() == RequestorType.PROXY ? login : null;
                    }
                });
            }
        }
        return builder;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return send(request, Context.NONE);
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        return Mono.defer(() -> {
            RequestBody body = RequestBody.of(request);
            return Mono.fromFuture(client.sendAsync(toJdk(request, body), BodyHandlers.ofPublisher())
                    .whenComplete((response, error) -> body.release()));
        }).flatMap(response -> {
            Flux<ByteBuffer> body = JdkFlowAdapter.flowPublisherToFlux(response.body())
                    .flatMapIterable(buffers -> buffers, BODY_PREFETCH);
            if (response.statusCode() < 400) {
                return Mono.just(new StreamedResponse(request, response, body));
            }
            // An error's body (a short XML or JSON document) is read by several policies (retry, logging, the error
            // mapping), while the JDK's body may be subscribed to only once: keep it.
            return FluxUtil.collectBytesInByteBufferStream(body).defaultIfEmpty(new byte[0])
                    .map(bytes -> new StreamedResponse(request, response,
                            Flux.defer(() -> Flux.just(ByteBuffer.wrap(bytes)))));
        });
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        RequestBody body = RequestBody.of(request);
        try {
            return new BlockingResponse(request, client.send(toJdk(request, body), BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("Interrupted while sending "
                    + request.getHttpMethod() + " to " + request.getUrl().getHost()));
        } finally {
            body.release();
        }
    }

    private static java.net.http.HttpRequest toJdk(HttpRequest request, RequestBody body) {
        URI uri;
        try {
            uri = request.getUrl().toURI();
        } catch (URISyntaxException e) {
            // The message would carry the URL, and with it a SAS: name the host only.
            throw new IllegalArgumentException("Invalid request URL for host " + request.getUrl().getHost());
        }
        long length = body.contentLength();
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(uri)
                .timeout(RESPONSE_TIMEOUT.plusSeconds(Math.max(0, length) / BYTES_PER_EXTRA_SECOND))
                .method(request.getHttpMethod().name(), length == 0 ? BodyPublishers.noBody() : body);
        request.getHeaders().forEach(header -> {
            if (!RESTRICTED.contains(header.getName().toLowerCase(Locale.ROOT))) {
                for (String value : header.getValuesList()) {
                    builder.header(header.getName(), value);
                }
            }
        });
        return builder.build();
    }

    /**
     * A request's body as the JDK client reads it: the SDK's buffers as they are (a staged block is not copied),
     * replayed for each subscription (the JDK subscribes again only before it hands over the response, e.g. after a
     * proxy's 407), and let go of once the exchange is over.
     *
     * <p>Letting go matters: the JDK keeps objects of finished exchanges reachable for a long time (a pooled
     * connection keeps the exchange that opened it, with its request and the subscription of its body, for as long as
     * the connection lives), so a body publisher or subscription that kept its data would keep every block once sent
     * over a new connection: under {@code -Xmx64m}, a parallel export of many blobs (8 regions each staging 4 MiB
     * blocks) ran out of heap. {@link #release()} (called when the response, or the failure, arrives) drops the data;
     * each subscription drops its upstream as soon as it completes, fails or is cancelled.
     */
    private static final class RequestBody implements BodyPublisher {
        private final long length;
        private volatile BinaryData data;

        private RequestBody(BinaryData data, long length) {
            this.data = data;
            this.length = length;
        }

        /** The body of {@code request}; its length from the body or the Content-Length header, -1 when unknown. */
        static RequestBody of(HttpRequest request) {
            BinaryData body = request.getBodyAsBinaryData();
            if (body == null) {
                return new RequestBody(null, 0);
            }
            if (body.getLength() != null) {
                return new RequestBody(body, body.getLength());
            }
            String header = request.getHeaders().getValue(HttpHeaderName.CONTENT_LENGTH);
            return new RequestBody(body, header == null ? -1 : Long.parseLong(header.trim()));
        }

        @Override
        public long contentLength() {
            return length;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            BinaryData body = data;
            if (body == null) {
                subscriber.onSubscribe(new ForgetfulSubscription(null));
                subscriber.onError(new IOException("The request body was already released: its exchange is over"));
                return;
            }
            JdkFlowAdapter.publisherToFlowPublisher(body.toFluxByteBuffer()).subscribe(new Forwarder(subscriber));
        }

        /** Drops the data: the exchange is over, and nothing may subscribe again. */
        void release() {
            data = null;
        }
    }

    /** Passes one subscription's buffers to the JDK's subscriber, through a subscription that forgets its upstream. */
    private static final class Forwarder implements Flow.Subscriber<ByteBuffer> {
        private final Flow.Subscriber<? super ByteBuffer> downstream;
        private ForgetfulSubscription subscription;

        Forwarder(Flow.Subscriber<? super ByteBuffer> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void onSubscribe(Flow.Subscription upstream) {
            subscription = new ForgetfulSubscription(upstream);
            downstream.onSubscribe(subscription);
        }

        @Override
        public void onNext(ByteBuffer buffer) {
            downstream.onNext(buffer);
        }

        @Override
        public void onError(Throwable error) {
            subscription.forget();
            downstream.onError(error);
        }

        @Override
        public void onComplete() {
            subscription.forget();
            downstream.onComplete();
        }
    }

    /**
     * The subscription the JDK holds (possibly long after the exchange): it forwards demand until the body completes,
     * fails or is cancelled, then drops the upstream, and with it the upstream's buffers.
     */
    private static final class ForgetfulSubscription implements Flow.Subscription {
        private volatile Flow.Subscription upstream;

        ForgetfulSubscription(Flow.Subscription upstream) {
            this.upstream = upstream;
        }

        @Override
        public void request(long n) {
            Flow.Subscription s = upstream;
            if (s != null) {
                s.request(n);
            }
        }

        @Override
        public void cancel() {
            Flow.Subscription s = upstream;
            upstream = null;
            if (s != null) {
                s.cancel();
            }
        }

        void forget() {
            upstream = null;
        }
    }

    private static HttpHeaders headers(java.net.http.HttpHeaders jdk) {
        HttpHeaders headers = new HttpHeaders();
        jdk.map().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                headers.set(HttpHeaderName.fromString(name), values);
            }
        });
        return headers;
    }

    /** The status and headers of a JDK response, as the Azure SDK reads them; the subclasses give its body. */
    private abstract static class JdkResponse extends HttpResponse {
        private final int status;
        private final HttpHeaders headers;

        JdkResponse(HttpRequest request, java.net.http.HttpResponse<?> response) {
            super(request);
            this.status = response.statusCode();
            this.headers = headers(response.headers());
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(HttpHeaderName.fromString(name));
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }
    }

    /**
     * A response whose body is the JDK's publisher of byte buffers, consumed with the subscriber's demand (or, for an
     * error, the bytes it held).
     */
    private static final class StreamedResponse extends JdkResponse {
        private final Flux<ByteBuffer> body;
        private final AtomicBoolean subscribed = new AtomicBoolean();

        StreamedResponse(HttpRequest request, java.net.http.HttpResponse<?> response, Flux<ByteBuffer> body) {
            super(request, response);
            this.body = body.doOnSubscribe(subscription -> subscribed.set(true));
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return body;
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return FluxUtil.collectBytesInByteBufferStream(body);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return getBodyAsString(StandardCharsets.UTF_8);
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return getBodyAsByteArray().map(bytes -> new String(bytes, charset));
        }

        @Override
        public void close() {
            // A body nobody read is subscribed to and cancelled at once, which releases its connection; the
            // cancelled subscription's outcome (complete, or the error of a dropped connection) means nothing here.
            if (!subscribed.get()) {
                body.subscribe(buffer -> { }, error -> { }).dispose();
            }
        }
    }

    /** A response whose body is the JDK's blocking input stream, read by the caller's thread. */
    private static final class BlockingResponse extends JdkResponse {
        private final InputStream body;

        BlockingResponse(HttpRequest request, java.net.http.HttpResponse<InputStream> response) {
            super(request, response);
            this.body = response.body();
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return FluxUtil.toFluxByteBuffer(body);
        }

        @Override
        public BinaryData getBodyAsBinaryData() {
            return BinaryData.fromBytes(readAll());
        }

        @Override
        public InputStream getBodyAsInputStreamSync() {
            return body;
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.fromCallable(this::readAll);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return getBodyAsString(StandardCharsets.UTF_8);
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return getBodyAsByteArray().map(bytes -> new String(bytes, charset));
        }

        @Override
        public void writeBodyTo(WritableByteChannel channel) throws IOException {
            try (InputStream in = body) {
                in.transferTo(Channels.newOutputStream(channel));
            }
        }

        private byte[] readAll() {
            try (InputStream in = body) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The proxy of the Azure SDK's configuration (environment), except for the hosts its NO_PROXY names. */
    private static final class EnvironmentProxy extends ProxySelector {
        private final List<Proxy> proxy;
        private final Pattern nonProxyHosts;

        EnvironmentProxy(ProxyOptions options) {
            Proxy.Type type = options.getType() == ProxyOptions.Type.HTTP ? Proxy.Type.HTTP : Proxy.Type.SOCKS;
            this.proxy = List.of(new Proxy(type, options.getAddress()));
            this.nonProxyHosts = options.getNonProxyHosts() == null ? null
                    : Pattern.compile(options.getNonProxyHosts(), Pattern.CASE_INSENSITIVE);
        }

        @Override
        public List<Proxy> select(URI uri) {
            String host = uri.getHost();
            return nonProxyHosts != null && host != null && nonProxyHosts.matcher(host).matches()
                    ? List.of(Proxy.NO_PROXY) : proxy;
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException e) {
        }
    }
}
