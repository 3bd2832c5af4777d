// An upload into a local directory container: a hidden file written by streaming, moved into place on commit.
package org.ocitransfer.core.blob.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.UploadOptions;

/**
 * A {@link LocalDirectoryBlobStore} upload: the blob is written to a hidden file under {@code .uploads/} and, on
 * commit, moved into place with its metadata ({@link LocalFiles#commitFile}), so readers never see a partial blob;
 * closed uncommitted, the file is removed.
 */
final class LocalUpload implements BlobUpload {
    private final LocalFiles files;
    private final String name;
    private final Path target;
    private final Path temp;
    private final OutputStream out;
    private final UploadOptions options;
    private boolean committed;

    LocalUpload(LocalFiles files, String name, Path target, Path temp, OutputStream out, UploadOptions options) {
        this.files = files;
        this.name = name;
        this.target = target;
        this.temp = temp;
        this.out = out;
        this.options = options;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public void commit() {
        try {
            out.close();
            files.commitFile(name, target, temp, options);
            committed = true;
        } catch (IOException e) {
            throw files.cannotCommit(name, e);
        }
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            throw LocalFiles.cannotDiscard(name, temp, e);
        } finally {
            files.discard(name, temp);
        }
    }
}
