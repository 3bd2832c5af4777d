// A record store that hands every call to another one: tests override the calls they watch or slow down.
package org.ocitransfer.core.testing;

import java.util.List;
import java.util.Optional;
import org.ocitransfer.core.state.RecordStore;

/** Forwards each call to {@code delegate}; a subclass overrides what it notes or changes. */
public abstract class ForwardingRecordStore implements RecordStore {
    private final RecordStore delegate;

    protected ForwardingRecordStore(RecordStore delegate) {
        this.delegate = delegate;
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
        return delegate.put(collection, name, content, expectedEtag);
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
