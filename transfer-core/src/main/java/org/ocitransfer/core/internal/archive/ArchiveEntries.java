// Entry access of an indexed archive: opens a blob's range of the source, verified as it streams.
package org.ocitransfer.core.internal.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.content.VerifyingInputStream;

/**
 * The blob entries of an indexed archive, by digest, and the reading of them: each read opens its own range of the
 * source (on its first read), checks size and sha256 as it streams, and turns a mismatch into an
 * {@link ArchiveFormatException} naming the archive and the entry. Holds no open stream, so it is thread-safe.
 * What {@link ArchiveReader}'s reads delegate to, and how {@link ManifestGraphCheck} reads the manifests it walks.
 */
final class ArchiveEntries {

    private final ArchiveSource source;
    private final Map<String, TarScanner.Entry> blobs;

    /** @param blobs the archive's {@code blobs/<alg>/<hex>} entries by digest ({@code <alg>:<hex>}) */
    ArchiveEntries(ArchiveSource source, Map<String, TarScanner.Entry> blobs) {
        this.source = source;
        this.blobs = Map.copyOf(blobs);
    }

    /** Whether the archive holds the blob. */
    boolean contains(String digest) {
        return blobs.containsKey(digest);
    }

    /** The blob's entry, or null when the archive does not hold it. */
    TarScanner.Entry find(String digest) {
        return blobs.get(digest);
    }

    /** See {@link ArchiveReader#open(Descriptor)}. */
    InputStream open(Descriptor d) {
        TarScanner.Entry e = entry(d);
        InputStream verifying = new VerifyingInputStream(new LazyRegion(source, e.dataOffset(), e.size()), d,
                "archive " + source.describe() + " entry " + e.name());
        return new FilterInputStream(verifying) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException ex) {
                    throw refusal(ex);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException ex) {
                    throw refusal(ex);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return super.skip(n);
                } catch (IOException ex) {
                    throw refusal(ex);
                }
            }

            /** A mismatch becomes an IOException caused by an ArchiveFormatException (caused by the mismatch). */
            private IOException refusal(IOException ex) {
                ContentVerificationException cve = VerifyingInputStream.verificationFailure(ex);
                if (cve == null) {
                    return ex;
                }
                return new IOException(refuse("entry '" + e.name() + "' does not match its descriptor: "
                        + cve.getMessage(), cve));
            }
        };
    }

    /** See {@link ArchiveReader#dataOffset(Descriptor)}. */
    long dataOffset(Descriptor d) {
        return entry(d).dataOffset();
    }

    /** See {@link ArchiveReader#contentSource(Descriptor)}. */
    ContentSource contentSource(Descriptor d) {
        entry(d);
        return ContentSource.reopenable(() -> open(d));
    }

    /** See {@link ArchiveReader#readManifest(Descriptor)}. */
    byte[] readManifest(Descriptor d) {
        TarScanner.Entry e = entry(d);
        if (d.size() > MediaTypes.MAX_MANIFEST_BYTES) {
            throw refuse("entry '" + e.name() + "' is " + d.size() + " bytes, over the "
                    + MediaTypes.MAX_MANIFEST_BYTES + "-byte limit for manifests", null);
        }
        try (InputStream in = open(d)) {
            return in.readAllBytes();
        } catch (IOException ex) {
            if (ex.getCause() instanceof ArchiveFormatException afe) {
                throw afe;
            }
            ContentVerificationException cve = VerifyingInputStream.verificationFailure(ex);
            throw refuse("entry '" + e.name() + "' " + (cve != null ? "does not match its descriptor: "
                    + cve.getMessage() : "cannot be read: " + ex.getMessage()), ex);
        }
    }

    private TarScanner.Entry entry(Descriptor d) {
        TarScanner.Entry e = blobs.get(d.digest());
        if (e == null) {
            throw refuse("it has no blob " + d.digest() + " (entry " + ArchivePlan.blobName(d) + ")", null);
        }
        if (e.size() != d.size()) {
            throw refuse("entry '" + e.name() + "' is " + e.size() + " bytes but the descriptor asks for "
                    + d.size(), null);
        }
        return e;
    }

    private ArchiveFormatException refuse(String why, Throwable cause) {
        return ArchiveFormatException.refused(source.describe(), why, cause);
    }

    /** A range of the source, opened on first use. */
    private static final class LazyRegion extends InputStream {
        private final ArchiveSource source;
        private final long offset;
        private final long length;
        private InputStream in;

        LazyRegion(ArchiveSource source, long offset, long length) {
            this.source = source;
            this.offset = offset;
            this.length = length;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                in = source.open(offset, length);
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in().read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
