// The optional ability of a blob store to have its storage service copy a blob in from another store.
package org.ocitransfer.azure.copy;

import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobStore;

/**
 * A blob store whose service can copy a blob in from another store without the bytes passing through this process.
 * {@link BlobCopier} discovers it at run time and falls back to streaming when it is absent or unavailable.
 */
public interface ServerSideCopy {

    /** Whether this store's service can reach and be authorised to read blobs of {@code source}. */
    boolean canCopyFrom(BlobStore source);

    /**
     * Copies {@code sourceItem} of {@code source} into this store as {@code targetName}, with the source's metadata.
     * Without {@code overwrite} an existing target is refused and left untouched. On return the copy has completed
     * (the caller verifies it).
     *
     * @return how it was copied
     * @throws ServerSideCopyUnavailableException when the service cannot read the source after all (nothing was
     *                                            written; the caller may stream instead)
     * @throws org.ocitransfer.core.blob.BlobAlreadyExistsException when the target exists and overwrite is off
     */
    CopyMethod copyFrom(BlobStore source, BlobItem sourceItem, String targetName, boolean overwrite,
                        CopyProgressListener progress);
}
