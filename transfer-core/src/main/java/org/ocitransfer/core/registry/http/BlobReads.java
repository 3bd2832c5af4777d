// A repository's downloads over HTTP: manifests and blobs verified as they stream, resumed blobs, ranges.
package org.ocitransfer.core.registry.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ocitransfer.core.content.BlockFilterInputStream;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;

/**
 * The reads of an {@link HttpRepository}: {@link #fetch} (every byte verified against the descriptor while it
 * streams; a blob resumes from where it broke), {@link #fetchRange} and {@link #exists}.
 */
final class BlobReads extends RepositoryPart {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    BlobReads(HttpRegistry registry, Transport transport, String name) {
        super(registry, transport, name);
    }

    InputStream fetch(Descriptor descriptor) {
        Call call = contentCall("GET", descriptor);
        Response r = t.send(call);
        if (r.status() != 200) {
            throw t.failure(r, call);
        }
        InputStream body = descriptor.isManifest() ? r.body() : new ResumingBody(r.body(), descriptor);
        return new VerifyingInputStream(body, descriptor, where());
    }

    InputStream fetchRange(Descriptor blob, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > blob.size()) {
            throw new IllegalArgumentException("Range " + offset + "+" + length + " is outside blob " + blob.digest()
                    + " of " + blob.size() + " bytes");
        }
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        long last = offset + length - 1;
        Call call = Call.of("GET", blobUri(blob.digest()), pull, "bytes " + offset + "-" + last + " of blob "
                + blob.digest() + " in repository '" + name + "'", name)
                .header("Range", "bytes=" + offset + "-" + last).allowForeignRedirects();
        Response r = t.send(call);
        try {
            if (r.status() == 206) {
                Matcher m = CONTENT_RANGE.matcher(r.header("Content-Range").orElse(""));
                if (!m.matches() || Long.parseLong(m.group(1)) != offset || Long.parseLong(m.group(2)) != last) {
                    r.close();
                    throw new RegistryException(Reason.OTHER, "The registry " + t.location + " answered "
                            + call.what() + " with another range (Content-Range: "
                            + r.header("Content-Range").orElse("none") + ")", 206, List.of(), null);
                }
                return new RangeStream(r.body(), length, call.what(), true);
            }
            if (r.status() == 200) {
                long skipped = r.body().skip(offset);
                while (skipped < offset) {
                    if (r.body().read() < 0) {
                        break;
                    }
                    skipped++;
                }
                return new RangeStream(r.body(), length, call.what(), true);
            }
            throw t.failure(r, call);
        } catch (IOException e) {
            r.close();
            throw RegistryException.fromIo("read " + call.what(), t.location, e);
        }
    }

    boolean exists(Descriptor descriptor) {
        Call call = contentCall("HEAD", descriptor);
        try (Response r = t.send(call)) {
            if (r.status() == 200) {
                return true;
            }
            if (r.status() == 404) {
                return false;
            }
            throw t.failure(r, call);
        }
    }

    private Call contentCall(String method, Descriptor d) {
        if (d.isManifest()) {
            return Call.of(method, manifestUri(d.digest()), pull, "manifest " + d.digest() + " in repository '"
                    + name + "'", name).header("Accept", accept(d));
        }
        return Call.of(method, blobUri(d.digest()), pull, "blob " + d.digest() + " in repository '" + name + "'",
                name).allowForeignRedirects();
    }

    private static String accept(Descriptor d) {
        String all = MediaTypes.acceptManifests();
        return all.contains(d.mediaType()) ? all : d.mediaType() + ", " + all;
    }

    private String where() {
        return "registry " + t.location + " repository " + name;
    }

    /** A blob's body that, when the connection breaks, goes on from where it was with a ranged GET. */
    private final class ResumingBody extends BlockFilterInputStream {
        private final Descriptor blob;
        private long position;
        private int attempt = 1;

        ResumingBody(InputStream in, Descriptor blob) {
            super(in);
            this.blob = blob;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                IOException broken;
                try {
                    int n = in.read(b, off, len);
                    if (n >= 0 || position >= blob.size()) {
                        position += Math.max(n, 0);
                        return n;
                    }
                    broken = new IOException("the body ended after " + position + " of " + blob.size() + " bytes");
                } catch (IOException e) {
                    broken = e;
                }
                if (attempt >= t.retry().maxAttempts() || Thread.currentThread().isInterrupted()) {
                    throw broken;
                }
                Transport.LOG.debug("Download of blob {} in {} broke at byte {} of {} ({}); resuming there (attempt"
                        + " {} of {})", blob.digest(), name, position, blob.size(), broken.toString(), attempt + 1,
                        t.retry().maxAttempts());
                try {
                    in.close();
                } catch (IOException e) {
                    broken.addSuppressed(e);
                }
                Transport.pause(t.retry().delayBefore(attempt++, null));
                try {
                    in = fetchRange(blob, position, blob.size() - position);
                } catch (RegistryException e) {
                    e.addSuppressed(broken);
                    throw new IOException("Could not resume the download of blob " + blob.digest() + " in repository '"
                            + name + "' at byte " + position + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
