// A response body stream that gives its connection slot back when done and fails a read that stays silent too long.
package org.ocitransfer.core.registry.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ocitransfer.core.content.BlockFilterInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of one response. It holds one of the registry's connection slots until it is read to the end or closed,
 * so the number of open exchanges stays bounded. A {@link Watchdog} closes it when one read blocks longer than the
 * read timeout; the reader then gets an {@link HttpTimeoutException}.
 */
final class BodyStream extends BlockFilterInputStream {

    private final Runnable release;
    private final Watchdog watchdog;
    private final String what;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile long readingSince;
    private volatile boolean timedOut;

    BodyStream(InputStream in, Runnable release, Watchdog watchdog, String what) {
        super(in);
        this.release = release;
        this.watchdog = watchdog;
        this.what = what;
        watchdog.register(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n;
        readingSince = System.nanoTime();
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            finish();
            throw timedOut ? timeout() : e;
        } finally {
            readingSince = 0;
        }
        if (timedOut) {
            finish();
            throw timeout();
        }
        if (n < 0) {
            finish();
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } finally {
            finish();
        }
    }

    private HttpTimeoutException timeout() {
        return new HttpTimeoutException("Reading " + what + " stalled for longer than the read timeout of "
                + watchdog.readTimeout.toMillis() + " ms");
    }

    /** Gives the slot back once. */
    private void finish() {
        if (done.compareAndSet(false, true)) {
            watchdog.unregister(this);
            release.run();
        }
    }

    /** Called by the watchdog: closes the stream when a read has blocked for too long. */
    private void check(long now, long limitNanos) {
        long since = readingSince;
        if (since != 0 && now - since > limitNanos && !timedOut) {
            timedOut = true;
            try {
                in.close(); // wakes the blocked read
            } catch (IOException e) {
                Watchdog.LOG.debug("Closing the stalled stream of {} failed: {}", what, e.toString());
            }
        }
    }

    /** One per registry: checks its open bodies for stalled reads. */
    static final class Watchdog implements AutoCloseable {
        static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

        private final Duration readTimeout;
        private final Set<BodyStream> open = ConcurrentHashMap.newKeySet();
        private final ScheduledExecutorService timer;

        Watchdog(Duration readTimeout) {
            this.readTimeout = readTimeout;
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "registry-read-watchdog");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(50, Math.min(1000, readTimeout.toMillis() / 4));
            timer.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
        }

        /** Its timer, for other deadlines of the same registry. */
        ScheduledExecutorService timer() {
            return timer;
        }

        private void register(BodyStream s) {
            open.add(s);
        }

        private void unregister(BodyStream s) {
            open.remove(s);
        }

        private void sweep() {
            long now = System.nanoTime();
            long limit = readTimeout.toNanos();
            for (BodyStream s : open) {
                s.check(now, limit);
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
