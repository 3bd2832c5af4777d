package org.ocitransfer.testkit.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fault-injecting proxy for tests: listens on a free {@code 127.0.0.1} port and forwards every connection to a
 * target (a registry, Azurite), injecting the {@link Fault}s it is given: connection resets at a body byte,
 * stalls past a read timeout, a corrupted body byte, injected 503/429 answers. With no fault it passes everything
 * through unchanged.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(registry.host())) {
 *     InjectedFault reset = proxy.inject(Fault.resetAtRandomByte().minBodyBytes(1 << 20));
 *     ... point the client at proxy.url() ...
 *     assertThat(reset.fired()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>In {@link Mode#HTTP} (the default) it reads HTTP/1.1 request and response heads and frames bodies by
 * Content-Length or chunked encoding, so faults can target requests (method, path) and body bytes, and statuses can
 * be answered without the target. It does not rewrite anything: the target sees the proxy's address in
 * {@code Host}, so a registry's upload {@code Location}s point back through the proxy. Pipelined requests work;
 * protocol upgrades (101) are not supported. {@link Mode#TCP} forwards raw bytes (for TLS targets): offsets then
 * count the bytes the target sends on a connection and {@link Fault.Kind#STATUS} does not apply.
 *
 * <p>Random choices (random byte offsets) come from one generator seeded by {@link Builder#seed(long)}: the same
 * seed and the same sequence of matching exchanges give the same offsets. Request paths are logged without their
 * query strings (which may carry SAS tokens).
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);

    /** How the proxy reads the traffic. */
    public enum Mode {
        /** HTTP/1.1-aware: faults by request and body byte; injected statuses. */
        HTTP,
        /** Raw TCP: faults by byte of the target's stream on each connection. */
        TCP
    }

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Mode mode;
    private final SplittableRandom random;
    private final List<InjectedFault> faults = new CopyOnWriteArrayList<>();
    private final ExecutorService threads;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<Fault.Kind, AtomicInteger> firedByKind = new EnumMap<>(Fault.Kind.class);
    private volatile boolean closed;

    private FaultProxy(Builder b) throws IOException {
        this.targetHost = b.targetHost;
        this.targetPort = b.targetPort;
        this.mode = b.mode;
        this.random = new SplittableRandom(b.seed);
        for (Fault.Kind kind : Fault.Kind.values()) {
            firedByKind.put(kind, new AtomicInteger());
        }
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy-" + server.getLocalPort());
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    /** An HTTP-mode proxy (seed 0) in front of {@code host:port}, e.g. {@code registry.host()}. */
    public static FaultProxy start(String hostAndPort) {
        return builder().target(hostAndPort).start();
    }

    /** A builder: target, mode, seed. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + port();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://" + host();
    }

    /** Its mode. */
    public Mode mode() {
        return mode;
    }

    /**
     * Adds a fault. Faults are consulted in the order they were added; the first that matches an exchange and has
     * firings left applies (at most one fault per response).
     *
     * @throws IllegalArgumentException for a STATUS fault in TCP mode
     */
    public InjectedFault inject(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        if (mode == Mode.TCP && fault.kind() == Fault.Kind.STATUS) {
            throw new IllegalArgumentException("A TCP-mode proxy cannot answer with a status: use Mode.HTTP");
        }
        InjectedFault injected = new InjectedFault(fault, this);
        faults.add(injected);
        return injected;
    }

    /** Removes every fault: from now on, pure pass-through. */
    public void clearFaults() {
        faults.clear();
    }

    /** How many faults fired, of every kind. */
    public int faultsInjected() {
        return firedByKind.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** How many faults of this kind fired. */
    public int faultsInjected(Fault.Kind kind) {
        return firedByKind.get(kind).get();
    }

    /** How many client connections it accepted. */
    public int connections() {
        return connections.get();
    }

    /** How many HTTP requests it read (HTTP mode), injected answers included. */
    public int requests() {
        return requests.get();
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("Closing the proxy's server socket on {}: {}", host(), e.toString());
        }
        sockets.forEach(FaultProxy::closeQuietly);
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "FaultProxy[" + host() + " -> " + targetHost + ":" + targetPort + ", " + mode + "]";
    }

    // ----- used by connections -----

    /** A fault armed for one response (or one TCP connection). */
    record Armed(InjectedFault injected, Fault.Kind kind, long at, java.time.Duration delay) {
    }

    /** The STATUS fault that answers this request, if any. */
    InjectedFault statusFor(String method, String path) {
        for (InjectedFault f : faults) {
            if (f.fault().kind() == Fault.Kind.STATUS && f.fault().matchesRequest(method, path) && f.tryAcquire()) {
                return f;
            }
        }
        return null;
    }

    /**
     * The fault for a response to {@code method path}, with a body of {@code length} bytes (-1: unknown) or none.
     */
    Armed armResponse(String method, String path, long length, boolean hasBody) {
        for (InjectedFault f : faults) {
            Fault fault = f.fault();
            if (fault.kind() == Fault.Kind.STATUS || !fault.matchesRequest(method, path)) {
                continue;
            }
            if (fault.minBodyBytes() > 0 && (!hasBody || (length >= 0 && length < fault.minBodyBytes()))) {
                continue;
            }
            long at = fault.offset();
            if (at != Fault.HEAD) {
                if (!hasBody || length == 0) {
                    continue;
                }
                if (at == Fault.RANDOM) {
                    if (!f.tryAcquire()) {
                        continue;
                    }
                    return new Armed(f, fault.kind(), nextOffset(length >= 0 ? length : fault.randomBound()),
                            fault.delay());
                }
                boolean reachable = length < 0 || at < length || (at == length && fault.kind() != Fault.Kind.CORRUPT);
                if (!reachable) {
                    continue;
                }
            }
            if (f.tryAcquire()) {
                return new Armed(f, fault.kind(), at, fault.delay());
            }
        }
        return null;
    }

    /** The fault for a new TCP-mode connection. */
    Armed armConnection() {
        for (InjectedFault f : faults) {
            Fault fault = f.fault();
            if (f.tryAcquire()) {
                long at = fault.offset() == Fault.HEAD ? 0
                        : fault.offset() == Fault.RANDOM ? nextOffset(fault.randomBound()) : fault.offset();
                return new Armed(f, fault.kind(), at, fault.delay());
            }
        }
        return null;
    }

    void recordFired(Fault.Kind kind) {
        firedByKind.get(kind).incrementAndGet();
    }

    void remove(InjectedFault fault) {
        faults.remove(fault);
    }

    void countRequest() {
        requests.incrementAndGet();
    }

    void forget(Socket socket) {
        sockets.remove(socket);
    }

    private synchronized long nextOffset(long bound) {
        return random.nextLong(bound);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("The fault proxy on {} stopped accepting: {}", host(), e.toString());
                }
                return;
            }
            connections.incrementAndGet();
            sockets.add(client);
            threads.execute(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        Socket upstream = new Socket();
        sockets.add(upstream);
        try {
            upstream.connect(new java.net.InetSocketAddress(targetHost, targetPort), 5000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            LOG.debug("The fault proxy on {} could not reach {}:{}: {}", host(), targetHost, targetPort, e.toString());
            closeQuietly(client);
            closeQuietly(upstream);
            forget(client);
            forget(upstream);
            return;
        }
        ProxyConnection connection = new ProxyConnection(this, client, upstream);
        if (mode == Mode.HTTP) {
            threads.execute(connection::pumpResponses);
            connection.pumpRequests();
        } else {
            threads.execute(connection::pumpRawUpstream);
            connection.pumpRawDownstream();
        }
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing a proxied socket: {}", e.toString());
        }
    }

    /** Resets a socket: the peer sees ECONNRESET. */
    static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            LOG.debug("Could not arm a reset on a proxied socket: {}", e.toString());
        }
        closeQuietly(socket);
    }

    /** Settings for a {@link FaultProxy}. */
    public static final class Builder {
        private String targetHost;
        private int targetPort;
        private Mode mode = Mode.HTTP;
        private long seed;

        private Builder() {
        }

        /** The target, {@code host:port}. */
        public Builder target(String hostAndPort) {
            int colon = hostAndPort.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("Expected host:port, got '" + hostAndPort + "'");
            }
            return target(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
        }

        /** The target host and port. */
        public Builder target(String host, int port) {
            this.targetHost = Objects.requireNonNull(host, "host");
            this.targetPort = port;
            return this;
        }

        /** HTTP (default) or TCP. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The seed of random offsets (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Starts listening. */
        public FaultProxy start() {
            if (targetHost == null) {
                throw new IllegalStateException("Set the proxy's target first: target(\"127.0.0.1:5000\")");
            }
            try {
                return new FaultProxy(this);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not open a loopback port for the fault proxy", e);
            }
        }
    }
}
