package org.ocitransfer.core.blob.local;

import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreFactory;
import org.ocitransfer.core.secret.SecretStore;

/** Opens {@code file:///path/dir} containers. A secret URI is not needed (and not read) for a local directory. */
public final class LocalDirectoryBlobStoreFactory implements BlobStoreFactory {

    @Override
    public boolean supports(StorageContainer container) {
        return "file".equals(container.uri().getScheme());
    }

    @Override
    public BlobStore open(StorageContainer container, SecretStore secrets) {
        return LocalDirectoryBlobStore.open(container.uri());
    }
}
