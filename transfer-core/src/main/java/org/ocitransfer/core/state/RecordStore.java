package org.ocitransfer.core.state;

import java.util.List;
import java.util.Optional;

/**
 * Where pipeline and run records persist: JSON documents by collection and name, with versions (ETags) so
 * concurrent writers never lose an update. Built in: a local state directory; the Azure module adds a container.
 */
public interface RecordStore extends AutoCloseable {

    /** A record's bytes and version. */
    record StoredRecord(String name, byte[] content, String etag) {
    }

    /** The record, if it exists. */
    Optional<StoredRecord> get(String collection, String name);

    /** Every record of the collection. */
    List<StoredRecord> list(String collection);

    /**
     * Writes a record.
     *
     * @param expectedEtag null: write whatever is there; {@link #ABSENT}: only if there is none; else only if the
     *                     current version has this ETag
     * @return the new version
     * @throws RecordConflictException when the precondition fails
     */
    String put(String collection, String name, byte[] content, String expectedEtag);

    /** Deletes a record. @return whether it existed */
    boolean delete(String collection, String name);

    /** Where the records are, for messages. */
    String location();

    /** The precondition "no such record yet". */
    String ABSENT = "";

    @Override
    default void close() {
    }
}
