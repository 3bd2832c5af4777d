package org.ocitransfer.core.signing;

import org.ocitransfer.core.secret.SecretStore;

/**
 * Opens the signer an export pipeline's {@code signingKeyUri} names, for the forms it knows (e.g. Azure Key Vault
 * keys, {@code https://<vault>.vault.azure.net/keys/<name>[/<version>]}). A URI no factory supports is read as a
 * secret holding a PEM private key ({@link PemKeys#signer}).
 */
public interface CatalogSignerFactory {

    /** Whether this factory opens signers for URIs of this form. */
    boolean supports(String keyUri);

    /**
     * Opens the signer.
     *
     * @param keyUri  the pipeline's signingKeyUri
     * @param secrets the client's secret stores, for factories that need a secret
     * @throws ArchiveSignatureException naming the URI and what to do, when the key cannot be used
     */
    CatalogSigner open(String keyUri, SecretStore secrets);
}
