package org.ocitransfer.core.blob;

import org.ocitransfer.api.ErrorCategory;

/** The blob does not exist in the container. */
public class BlobNotFoundException extends BlobStoreException {

    /** @param container the container's location; @param name the blob */
    public BlobNotFoundException(String container, String name) {
        super("Blob '" + name + "' does not exist in container " + container
                + ": check the blob name, and that the export that writes it has succeeded", null, ErrorCategory.NOT_FOUND);
    }
}
