package org.ocitransfer.core.blob;

import org.ocitransfer.api.ErrorCategory;

/** The blob exists and overwriting was not allowed; it was left untouched. */
public class BlobAlreadyExistsException extends BlobStoreException {

    /** @param container the container's location; @param name the blob */
    public BlobAlreadyExistsException(String container, String name) {
        super("Blob '" + name + "' already exists in container " + container + " and was left untouched: choose"
                + " another blob name, delete it, or set the OverwriteBlobs option on the export pipeline", null, ErrorCategory.CONFLICT);
    }
}
