package org.ocitransfer.api;

import java.net.URI;
import java.util.Objects;

/**
 * Where a pipeline's archives live: a storage container and how to reach it.
 *
 * @param uri        the container URI: {@code file:///path/dir}, {@code https://acct.blob.core.windows.net/c}, or
 *                   Azurite's {@code http://127.0.0.1:PORT/devstoreaccount1/c}. Never carries a SAS token.
 * @param secretUri  where the SAS token is kept ({@code https://<vault>.vault.azure.net/secrets/<name>},
 *                   {@code env:NAME}, {@code file:/path}); {@code null} in ManagedIdentity mode or when the
 *                   container needs no credential (a local directory)
 * @param accessMode how the container is reached
 */
public record StorageContainer(URI uri, String secretUri, StorageAccessMode accessMode) {

    /** The type name the transfer model gives a container. */
    public static final String TYPE = "AzureStorageBlobContainer";

    /** Validates: a URI is required; a query string (a SAS) in it is refused, since it would be stored in clear. */
    public StorageContainer {
        Objects.requireNonNull(uri, "storage container URI");
        if (uri.getRawQuery() != null) {
            throw new IllegalArgumentException("The storage container URI must not carry a query string"
                    + " (a SAS token there would be stored and shown in clear): put the SAS in a secret and pass"
                    + " its secret URI instead");
        }
        if (accessMode == null) {
            accessMode = StorageAccessMode.SasToken;
        }
        if (accessMode == StorageAccessMode.ManagedIdentity && secretUri != null) {
            throw new IllegalArgumentException("A ManagedIdentity container takes no secret URI (got one for "
                    + uri + "): drop the secret URI, or use the SasToken access mode");
        }
    }

    /** A container reached with a SAS token kept at {@code secretUri} (or with no credential when null). */
    public static StorageContainer of(URI uri, String secretUri) {
        return new StorageContainer(uri, secretUri, StorageAccessMode.SasToken);
    }

    /** A container that needs no credential, such as a local directory. */
    public static StorageContainer of(URI uri) {
        return new StorageContainer(uri, null, StorageAccessMode.SasToken);
    }

    /** A container reached with the client's token credential. */
    public static StorageContainer withManagedIdentity(URI uri) {
        return new StorageContainer(uri, null, StorageAccessMode.ManagedIdentity);
    }
}
