// A blob (or a range of it) read as one streamed GET: bytes flow as the caller reads them, never collected whole.
package org.ocitransfer.azure.internal.blob;

import com.azure.storage.blob.BlobAsyncClient;
import com.azure.storage.blob.models.BlobDownloadAsyncResponse;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.DownloadRetryOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.stream.Stream;
import org.ocitransfer.core.content.BlockFilterInputStream;

/**
 * One download as an {@link InputStream}: a single GET, sent when the stream is made (so a missing blob or a refused
 * SAS fails there, as the store's {@code read} promises), whose body is consumed as it arrives, with at most
 * {@value #PREFETCH} buffers (copies of the transport's chunks, some KiB each) waiting, so memory stays flat however large the
 * range and however many are read at once (a parallel import reads a blob region per worker). A connection dropped
 * mid-body is resumed from where it stopped (the SDK's download retries). Failures while reading surface as runtime
 * exceptions, which the store's scrubbing stream turns into IOExceptions without the SAS.
 */
final class StreamingDownload extends BlockFilterInputStream {

    /** How many body chunks may wait for the reader. */
    static final int PREFETCH = 4;
    private static final int RETRIES = 5;

    private final Stream<ByteBuffer> chunks;
    private final Iterator<ByteBuffer> iterator;
    private ByteBuffer current;
    private boolean closed;

    /** Sends the GET and waits for its response headers. @throws RuntimeException the SDK's, when it fails */
    StreamingDownload(BlobAsyncClient blob, BlobRange range) {
        super(null);
        BlobDownloadAsyncResponse response = blob.downloadStreamWithResponse(range,
                new DownloadRetryOptions().setMaxRetryRequests(RETRIES), null, false).block();
        if (response == null) {
            throw new IllegalStateException("The download of blob '" + blob.getBlobName() + "' gave no response");
        }
        // The transport may reuse a chunk's memory once it has been handed on: keep a copy of each.
        this.chunks = response.getValue().map(StreamingDownload::copy).toStream(PREFETCH);
        this.iterator = chunks.iterator();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("The download is closed");
        }
        if (len == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (!iterator.hasNext()) {
                return -1;
            }
            current = iterator.next();
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    private static ByteBuffer copy(ByteBuffer chunk) {
        ByteBuffer copy = ByteBuffer.allocate(chunk.remaining());
        copy.put(chunk).flip();
        return copy;
    }

    /** Cancels the download if it has not ended. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            chunks.close();
        }
    }
}
