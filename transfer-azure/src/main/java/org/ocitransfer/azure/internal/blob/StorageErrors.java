// Turns Azure SDK storage failures into messages naming the container, the likely cause and what to do.
package org.ocitransfer.azure.internal.blob;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ocitransfer.api.StorageAccessMode;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobStoreException;

/**
 * Maps storage failures (403, 404, 409, unreachable hosts, token failures) to {@link BlobStoreException}s whose
 * messages name the container and the likely cause. SDK exceptions are kept only as scrubbed copies: a SAS never
 * reaches a message or a cause.
 */
final class StorageErrors {

    private static final Pattern SERVICE_MESSAGE = Pattern.compile("<Message>([^<\\r\\n]*)");

    private final String location;
    private final StorageAccessMode mode;
    private final String secretSource;
    private final Redaction redaction;

    StorageErrors(String location, StorageAccessMode mode, String secretSource, Redaction redaction) {
        this.location = location;
        this.mode = mode;
        this.secretSource = secretSource;
        this.redaction = redaction;
    }

    Redaction redaction() {
        return redaction;
    }

    /**
     * The exception to throw for a failure of {@code operation} ("listing blobs", "reading blob 'x'").
     *
     * @param blobName the blob concerned, or null for container operations
     */
    BlobStoreException map(String operation, String blobName, RuntimeException error) {
        if (error instanceof BlobStorageException e) {
            return mapStorage(operation, blobName, e);
        }
        if (error instanceof ClientAuthenticationException) {
            return new BlobStoreException("Could not get an Entra ID token to reach storage container " + location
                    + " while " + operation + ": " + describe(error) + ". Check the TokenCredential (managed"
                    + " identity enabled and assigned, client id, tenant, or `az login` for a developer credential)",
                    redaction.scrubbedCopy(error));
        }
        return new BlobStoreException("Could not reach storage container " + location + " while " + operation + ": "
                + describe(error) + ". Check the container URI, the network, the storage account's firewall or"
                + " private endpoint, and any proxy", redaction.scrubbedCopy(error));
    }

    private BlobStoreException mapStorage(String operation, String blobName, BlobStorageException e) {
        BlobErrorCode code = e.getErrorCode();
        int status = e.getStatusCode();
        if (blobName != null && (BlobErrorCode.BLOB_NOT_FOUND.equals(code) || (status == 404 && code == null))) {
            return new BlobNotFoundException(location, blobName);
        }
        if (blobName != null && (BlobErrorCode.BLOB_ALREADY_EXISTS.equals(code)
                || (status == 412 && BlobErrorCode.CONDITION_NOT_MET.equals(code) && operation.contains("commit")))) {
            return new BlobAlreadyExistsException(location, blobName);
        }
        String cause = cause(status, code);
        String serviceSaid = serviceMessage(e);
        return new BlobStoreException("Storage container " + location + " refused " + operation + " (HTTP " + status
                + (code == null ? "" : " " + code) + (serviceSaid == null ? "" : ": " + serviceSaid) + "): " + cause,
                redaction.scrubbedCopy(e));
    }

    private String cause(int status, BlobErrorCode code) {
        boolean sas = mode == StorageAccessMode.SasToken;
        String fixSas = "issue a new SAS token for the container (sr=c with the needed permissions, spr=https, an"
                + " expiry after the transfer ends) and store it in " + secretSource;
        String rbac = "grant the identity the role \"Storage Blob Data Contributor\" (export) or \"Storage Blob"
                + " Data Reader\" (import; Contributor when the source blob is deleted after import) on the storage"
                + " account or container (role assignments take a few minutes to apply)";
        if (status == 404) {
            if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(code)) {
                return "the container does not exist: create it, or fix the container URI";
            }
            return "the container or account was not found: check the container URI (account and container name),"
                    + " and for a SAS that it was issued for this container";
        }
        if (status == 409 && code != null && code.toString().startsWith("Lease")) {
            return "the blob is leased (claimed) by another process: wait for it to finish or release the lease";
        }
        if (status == 412 && code != null && code.toString().startsWith("Lease")) {
            return "the blob is leased (claimed) by another process: wait for it to finish or release the lease";
        }
        if (status == 403 || status == 401) {
            if (BlobErrorCode.AUTHORIZATION_PERMISSION_MISMATCH.equals(code)) {
                return sas ? "the SAS token lacks the permission this operation needs: " + fixSas : rbac;
            }
            if (BlobErrorCode.AUTHORIZATION_RESOURCE_TYPE_MISMATCH.equals(code)) {
                return "the SAS token does not cover this kind of resource (an account SAS needs srt=co; a"
                        + " container-level SAS only works for its own container): " + fixSas;
            }
            if (BlobErrorCode.AUTHORIZATION_SERVICE_MISMATCH.equals(code)) {
                return "the account SAS does not include the blob service (ss=b): " + fixSas;
            }
            if (BlobErrorCode.AUTHORIZATION_PROTOCOL_MISMATCH.equals(code)) {
                return "the SAS token does not allow this protocol: use https, and a SAS with spr=https";
            }
            if (BlobErrorCode.AUTHORIZATION_SOURCE_IPMISMATCH.equals(code)) {
                return "the SAS token is limited to other client IP addresses (sip): " + fixSas;
            }
            if (BlobErrorCode.AUTHENTICATION_FAILED.equals(code)
                    || BlobErrorCode.INVALID_AUTHENTICATION_INFO.equals(code)
                    || BlobErrorCode.NO_AUTHENTICATION_INFORMATION.equals(code)) {
                return sas ? "the SAS token was not accepted: it may be expired or not yet valid, signed with a"
                        + " rotated account key, revoked (stored access policy), or malformed; " + fixSas
                        : "the identity's token was not accepted (wrong tenant or audience, or expired): check the"
                        + " TokenCredential";
            }
            if (sas) {
                return "the SAS token does not authorise it (expired, insufficient permissions, a container-level"
                        + " SAS used for another container, or an account SAS without srt=co), or the storage"
                        + " account's firewall or private endpoint blocks this network: " + fixSas
                        + ", and check the account's network rules";
            }
            return "the identity is not authorised (missing RBAC role) or the storage account's firewall or private"
                    + " endpoint blocks this network: " + rbac + ", and check the account's network rules";
        }
        if (status >= 500) {
            return "the storage service failed; retry later";
        }
        return "see the storage error code";
    }

    private String serviceMessage(BlobStorageException e) {
        Matcher m = SERVICE_MESSAGE.matcher(e.getServiceMessage() == null ? "" : e.getServiceMessage());
        return m.find() ? redaction.scrub(m.group(1).strip()) : null;
    }

    private String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = redaction.scrub(root.getMessage());
        return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
