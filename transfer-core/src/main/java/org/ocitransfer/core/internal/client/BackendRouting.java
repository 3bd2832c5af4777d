package org.ocitransfer.core.internal.client;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreFactory;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryFactory;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.secret.SecretStore;
import org.ocitransfer.core.signing.CatalogSigner;
import org.ocitransfer.core.signing.CatalogSignerFactory;
import org.ocitransfer.core.signing.PemKeys;

/**
 * Routes a pipeline's registry URI and storage container to the client that opens them (the registries given by
 * URI, then the registry factories; the blob store factories and signer factories, with the client's secrets, all as
 * the pipeline's identity), and checks that they can be opened at all.
 */
final class BackendRouting {

    private final List<RegistryFactory> registryFactories;
    private final Map<String, Registry> registries;
    private final List<BlobStoreFactory> blobStoreFactories;
    private final SecretStore secrets;
    private final List<CatalogSignerFactory> signerFactories;

    BackendRouting(List<RegistryFactory> registryFactories, Map<String, Registry> registries,
                   List<BlobStoreFactory> blobStoreFactories, SecretStore secrets,
                   List<CatalogSignerFactory> signerFactories) {
        this.registryFactories = List.copyOf(registryFactories);
        this.registries = registries;
        this.blobStoreFactories = List.copyOf(blobStoreFactories);
        this.secrets = secrets;
        this.signerFactories = List.copyOf(signerFactories);
    }

    /**
     * The signer of an export pipeline's signingKeyUri (null: none): the first signer factory that supports it, else
     * a PEM private key read from the client's secrets, both acting as the pipeline's identity (null: the default
     * credential).
     */
    CatalogSigner signer(String signingKeyUri, PipelineIdentity identity) {
        if (signingKeyUri == null) {
            return null;
        }
        for (CatalogSignerFactory factory : signerFactories) {
            if (factory.supports(signingKeyUri)) {
                return factory.forIdentity(identity).open(signingKeyUri, secrets.forIdentity(identity));
            }
        }
        return PemKeys.signer(signingKeyUri, secrets.forIdentity(identity));
    }

    /**
     * Checks that a signing key URI (null: none) has a form some signer factory or secret store reads; the key itself
     * is read when a run signs.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    void checkSigningKey(String signingKeyUri) {
        if (signingKeyUri != null && !secrets.supports(signingKeyUri)
                && signerFactories.stream().noneMatch(f -> f.supports(signingKeyUri))) {
            throw new IllegalArgumentException("No secret store or signer reads the signing key '" + signingKeyUri
                    + "': use a secret holding a PEM private key (file:/path, env:NAME, or with the Azure module"
                    + " https://<vault>.vault.azure.net/secrets/<name>) or, with the Azure module, a Key Vault key"
                    + " https://<vault>.vault.azure.net/keys/<name>[/<version>]");
        }
    }

    /** An import pipeline's verify keys (files or secrets holding PEM public keys), read now. */
    List<PublicKey> verifyKeys(List<String> fileOrSecret) {
        return PemKeys.publicKeys(fileOrSecret, secrets);
    }

    /**
     * Checks that some client opens the registry and the container (and that the container's form is valid).
     *
     * @throws IllegalArgumentException naming the forms that are opened, when one is not
     */
    void checkReachable(String registryUri, StorageContainer container) {
        if (!registries.containsKey(registryUri) && registryFactories.stream().noneMatch(f -> f.supports(registryUri))) {
            throw new IllegalArgumentException("No registry client opens '" + registryUri + "': use https://host[:port],"
                    + " http://host:port (plain HTTP) or oci-layout:/path");
        }
        blobFactory(container).validate(container);
    }

    /**
     * Opens a pipeline's container with its factory and the client's secrets, both acting as the pipeline's identity
     * (null: the default credential); the caller closes it.
     */
    BlobStore openContainer(StorageContainer container, PipelineIdentity identity) {
        return blobFactory(container).forIdentity(identity).open(container, secrets.forIdentity(identity));
    }

    /**
     * Opens a registry; the caller closes it. A registry given by URI is wrapped, so closing the wrapper leaves the
     * given instance open for the next run.
     */
    Registry openRegistry(String uri) {
        Registry fixed = registries.get(uri);
        if (fixed != null) {
            return new Registry() {
                @Override
                public Repository repository(String name) {
                    return fixed.repository(name);
                }

                @Override
                public String location() {
                    return fixed.location();
                }
            };
        }
        for (RegistryFactory factory : registryFactories) {
            if (factory.supports(uri)) {
                return factory.open(uri);
            }
        }
        throw new IllegalArgumentException("No registry client opens '" + uri + "'");
    }

    private BlobStoreFactory blobFactory(StorageContainer container) {
        return blobStoreFactories.stream().filter(f -> f.supports(container)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No storage client opens container '"
                        + container.uri() + "': use file:///path/dir, https://<account>.blob.core.windows.net/"
                        + "<container> (with the Azure module) or Azurite's http://127.0.0.1:PORT/devstoreaccount1/"
                        + "<container>"));
    }
}
