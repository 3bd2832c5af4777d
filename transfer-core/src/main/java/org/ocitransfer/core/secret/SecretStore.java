package org.ocitransfer.core.secret;

import org.ocitransfer.api.PipelineIdentity;

/**
 * Resolves a secret URI to its value. Built in: {@code env:NAME}, {@code file:/path}, in-memory; the Azure module
 * adds Key Vault ({@code https://<vault>.vault.azure.net/secrets/<name>}). A value never appears in a log line,
 * exception message or run record.
 */
public interface SecretStore {

    /** Whether this store resolves URIs of this form. */
    boolean supports(String secretUri);

    /**
     * The secret's value.
     *
     * @throws SecretException naming the URI (never the value) and what to do
     */
    Secret get(String secretUri);

    /**
     * This store reading secrets as a pipeline's identity ({@link org.ocitransfer.api.ExportPipeline#identity()},
     * {@link org.ocitransfer.api.ImportPipeline#identity()}): the client opens each pipeline's container with
     * {@code secrets.forIdentity(pipeline.identity())}. A store whose secrets are reached with an identity (Key
     * Vault) returns a store that authenticates as that identity and keeps its own cache, or one that refuses to read
     * when it cannot act as it; the default, for stores that need no identity ({@code env:}, {@code file:}), is this
     * store.
     *
     * @param identity the pipeline's identity; null: the store's default credential (this store)
     */
    default SecretStore forIdentity(PipelineIdentity identity) {
        return this;
    }
}
