// Signs archives' catalogDigest with an Azure Key Vault key (ES256): the private key never leaves the vault.
package org.ocitransfer.azure.keyvault;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClientBuilder;
import com.azure.security.keyvault.keys.cryptography.models.SignatureAlgorithm;
import com.azure.security.keyvault.keys.models.JsonWebKey;
import com.azure.security.keyvault.keys.models.KeyCurveName;
import com.azure.security.keyvault.keys.models.KeyOperation;
import com.azure.security.keyvault.keys.models.KeyType;
import com.azure.security.keyvault.keys.models.KeyVaultKey;
import java.security.PublicKey;
import java.util.Locale;
import java.util.Set;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.azure.identity.PipelineCredentials;
import org.ocitransfer.azure.internal.blob.Redaction;
import org.ocitransfer.azure.internal.identity.Identities;
import org.ocitransfer.azure.internal.http.JdkAzureHttpClient;
import org.ocitransfer.core.secret.SecretStore;
import org.ocitransfer.core.signing.ArchiveSignatureException;
import org.ocitransfer.core.signing.CatalogSignatures;
import org.ocitransfer.core.signing.CatalogSigner;
import org.ocitransfer.core.signing.CatalogSignerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens signers for Azure Key Vault keys, {@code https://<vault>.vault.azure.net/keys/<name>[/<version>]} (the
 * sovereign clouds' vault hosts too, plus hosts named in the builder): an export pipeline whose signingKeyUri names
 * one has its archives' catalogDigest signed by the vault with ES256 through the SDK's {@link CryptographyClient}; the
 * private key never leaves the vault. The key must be an EC P-256 key ({@code EC} or {@code EC-HSM}) permitting
 * {@code sign}; the identity needs the {@code sign} and {@code get} key permissions (role "Key Vault Crypto User").
 * The vault's r||s signature is stored in DER (see {@link CatalogSignatures}), so openssl verifies it with the key's
 * public key ({@code az keyvault key download --encoding PEM}). Build it with the vault settings of the secret store:
 * {@code KeyVaultSecretStore.builder(credential).buildKeySigner()}. {@link #forIdentity} gives the factory an export
 * pipeline with an identity signs through: the credential the builder's
 * {@link KeyVaultSecretStore.Builder#identityCredentials PipelineCredentials} give for that identity, as its secrets
 * are read; a refusal names the identity.
 */
public final class KeyVaultKeySigner implements CatalogSignerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(KeyVaultKeySigner.class);

    private final TokenCredential credential;
    private final PipelineCredentials identities;
    private final PipelineIdentity identity;
    private final HttpClient httpClient;
    private final boolean verifyChallengeResource;
    private final Set<String> extraHosts;

    /**
     * Built by {@link KeyVaultSecretStore.Builder#buildKeySigner()}: the same credential, pipeline credentials, HTTP
     * client and hosts.
     *
     * @param credential null only for a pipeline identity the pipeline credentials cannot act as (none given)
     * @param identity   the pipeline identity {@code credential} acts as; null: the default credential
     */
    KeyVaultKeySigner(TokenCredential credential, PipelineCredentials identities, PipelineIdentity identity,
                      HttpClient httpClient, boolean verifyChallengeResource, Set<String> extraHosts) {
        this.credential = credential;
        this.identities = identities;
        this.identity = identity;
        this.httpClient = httpClient;
        this.verifyChallengeResource = verifyChallengeResource;
        this.extraHosts = Set.copyOf(extraHosts);
    }

    /**
     * This factory signing as the pipeline's identity, with the credential the builder's
     * {@link KeyVaultSecretStore.Builder#identityCredentials PipelineCredentials} give for it. Without
     * PipelineCredentials, opening a signer for a pipeline with an identity fails saying so, rather than signing with
     * the default credential.
     *
     * @param pipelineIdentity null: this factory (the default credential)
     */
    @Override
    public CatalogSignerFactory forIdentity(PipelineIdentity pipelineIdentity) {
        if (pipelineIdentity == null || pipelineIdentity.equals(identity)) {
            return this;
        }
        return new KeyVaultKeySigner(identities == null ? null : identities.credential(pipelineIdentity),
                identities, pipelineIdentity, httpClient, verifyChallengeResource, extraHosts);
    }

    @Override
    public boolean supports(String keyUri) {
        if (keyUri == null || !KeyVaultSecretUri.hasPath(keyUri, "keys")) {
            return false;
        }
        return KeyVaultSecretUri.knownVaultHost(keyUri)
                || extraHosts.contains(java.net.URI.create(keyUri).getRawAuthority().toLowerCase(Locale.ROOT));
    }

    /**
     * Reads the key (its public part) and checks it can sign ES256; the returned signer asks the vault for each
     * signature and checks it against the public key before handing it on.
     *
     * @throws ArchiveSignatureException naming the vault and key, when the key is absent, of another kind, or the
     *                                   identity may not use it
     */
    @Override
    public CatalogSigner open(String keyUri, SecretStore secrets) {
        KeyVaultSecretUri uri = KeyVaultSecretUri.parse(keyUri, "keys", "key");
        String what = "key " + uri.name() + (uri.version() == null ? "" : " (version " + uri.version() + ")")
                + " in Key Vault " + uri.vault();
        if (credential == null) {
            throw new ArchiveSignatureException(Identities.noCredentials(identity, "Key Vault key signer")
                    + " (signing with " + what + ")", ErrorCategory.UNAUTHORIZED);
        }
        KeyVaultKey key;
        try {
            key = client(keyUri).getKey();
        } catch (HttpResponseException e) {
            throw map(e, what, "get", identity);
        } catch (RuntimeException e) {
            throw unreachable(e, what);
        }
        JsonWebKey jwk = key.getKey();
        if (jwk == null || !(KeyType.EC.equals(jwk.getKeyType()) || KeyType.EC_HSM.equals(jwk.getKeyType()))
                || !KeyCurveName.P_256.equals(jwk.getCurveName())) {
            throw new ArchiveSignatureException("The signing " + what + " is "
                    + (jwk == null ? "empty" : jwk.getKeyType() + (jwk.getCurveName() == null ? ""
                    : " " + jwk.getCurveName())) + ", not an EC P-256 key: create one with az keyvault key create"
                    + " --kty EC --curve P-256 --ops sign verify", ErrorCategory.INVALID_INPUT);
        }
        if (jwk.getKeyOps() != null && !jwk.getKeyOps().isEmpty() && !jwk.getKeyOps().contains(KeyOperation.SIGN)) {
            throw new ArchiveSignatureException("The signing " + what + " does not permit the sign operation (its"
                    + " operations are " + jwk.getKeyOps() + "): az keyvault key set-attributes --ops sign verify",
                    ErrorCategory.INVALID_INPUT);
        }
        PublicKey publicKey = jwk.toEc().getPublic();
        // Pin the version read, so every signature of this signer is made with the key whose public part was checked.
        CryptographyClient signing = client(key.getId());
        return new CatalogSigner() {
            @Override
            public byte[] sign(byte[] catalogSha256) {
                byte[] raw;
                try {
                    raw = signing.sign(SignatureAlgorithm.ES256, catalogSha256).getSignature();
                } catch (HttpResponseException e) {
                    throw map(e, what, "sign", identity);
                } catch (RuntimeException e) {
                    throw unreachable(e, what);
                }
                byte[] der = CatalogSignatures.derFromRaw(raw);
                if (!CatalogSignatures.verifies(publicKey, catalogSha256, der)) {
                    throw new ArchiveSignatureException("Key Vault returned a signature that does not verify with"
                            + " the public part of " + what + ": nothing was written; try again",
                            ErrorCategory.UNAVAILABLE);
                }
                LOG.debug("Signed a catalogDigest with {}", what);
                return der;
            }

            @Override
            public String describe() {
                return keyUri;
            }
        };
    }

    private CryptographyClient client(String keyId) {
        CryptographyClientBuilder builder = new CryptographyClientBuilder().keyIdentifier(keyId).credential(credential)
                .httpClient(httpClient != null ? httpClient : JdkAzureHttpClient.shared()).disableKeyCaching();
        if (!verifyChallengeResource) {
            builder.disableChallengeResourceVerification();
        }
        return builder.buildClient();
    }

    private static ArchiveSignatureException map(HttpResponseException e, String what, String operation,
                                                 PipelineIdentity identity) {
        Throwable cause = Redaction.signaturesOnly().scrubbedCopy(e);
        String who = Identities.describe(identity);
        if (e.getResponse() == null) {
            return new ArchiveSignatureException("Could not get an Entra ID token as " + who + " for the signing "
                    + what + ": " + e.getClass().getSimpleName() + ". Check the TokenCredential (managed identity"
                    + " enabled and assigned, client id, tenant)", cause, ErrorCategory.UNAUTHORIZED);
        }
        int status = e.getResponse().getStatusCode();
        return switch (status) {
            case 404 -> new ArchiveSignatureException("The signing " + what + " was not found: create it (az keyvault"
                    + " key create --kty EC --curve P-256) or fix the key URI", cause, ErrorCategory.NOT_FOUND);
            case 403 -> new ArchiveSignatureException(Character.toUpperCase(who.charAt(0)) + who.substring(1)
                    + " lacks the " + operation + " permission on keys for the signing " + what + ": grant it the"
                    + " role \"Key Vault Crypto User\" (RBAC vaults) or an access policy with the key permissions get"
                    + " and sign", cause, ErrorCategory.DENIED);
            case 401 -> new ArchiveSignatureException("Key Vault did not accept the token of " + who + " for the"
                    + " signing " + what + ": check that the credential's tenant is the vault's", cause,
                    ErrorCategory.UNAUTHORIZED);
            default -> new ArchiveSignatureException("Key Vault failed to " + operation + " with the signing " + what
                    + " (HTTP " + status + ")" + (status >= 500 ? ": retry later" : ""), cause,
                    status >= 500 || status == 429 ? ErrorCategory.UNAVAILABLE : ErrorCategory.INVALID_INPUT);
        };
    }

    private static ArchiveSignatureException unreachable(RuntimeException e, String what) {
        return new ArchiveSignatureException("Could not reach Key Vault to use the signing " + what + ": "
                + e.getClass().getSimpleName() + ". Check the key URI, the network, and the vault's firewall or"
                + " private endpoint", Redaction.signaturesOnly().scrubbedCopy(e), ErrorCategory.UNAVAILABLE);
    }
}
