package org.ocitransfer.core.blob.local;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreFactory;
import org.ocitransfer.core.secret.SecretStore;

/**
 * Opens {@code file:///path/dir} containers, which must exist (checked at pipeline creation and at each run). A
 * secret URI is not needed (and not read) for a local directory.
 */
public final class LocalDirectoryBlobStoreFactory implements BlobStoreFactory {

    @Override
    public boolean supports(StorageContainer container) {
        return "file".equals(container.uri().getScheme());
    }

    /** The URI must name an absolute local path, and the directory must exist (it is not created). */
    @Override
    public void validate(StorageContainer container) {
        Path path;
        try {
            path = Path.of(container.uri());
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new IllegalArgumentException("Invalid local container URI '" + container.uri() + "': "
                    + e.getMessage() + "; write file:///absolute/path/dir");
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("Storage container " + container.uri() + " does not exist"
                    + (Files.exists(path) ? " as a directory (it is a file)" : "") + "; create it first (mkdir -p "
                    + path + ")");
        }
    }

    @Override
    public BlobStore open(StorageContainer container, SecretStore secrets) {
        return LocalDirectoryBlobStore.open(container.uri());
    }
}
