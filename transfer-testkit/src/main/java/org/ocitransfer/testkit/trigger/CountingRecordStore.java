// A record store that counts the runs the source trigger starts, so tests can prove each blob was imported once.
package org.ocitransfer.testkit.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.core.state.RecordStore;

/**
 * A real record store with a tally of triggered run starts: every conditional write of a run record in state
 * Running with a trigger (how the source trigger starts a run; a run created explicitly has none) is counted by run
 * name, so tests can see how many times each blob was imported, across every client sharing the tally.
 */
public final class CountingRecordStore implements RecordStore {

    private final RecordStore delegate;
    private final Map<String, AtomicInteger> starts;

    /** Writes through {@code delegate}, counting triggered starts by run name into {@code starts}. */
    public CountingRecordStore(RecordStore delegate, Map<String, AtomicInteger> starts) {
        this.delegate = delegate;
        this.starts = starts;
    }

    /** An empty tally, safe to share between threads and clients. */
    public static Map<String, AtomicInteger> newTally() {
        return new ConcurrentHashMap<>();
    }

    @Override
    public Optional<StoredRecord> get(String collection, String name) {
        return delegate.get(collection, name);
    }

    @Override
    public List<StoredRecord> list(String collection) {
        return delegate.list(collection);
    }

    @Override
    public String put(String collection, String name, byte[] content, String expectedEtag) {
        String etag = delegate.put(collection, name, content, expectedEtag);
        if (ResourceNames.RUNS.equals(collection) && expectedEtag != null && "Running".equals(status(content))
                && triggered(content)) {
            starts.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        }
        return etag;
    }

    private static String status(byte[] content) {
        try {
            JsonNode status = Json.mapper().readTree(content).path("run").path("response").path("status");
            return status.isTextual() ? status.asText() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean triggered(byte[] content) {
        try {
            JsonNode trigger = Json.mapper().readTree(content).path("run").path("response").path("trigger");
            return !trigger.isMissingNode() && !trigger.isNull();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean delete(String collection, String name) {
        return delegate.delete(collection, name);
    }

    @Override
    public String location() {
        return delegate.location();
    }
}
