// A SecretStore reading Azure Key Vault secrets (e.g. a pipeline's SAS token) with the caller's Entra ID credential.
package org.ocitransfer.azure.keyvault;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.util.Context;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.azure.identity.PipelineCredentials;
import org.ocitransfer.azure.internal.blob.Redaction;
import org.ocitransfer.azure.internal.identity.Identities;
import org.ocitransfer.azure.internal.http.JdkAzureHttpClient;
import org.ocitransfer.core.secret.Secret;
import org.ocitransfer.core.secret.SecretException;
import org.ocitransfer.core.secret.SecretStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads secrets at {@code https://<vault>.vault.azure.net/secrets/<name>[/<version>]} (and the sovereign clouds'
 * vault hosts, plus hosts named in the builder) through the Key Vault SDK's {@link SecretClient}, authenticated
 * with the caller's {@link TokenCredential}. Values are cached briefly (5 minutes by default). Messages name the
 * vault and secret, never a value: a 403 says which identity lacks get permission, a 404 that the secret is missing.
 * {@link #forIdentity} gives the store a pipeline with an identity reads through: the credential the builder's
 * {@link Builder#identityCredentials PipelineCredentials} give for that identity, and a cache of its own.
 */
public final class KeyVaultSecretStore implements SecretStore {

    /** How long a value is cached by default. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(KeyVaultSecretStore.class);

    private final TokenCredential credential;
    private final PipelineCredentials identities;
    private final PipelineIdentity identity;
    private final Builder settings;
    private final HttpClient httpClient;
    private final boolean verifyChallengeResource;
    private final Duration cacheTtl;
    private final Set<String> extraHosts;
    private final Clock clock;
    private final Map<String, SecretClient> clients = new ConcurrentHashMap<>();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<PipelineIdentity, KeyVaultSecretStore> views = new ConcurrentHashMap<>();

    private KeyVaultSecretStore(Builder b, TokenCredential credential, PipelineIdentity identity) {
        this.settings = b;
        this.identities = b.identities;
        this.identity = identity;
        this.credential = credential;
        this.httpClient = b.httpClient;
        this.verifyChallengeResource = b.verifyChallengeResource;
        this.cacheTtl = b.cacheTtl;
        this.extraHosts = Set.copyOf(b.extraHosts);
        this.clock = b.clock;
    }

    /** A builder using {@code credential} (any Entra ID credential, e.g. azure-identity's DefaultAzureCredential). */
    public static Builder builder(TokenCredential credential) {
        return new Builder(credential);
    }

    @Override
    public boolean supports(String secretUri) {
        if (secretUri == null || !KeyVaultSecretUri.hasSecretPath(secretUri)) {
            return false;
        }
        if (KeyVaultSecretUri.knownVaultHost(secretUri)) {
            return true;
        }
        String authority = java.net.URI.create(secretUri).getRawAuthority().toLowerCase(Locale.ROOT);
        return extraHosts.contains(authority);
    }

    /**
     * This store reading secrets as the pipeline's identity, with the credential the builder's
     * {@link Builder#identityCredentials PipelineCredentials} give for it, and a cache of its own (a value one
     * identity may read is never handed to another from the cache). Without PipelineCredentials, reads for a pipeline
     * with an identity fail saying so.
     *
     * @param pipelineIdentity null: this store (the default credential)
     */
    @Override
    public SecretStore forIdentity(PipelineIdentity pipelineIdentity) {
        if (pipelineIdentity == null || pipelineIdentity.equals(identity)) {
            return this;
        }
        return views.computeIfAbsent(pipelineIdentity, id -> new KeyVaultSecretStore(settings,
                identities == null ? null : identities.credential(id), id));
    }

    @Override
    public Secret get(String secretUri) {
        KeyVaultSecretUri uri = KeyVaultSecretUri.parse(secretUri);
        if (credential == null) {
            throw new SecretException(Identities.noCredentials(identity, "Key Vault secret store") + " (reading"
                    + " secret " + uri.name() + " from " + uri.vault() + ")");
        }
        Instant now = clock.instant();
        Cached cached = cache.get(secretUri);
        if (cached != null && now.isBefore(cached.expires())) {
            return cached.value();
        }
        SecretClient client = clients.computeIfAbsent(uri.vaultUrl(), this::client);
        String what = "secret " + uri.name() + (uri.version() == null ? "" : " (version " + uri.version() + ")");
        try {
            KeyVaultSecret secret = client.getSecretWithResponse(uri.name(), uri.version(), Context.NONE).getValue();
            if (secret == null || secret.getValue() == null) {
                throw new SecretException("Key Vault " + uri.vault() + " returned no value for " + what
                        + ": set a value for it");
            }
            Secret value = new Secret(secret.getValue());
            if (!cacheTtl.isZero()) {
                cache.put(secretUri, new Cached(value, now.plus(cacheTtl)));
            }
            LOG.debug("Read {} from Key Vault {}", what, uri.vault());
            return value;
        } catch (HttpResponseException e) {
            throw map(e, uri, what);
        } catch (SecretException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SecretException("Could not reach Key Vault " + uri.vault() + " to read " + what + ": "
                    + e.getClass().getSimpleName() + ". Check the vault URI, the network, and the vault's firewall"
                    + " or private endpoint", Redaction.signaturesOnly().scrubbedCopy(e));
        }
    }

    /** Forgets cached values (e.g. after a secret was rotated). */
    public void clearCache() {
        cache.clear();
    }

    private SecretException map(HttpResponseException e, KeyVaultSecretUri uri, String what) {
        Throwable cause = Redaction.signaturesOnly().scrubbedCopy(e);
        if (e.getResponse() == null) {
            return new SecretException("Could not get an Entra ID token as " + Identities.describe(identity)
                    + " for Key Vault " + uri.vault() + " to read " + what + ": " + e.getClass().getSimpleName()
                    + ". Check the TokenCredential (managed identity"
                    + " enabled and assigned, client id, tenant, or `az login` for a developer credential)", cause);
        }
        int status = e.getResponse().getStatusCode();
        String body = String.valueOf(e.getMessage());
        if (status == 404) {
            return new SecretException("Secret " + uri.name() + (uri.version() == null ? "" : " version "
                    + uri.version()) + " not found in " + uri.vault() + ": create it (az keyvault secret set"
                    + " --vault-name <vault> --name " + uri.name() + " --value <SAS>) or fix the secret URI", cause);
        }
        if (status == 403) {
            if (body.contains("ForbiddenByFirewall") || body.contains("ForbiddenByConnection")) {
                return new SecretException("Key Vault " + uri.vault() + " refused the request to read " + what
                        + " from this network (firewall or private endpoint): allow this network on the vault",
                        cause);
            }
            String who = Identities.describe(identity);
            return new SecretException(Character.toUpperCase(who.charAt(0)) + who.substring(1) + " lacks get"
                    + " permission on secrets in " + uri.vault() + " (reading " + what + "): grant it the role \"Key Vault Secrets User\" on the vault (RBAC"
                    + " vaults) or an access policy with the secret \"get\" permission", cause);
        }
        if (status == 401 || e instanceof ClientAuthenticationException) {
            return new SecretException("Key Vault " + uri.vault() + " did not accept the token of "
                    + Identities.describe(identity) + " when reading " + what + " (HTTP " + status + "): check that the credential's tenant is the vault's",
                    cause);
        }
        return new SecretException("Key Vault " + uri.vault() + " failed to return " + what + " (HTTP " + status
                + ")" + (status >= 500 ? ": retry later" : ""), cause);
    }

    private SecretClient client(String vaultUrl) {
        SecretClientBuilder builder = new SecretClientBuilder().vaultUrl(vaultUrl).credential(credential)
                .httpClient(httpClient != null ? httpClient : JdkAzureHttpClient.shared());
        if (!verifyChallengeResource) {
            builder.disableChallengeResourceVerification();
        }
        return builder.buildClient();
    }

    private record Cached(Secret value, Instant expires) {
    }

    /** Builds a {@link KeyVaultSecretStore}. */
    public static final class Builder {
        private final TokenCredential credential;
        private HttpClient httpClient;
        private boolean verifyChallengeResource = true;
        private Duration cacheTtl = DEFAULT_CACHE_TTL;
        private final java.util.Set<String> extraHosts = new java.util.HashSet<>();
        private Clock clock = Clock.systemUTC();
        private PipelineCredentials identities;

        private Builder(TokenCredential credential) {
            this.credential = Objects.requireNonNull(credential, "a TokenCredential is needed to read Key Vault");
        }

        /**
         * The HTTP client the SDK uses (e.g. one trusting a test certificate, or with a proxy); otherwise one over the
         * JDK's {@code java.net.http}, which logs no request URI.
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /**
         * Skips the SDK's check that the challenge's resource matches the vault's domain: needed for vaults on
         * hosts outside the Key Vault domains (a loopback stand-in, a private DNS name).
         */
        public Builder disableChallengeResourceVerification() {
            this.verifyChallengeResource = false;
            return this;
        }

        /** How long values are cached (default 5 minutes; zero disables the cache). */
        public Builder cacheTtl(Duration ttl) {
            if (ttl == null || ttl.isNegative()) {
                throw new IllegalArgumentException("The cache TTL must be zero or positive");
            }
            this.cacheTtl = ttl;
            return this;
        }

        /**
         * Also serves secret URIs on this host ({@code host[:port]}), besides the public and sovereign clouds' vault
         * hosts.
         */
        public Builder vaultHost(String hostAndPort) {
            this.extraHosts.add(hostAndPort.toLowerCase(Locale.ROOT));
            return this;
        }

        /** The clock for cache expiry (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The credentials of pipeline identities: a pipeline with an identity reads its secrets with the credential
         * these give for it ({@link KeyVaultSecretStore#forIdentity}); without them such a pipeline's reads fail.
         */
        public Builder identityCredentials(PipelineCredentials credentials) {
            this.identities = credentials;
            return this;
        }

        /** The store. */
        public KeyVaultSecretStore build() {
            Builder copy = new Builder(credential);
            copy.httpClient = httpClient;
            copy.verifyChallengeResource = verifyChallengeResource;
            copy.cacheTtl = cacheTtl;
            copy.extraHosts.addAll(extraHosts);
            copy.clock = clock;
            copy.identities = identities;
            return new KeyVaultSecretStore(copy, credential, null);
        }

        /**
         * A signer factory for Key Vault keys ({@code https://<vault>.vault.azure.net/keys/<name>[/<version>]}) with
         * this builder's credential, pipeline identities' credentials, HTTP client, challenge check and extra vault
         * hosts: an export pipeline's signingKeyUri naming such a key is signed in the vault
         * ({@link KeyVaultKeySigner}), as the pipeline's identity when it has one.
         */
        public KeyVaultKeySigner buildKeySigner() {
            return new KeyVaultKeySigner(credential, identities, null, httpClient, verifyChallengeResource,
                    extraHosts);
        }
    }
}
