// Server-side copies into a container: one synchronous Copy Blob From URL call, or a started copy that is polled.
package org.ocitransfer.azure.internal.blob;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpAuthorization;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobCopyFromUrlOptions;
import java.time.Duration;
import org.ocitransfer.azure.copy.CopyMethod;
import org.ocitransfer.azure.copy.CopyProgressListener;
import org.ocitransfer.azure.copy.ServerSideCopyUnavailableException;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-side copies of an {@link AzureBlobStore} (its {@code ServerSideCopy}) from another: blobs up to the
 * synchronous limit in one Copy Blob From URL call (a source without SAS authorised by the source store's bearer
 * token), larger ones started and polled until the service is done. The source's SAS never appears in messages.
 */
final class BlobServerCopy {

    private static final Logger LOG = LoggerFactory.getLogger(BlobServerCopy.class);

    private final AzureBlobStore target;
    private final long syncCopyLimit;
    private final Duration copyPollInterval;

    BlobServerCopy(AzureBlobStore target, long syncCopyLimit, Duration copyPollInterval) {
        this.target = target;
        this.syncCopyLimit = syncCopyLimit;
        this.copyPollInterval = copyPollInterval;
    }

    boolean canCopyFrom(BlobStore source) {
        if (!(source instanceof AzureBlobStore s)) {
            return false;
        }
        // A service on this machine (Azurite) can only copy from itself; a public account can reach public ones.
        AzureContainerUri where = target.where();
        boolean reachable = where.loopback() || s.where().loopback()
                ? where.authority().equalsIgnoreCase(s.where().authority())
                : true;
        return reachable && (s.sas() != null || s.credential() != null);
    }

    CopyMethod copyFrom(BlobStore source, BlobItem sourceItem, String targetName, boolean overwrite,
                        CopyProgressListener progress) {
        if (!canCopyFrom(source)) {
            throw new IllegalArgumentException("Storage container " + target.location() + " cannot copy server-side"
                    + " from " + source.location() + ": use BlobCopier, which streams instead");
        }
        AzureBlobStore s = (AzureBlobStore) source;
        Redaction redaction = target.errors().redaction().with(s.errors().redaction());
        StorageErrors copyErrors = new StorageErrors(target.location(), target.accessMode(), target.secretSource(),
                redaction);
        BlobClient blob = target.containerClient().getBlobClient(targetName);
        String sourceUrl = s.containerClient().getBlobClient(sourceItem.name()).getBlobUrl();
        String authorisedSourceUrl = s.sas() == null ? sourceUrl : sourceUrl + "?" + s.sas().token().reveal();
        BlobRequestConditions destination = target.leaseConditions(targetName);
        if (!overwrite) {
            destination.setIfNoneMatch("*");
        }
        String operation = "copying blob '" + sourceItem.name() + "' from " + s.location() + " into blob '"
                + targetName + "'";
        boolean sync = sourceItem.size() <= syncCopyLimit;
        if (!sync && s.sas() == null) {
            throw new ServerSideCopyUnavailableException("A server-side copy of " + sourceItem.size() + " bytes from "
                    + s.location() + " needs a SAS for the source (an identity's token only authorises copies of"
                    + " up to " + syncCopyLimit + " bytes)", null);
        }
        try {
            if (sync) {
                BlobCopyFromUrlOptions options = new BlobCopyFromUrlOptions(authorisedSourceUrl)
                        .setMetadata(sourceItem.metadata()).setDestinationRequestConditions(destination);
                if (s.sas() == null) {
                    options.setSourceAuthorization(new HttpAuthorization("Bearer", bearerToken(s.credential())));
                }
                blob.copyFromUrlWithResponse(options, null, Context.NONE);
                progress.onProgress(sourceItem.size(), sourceItem.size());
                return CopyMethod.SERVER_SIDE_SYNC;
            }
            blob.beginCopy(new BlobBeginCopyOptions(authorisedSourceUrl).setMetadata(sourceItem.metadata())
                    .setDestinationRequestConditions(destination).setPollInterval(copyPollInterval));
            awaitCopy(blob, targetName, sourceItem.size(), overwrite, progress, copyErrors);
            return CopyMethod.SERVER_SIDE_ASYNC;
        } catch (BlobStorageException e) {
            if (BlobErrorCode.CANNOT_VERIFY_COPY_SOURCE.equals(e.getErrorCode())) {
                throw new ServerSideCopyUnavailableException("The storage service of " + target.location()
                        + " could not read the copy source " + sourceUrl + " (HTTP " + e.getStatusCode() + " "
                        + e.getErrorCode() + ")", redaction.scrubbedCopy(e));
            }
            throw copyErrors.map(operation, targetName, e);
        } catch (BlobStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw copyErrors.map(operation, targetName, e);
        }
    }

    private void awaitCopy(BlobClient blob, String targetName, long size, boolean overwrite,
                           CopyProgressListener progress, StorageErrors copyErrors) {
        while (true) {
            BlobProperties p = blob.getProperties();
            CopyStatusType status = p.getCopyStatus();
            if (status == null || CopyStatusType.SUCCESS.equals(status)) {
                progress.onProgress(size, size);
                return;
            }
            if (!CopyStatusType.PENDING.equals(status)) {
                String why = copyErrors.redaction().scrub(p.getCopyStatusDescription());
                if (!overwrite) {
                    blob.deleteIfExists();
                }
                throw new BlobStoreException("The server-side copy into blob '" + targetName + "' of "
                        + target.location() + " ended " + status + (why == null ? "" : " (" + why + ")")
                        + (overwrite ? "" : "; the partial target was deleted") + ": retry the copy");
            }
            progress.onProgress(copied(p.getCopyProgress()), size);
            try {
                Thread.sleep(copyPollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                blob.abortCopyFromUrl(p.getCopyId());
                throw new BlobStoreException("Interrupted while the storage service copied blob '" + targetName
                        + "' into " + target.location() + ": the copy was aborted");
            }
        }
    }

    private static long copied(String copyProgress) {
        if (copyProgress == null || !copyProgress.contains("/")) {
            return 0;
        }
        try {
            return Long.parseLong(copyProgress.substring(0, copyProgress.indexOf('/')));
        } catch (NumberFormatException e) {
            LOG.debug("Unreadable copy progress '{}'", copyProgress);
            return 0;
        }
    }

    private static String bearerToken(TokenCredential credential) {
        return credential.getTokenSync(new TokenRequestContext().addScopes(AzureBlobStore.STORAGE_SCOPE)).getToken();
    }
}
