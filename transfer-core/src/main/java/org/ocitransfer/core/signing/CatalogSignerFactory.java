package org.ocitransfer.core.signing;

import org.ocitransfer.api.PipelineIdentity;
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

    /**
     * This factory signing as an export pipeline's identity: the client opens a pipeline's signer with
     * {@code factory.forIdentity(pipeline.identity()).open(keyUri, secrets.forIdentity(pipeline.identity()))}, as it
     * opens the pipeline's container. A factory whose keys are reached with an identity (Key Vault) returns one that
     * authenticates as that identity, or one that refuses to sign when it cannot act as it; the default, for keys that
     * need no identity, is this factory.
     *
     * @param identity the pipeline's identity; null: the factory's default credential (this factory)
     */
    default CatalogSignerFactory forIdentity(PipelineIdentity identity) {
        return this;
    }
}
