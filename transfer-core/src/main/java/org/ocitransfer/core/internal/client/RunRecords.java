package org.ocitransfer.core.internal.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunResponse;
import org.ocitransfer.api.ProvisioningState;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.core.state.RecordStore;
import org.slf4j.LoggerFactory;

/**
 * Runs as {@link RunRecord}s in a {@link RecordStore}: read, written, and who owns one (this process is
 * {@code <pid>@<host>}), and whether that owner is gone.
 */
final class RunRecords {

    static final String RUNS = ResourceNames.RUNS;
    /** A run whose owner on another host has not shown life for this long is taken to be dead. */
    static final Duration STALE_AFTER = Duration.ofMinutes(5);

    private final RecordStore records;
    private final String owner = ProcessHandle.current().pid() + "@" + HostName.VALUE;

    RunRecords(RecordStore records) {
        this.records = records;
    }

    /** This process, as a run's owner. */
    String owner() {
        return owner;
    }

    Optional<RecordStore.StoredRecord> stored(String name) {
        return records.get(RUNS, name);
    }

    Optional<RunRecord> read(String name) {
        return stored(name).map(RunRecords::parse);
    }

    List<RecordStore.StoredRecord> list() {
        return records.list(RUNS);
    }

    static RunRecord parse(RecordStore.StoredRecord stored) {
        return Json.read(stored.content(), RunRecord.class);
    }

    /**
     * Whether the stored run has ended, from its {@code run.response.status} alone, read with a streaming parser that
     * binds nothing. False when that status is absent, not one that ends a run, or cannot be read this way (binding
     * the whole record then reports what is wrong with it).
     */
    static boolean hasEnded(RecordStore.StoredRecord stored) {
        String status = textAt(stored.content(), "run", "response", "status");
        for (RunStatus s : RunStatus.values()) {
            if (s.isTerminal() && s.name().equals(status)) {
                return true;
            }
        }
        return false;
    }

    /** The string at a path of object fields of a JSON document; null when there is none or it is not a string. */
    private static String textAt(byte[] json, String... path) {
        try (JsonParser parser = Json.mapper().getFactory().createParser(json)) {
            JsonToken token = parser.nextToken();
            for (String field : path) {
                if (token != JsonToken.START_OBJECT) {
                    return null;
                }
                token = null;
                while (token == null && parser.nextToken() == JsonToken.FIELD_NAME) {
                    boolean wanted = field.equals(parser.currentName());
                    JsonToken value = parser.nextToken();
                    if (wanted) {
                        token = value;
                    } else {
                        parser.skipChildren();
                    }
                }
                if (token == null) {
                    return null;
                }
            }
            return token == JsonToken.VALUE_STRING ? parser.getText() : null;
        } catch (IOException e) {
            return null; // not JSON this parser reads: the caller binds the record, which says what is wrong
        }
    }

    /** Writes the record, if the stored one is at {@code expectedEtag} (null: whatever it is). */
    void put(RunRecord record, String expectedEtag) {
        records.put(RUNS, record.run().name(), Json.write(record), expectedEtag);
    }

    boolean delete(String name) {
        return records.delete(RUNS, name);
    }

    /** Writes a run's record as owned by {@code runOwner} (null once it ended), even from an interrupted thread. */
    void write(PipelineRun run, String runOwner) {
        // A run stopped by close() has an interrupted thread, and file channels refuse interrupted threads: clear the
        // flag while the record is written, so the run's end is recorded, then restore it.
        boolean interrupted = Thread.interrupted();
        try {
            put(new RunRecord(run, runOwner, Instant.now()), null);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the process that executes the run is gone (or, on another host, has not written it for long). */
    boolean ownerIsDead(RunRecord record) {
        String recordOwner = record.owner();
        if (recordOwner == null) {
            return true;
        }
        int at = recordOwner.indexOf('@');
        String host = at >= 0 ? recordOwner.substring(at + 1) : "";
        if (host.equals(HostName.VALUE)) {
            long pid = Long.parseLong(recordOwner.substring(0, at));
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }
        return record.heartbeat() == null || record.heartbeat().plus(STALE_AFTER).isBefore(Instant.now());
    }

    /**
     * The run, ended Failed now with {@code message}, as a run that never got to end: running it again can succeed,
     * so its category is {@link ErrorCategory#UNAVAILABLE} (retryable).
     */
    static PipelineRun interrupted(PipelineRun run, String message) {
        PipelineRunResponse r = run.response() != null ? run.response()
                : PipelineRunResponse.builder().status(RunStatus.Failed).build();
        return run.withResponse(r.toBuilder().status(RunStatus.Failed).finishTime(Instant.now())
                .pipelineRunErrorMessage(message).errorCategory(ErrorCategory.UNAVAILABLE).build())
                .withProvisioningState(ProvisioningState.Failed);
    }

    /** This host's name, looked up once (the lookup can be slow). */
    private static final class HostName {
        static final String VALUE = lookUp();

        private static String lookUp() {
            String env = System.getenv("HOSTNAME");
            if (env != null && !env.isBlank()) {
                return env;
            }
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                LoggerFactory.getLogger(RunRecords.class).debug("No host name ({}); using localhost", e.getMessage());
                return "localhost";
            }
        }
    }
}
