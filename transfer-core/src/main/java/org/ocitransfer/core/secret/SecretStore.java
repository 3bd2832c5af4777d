package org.ocitransfer.core.secret;

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
}
