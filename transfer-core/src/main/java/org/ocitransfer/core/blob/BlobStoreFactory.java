package org.ocitransfer.core.blob;

import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.core.secret.SecretStore;

/** Opens the blob store of a pipeline's container. The client asks each factory in turn. */
public interface BlobStoreFactory {

    /** Whether this factory opens containers of this kind (by URI and access mode). */
    boolean supports(StorageContainer container);

    /**
     * Checks a container this factory supports when a pipeline is created, before anything runs: the form of its URI
     * (an Azure container name, a local path) and, where that costs nothing, that it exists. The default checks
     * nothing; {@link #open} checks again at run time.
     *
     * @throws IllegalArgumentException naming the container, what is wrong and what to do
     */
    default void validate(StorageContainer container) {
    }

    /**
     * Opens it; the SAS token, when the container has a secret URI, is read through {@code secrets}.
     * The caller closes it.
     */
    BlobStore open(StorageContainer container, SecretStore secrets);

    /**
     * This factory opening containers as a pipeline's identity: the client opens a pipeline's container with
     * {@code factory.forIdentity(pipeline.identity()).open(container, secrets.forIdentity(pipeline.identity()))}.
     * A factory whose containers are reached with an identity (Azure storage in ManagedIdentity mode) returns one that
     * authenticates as that identity, or one that refuses to open when it cannot act as it; the default, for
     * containers that need no identity (local directories), is this factory.
     *
     * @param identity the pipeline's identity; null: the factory's default credential (this factory)
     */
    default BlobStoreFactory forIdentity(PipelineIdentity identity) {
        return this;
    }
}
