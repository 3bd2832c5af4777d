package org.ocitransfer.core.state;

import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.TransferException;

/** A conditional record write lost to another writer: read the record again and retry. */
public class RecordConflictException extends TransferException {

    /** @param collection the collection; @param name the record */
    public RecordConflictException(String collection, String name) {
        super("Record " + collection + "/" + name + " was changed by another writer: read it again and retry", ErrorCategory.CONFLICT);
    }
}
