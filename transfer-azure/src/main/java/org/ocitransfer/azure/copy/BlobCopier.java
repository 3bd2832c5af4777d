// Copies an archive blob between two containers (server-side when the stores allow it, streamed otherwise), verified.
package org.ocitransfer.azure.copy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.PartSet;
import org.ocitransfer.core.blob.UploadOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one blob between two {@link BlobStore}s: the step between an export and an import in another container.
 * When the target is a {@link ServerSideCopy} store that can reach the source (two Azure containers), the storage
 * service copies it; otherwise (or when the service cannot read the source) the bytes stream through this process
 * with bounded memory. Either way the target gets the source's metadata, and is verified afterwards: its size and
 * its {@value #CATALOG_DIGEST_KEY} metadata must equal the source's, or the target is deleted and the copy fails.
 * Without overwrite, an existing target is refused and left untouched. A source name with no blob but a part set
 * ({@code NAME.001}, ... see {@link PartSet}) copies the set, part by part, each verified so.
 */
public final class BlobCopier {

    /** The metadata key of the archive's catalog digest, compared after a copy. */
    public static final String CATALOG_DIGEST_KEY = "catalogdigest";

    private static final Logger LOG = LoggerFactory.getLogger(BlobCopier.class);
    private static final int BUFFER = 1 << 20;

    private final CopyProgressListener progress;
    private final boolean serverSide;

    private BlobCopier(Builder builder) {
        this.progress = builder.progress;
        this.serverSide = builder.serverSide;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A copier with no progress listener that copies server-side when it can. */
    public static BlobCopier create() {
        return builder().build();
    }

    /**
     * Copies {@code sourceName} of {@code source} to {@code targetName} of {@code target}.
     *
     * @param overwrite replace an existing target blob; otherwise an existing one is refused, untouched
     * @return what was copied and how
     * @throws BlobNotFoundException      when the source blob does not exist
     * @throws BlobAlreadyExistsException when the target exists and overwrite is off
     * @throws BlobStoreException         when the copy or its verification fails (a failed target is deleted)
     */
    public CopyResult copy(BlobStore source, String sourceName, BlobStore target, String targetName,
                           boolean overwrite) {
        Optional<BlobItem> blob = source.properties(sourceName);
        if (blob.isEmpty()) {
            PartSet parts = PartSet.find(source, sourceName)
                    .orElseThrow(() -> new BlobNotFoundException(source.location(), sourceName));
            return copyParts(source, parts, target, targetName, overwrite);
        }
        BlobItem item = blob.get();
        if (!overwrite && target.properties(targetName).isPresent()) {
            throw new BlobAlreadyExistsException(target.location(), targetName);
        }
        CopyMethod method = copyOne(source, item, target, targetName, overwrite, progress);
        String digest = verify(source, item, target, targetName);
        LOG.info("Copied blob '{}' ({} bytes) from {} to {} as '{}' ({}), verified", sourceName, item.size(),
                source.location(), target.location(), targetName, method);
        return new CopyResult(source.blobUri(sourceName), target.blobUri(targetName), item.size(), digest, method);
    }

    /**
     * Copies a part set {@code NAME.001}, {@code NAME.002}, ... as the set {@code targetName.001}, ...: every part
     * checked present and whole first, then each copied and verified as a blob is, the first part last (a source
     * trigger on the target imports the set once its first part says it is whole). If a part fails, the parts
     * already copied are deleted: a set counts only whole.
     */
    private CopyResult copyParts(BlobStore source, PartSet parts, BlobStore target, String targetName,
                                 boolean overwrite) {
        parts.requireWhole(source);
        PartSet copy = new PartSet(targetName, parts.count(), parts.partSize(), parts.archiveSize());
        if (!overwrite && target.properties(copy.partName(1)).isPresent()) {
            throw new BlobAlreadyExistsException(target.location(), copy.partName(1));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 2; i <= parts.count(); i++) {
            order.add(i);
        }
        order.add(1);
        List<String> copied = new ArrayList<>();
        CopyMethod method = null;
        String digest = null;
        long done = 0;
        try {
            for (int i : order) {
                BlobItem item = source.properties(parts.partName(i))
                        .orElseThrow(() -> new BlobNotFoundException(source.location(), parts.partName(i)));
                long before = done;
                CopyMethod used = copyOne(source, item, target, copy.partName(i), overwrite,
                        (bytes, total) -> progress.onProgress(before + bytes, parts.archiveSize()));
                digest = verify(source, item, target, copy.partName(i));
                copied.add(copy.partName(i));
                method = used; // the first part's, copied last
                done += item.size();
            }
        } catch (RuntimeException e) {
            copied.forEach(name -> deleteQuietly(target, name));
            throw e;
        }
        LOG.info("Copied part set '{}' ({} parts, {} bytes) from {} to {} as '{}' ({}), verified", parts.name(),
                parts.count(), parts.archiveSize(), source.location(), target.location(), targetName, method);
        return new CopyResult(source.blobUri(parts.name()), target.blobUri(targetName), parts.archiveSize(), digest,
                method);
    }

    private CopyMethod copyOne(BlobStore source, BlobItem item, BlobStore target, String targetName,
                               boolean overwrite, CopyProgressListener listener) {
        CopyMethod method = null;
        if (serverSide && target instanceof ServerSideCopy copier && copier.canCopyFrom(source)) {
            try {
                method = copier.copyFrom(source, item, targetName, overwrite, listener);
            } catch (ServerSideCopyUnavailableException e) {
                LOG.warn("Server-side copy into {} is unavailable ({}): streaming the blob through this process",
                        target.location(), e.getMessage());
            }
        }
        if (method == null) {
            stream(source, item, target, targetName, overwrite, listener);
            method = CopyMethod.STREAMED;
        }
        return method;
    }

    private static void stream(BlobStore source, BlobItem item, BlobStore target, String targetName,
                               boolean overwrite, CopyProgressListener listener) {
        UploadOptions options = new UploadOptions(overwrite, item.metadata(), item.size());
        try (BlobUpload upload = target.upload(targetName, options);
             InputStream in = source.read(item.name())) {
            OutputStream out = upload.output();
            byte[] buffer = new byte[BUFFER];
            long copied = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                copied += n;
                listener.onProgress(copied, item.size());
            }
            if (copied != item.size()) {
                throw new BlobStoreException("Blob '" + item.name() + "' of " + source.location() + " ended after "
                        + copied + " of its " + item.size() + " bytes (it changed while being copied?): nothing"
                        + " was written to " + target.location() + "; retry the copy");
            }
            upload.commit();
        } catch (IOException e) {
            throw new BlobStoreException("Streaming blob '" + item.name() + "' from " + source.location() + " to "
                    + target.location() + " failed: " + e.getMessage() + "; nothing was written to the target", e);
        }
    }

    private String verify(BlobStore source, BlobItem item, BlobStore target, String targetName) {
        Optional<BlobItem> copied = target.properties(targetName);
        String expectedDigest = item.metadata().get(CATALOG_DIGEST_KEY);
        String problem = null;
        if (copied.isEmpty()) {
            problem = "the target blob is missing after the copy";
        } else if (copied.get().size() != item.size()) {
            problem = "the target has " + copied.get().size() + " bytes, the source " + item.size();
        } else if (!Objects.equals(expectedDigest, copied.get().metadata().get(CATALOG_DIGEST_KEY))) {
            problem = "the target's " + CATALOG_DIGEST_KEY + " metadata is "
                    + copied.get().metadata().get(CATALOG_DIGEST_KEY) + ", the source's " + expectedDigest;
        }
        if (problem != null) {
            deleteQuietly(target, targetName);
            throw new BlobStoreException("The copy of blob '" + item.name() + "' from " + source.location() + " to "
                    + target.location() + " as '" + targetName + "' failed verification: " + problem
                    + "; the target blob was deleted. Retry the copy");
        }
        if (expectedDigest == null) {
            LOG.info("Blob '{}' of {} has no {} metadata: its copy was verified by size only", item.name(),
                    source.location(), CATALOG_DIGEST_KEY);
        }
        return expectedDigest;
    }

    private static void deleteQuietly(BlobStore target, String name) {
        try {
            target.delete(name);
        } catch (BlobStoreException e) {
            LOG.warn("Could not delete the unverified copy '{}' in {}: {}", name, target.location(), e.getMessage());
        }
    }

    /** Builds a {@link BlobCopier}. */
    public static final class Builder {
        private CopyProgressListener progress = CopyProgressListener.NONE;
        private boolean serverSide = true;

        private Builder() {
        }

        /** Receives progress (bytes copied, total). */
        public Builder progress(CopyProgressListener listener) {
            this.progress = Objects.requireNonNull(listener, "progress listener");
            return this;
        }

        /** Whether to let the storage service copy when it can (default true); false always streams. */
        public Builder serverSide(boolean allowed) {
            this.serverSide = allowed;
            return this;
        }

        /** The copier. */
        public BlobCopier build() {
            return new BlobCopier(this);
        }
    }
}
