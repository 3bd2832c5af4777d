// The reads of an AzureBlobStore: a small range in one GET, anything larger streamed, failures scrubbed of the SAS.
package org.ocitransfer.azure.internal.blob;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.content.BlockFilterInputStream;

/**
 * Opens a blob, whole or a range of it. A range up to {@value #SMALL_RANGE} bytes (archive headers, manifests) is
 * fetched in one GET and held in memory; anything larger streams ({@link StreamingDownload}). A failure while
 * opening or reading reaches the caller as the store's error, with no SAS in its message or causes.
 */
final class BlobDownloads {

    /** Ranges up to this size are fetched in one request and held in memory; larger ones stream. */
    private static final long SMALL_RANGE = 4L << 20;

    private final BlobContainerClient container;
    private final BlobContainerAsyncClient asyncContainer;
    private final StorageErrors errors;

    BlobDownloads(BlobContainerClient container, BlobContainerAsyncClient asyncContainer, StorageErrors errors) {
        this.container = container;
        this.asyncContainer = asyncContainer;
        this.errors = errors;
    }

    /** The blob's bytes, or those of {@code range} (null: the whole blob). */
    InputStream open(String name, BlobRange range) {
        String operation = "reading blob '" + name + "'";
        try {
            if (range != null && range.getCount() != null && range.getCount() <= SMALL_RANGE) {
                // One GET for a small range (archive headers, manifests): no properties request first.
                ByteArrayOutputStream out = new ByteArrayOutputStream((int) (long) range.getCount());
                container.getBlobClient(name).downloadStreamWithResponse(out, range, null, null, false, null,
                        Context.NONE);
                return new ByteArrayInputStream(out.toByteArray());
            }
            return new ScrubbingInputStream(new StreamingDownload(asyncContainer.getBlobAsyncClient(name), range),
                    operation);
        } catch (RuntimeException e) {
            throw errors.map(operation, name, e);
        }
    }

    /** Rewrites read failures so their messages and causes carry no SAS (a byte or a skip reads through here too). */
    private final class ScrubbingInputStream extends BlockFilterInputStream {
        private final String operation;

        ScrubbingInputStream(InputStream in, String operation) {
            super(in);
            this.operation = operation;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw scrubbed(e);
            }
        }

        private IOException scrubbed(Exception e) {
            Throwable storage = e;
            while (storage != null && !(storage instanceof BlobStorageException)) {
                storage = storage.getCause();
            }
            BlobStoreException mapped = storage != null
                    ? errors.map(operation, null, (BlobStorageException) storage)
                    : errors.map(operation, null, new IllegalStateException(errors.redaction().scrub(e.toString())));
            return new IOException(mapped.getMessage(), mapped);
        }
    }
}
