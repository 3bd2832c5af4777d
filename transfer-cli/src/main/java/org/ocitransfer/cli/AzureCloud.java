// The Azure clouds `--cloud` names, and what a bare registry or vault name means in each.
package org.ocitransfer.cli;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The clouds az knows ({@code az cloud list}), with the host suffixes of their registries and Key Vaults: a bare
 * registry name ({@code -r myregistry}, an ARM {@code registryName}) means {@code https://myregistry.<acr suffix>},
 * a bare vault name (an ARM {@code keyVaultName}) {@code https://myvault.<vault suffix>}.
 */
enum AzureCloud {
    AzureCloud("azurecr.io", "vault.azure.net"),
    AzureUSGovernment("azurecr.us", "vault.usgovcloudapi.net"),
    AzureChinaCloud("azurecr.cn", "vault.azure.cn");

    /** The registry forms {@link #registry} takes, for options' help. */
    static final String REGISTRY_FORMS = "an Azure Container Registry's name (myregistry: https://myregistry.azurecr.io,"
            + " see --cloud), https://host[:port], http://host:port (plain HTTP) or oci-layout:/path";

    /** A registry or vault name: letters and digits only (no scheme, no dot, no colon). */
    private static final Pattern BARE_NAME = Pattern.compile("[A-Za-z0-9]+");

    private final String registrySuffix;
    private final String vaultSuffix;

    AzureCloud(String registrySuffix, String vaultSuffix) {
        this.registrySuffix = registrySuffix;
        this.vaultSuffix = vaultSuffix;
    }

    /** The cloud named, or AzureCloud when none is. */
    static AzureCloud orDefault(AzureCloud cloud) {
        return cloud == null ? AzureCloud : cloud;
    }

    /**
     * A registry as pipelines name it: a bare name (letters and digits) is this cloud's ACR
     * {@code https://<name>.<suffix>}; a URI ({@code https://...}, {@code http://...}, {@code oci-layout:...}) is
     * kept as given.
     *
     * @throws IllegalArgumentException for a value that is neither
     */
    String registry(String value) {
        if (value.contains(":")) {
            return value;
        }
        if (BARE_NAME.matcher(value).matches()) {
            return "https://" + value.toLowerCase(Locale.ROOT) + "." + registrySuffix;
        }
        throw new IllegalArgumentException("'" + value + "' is neither a registry URI nor a registry name: give an"
                + " Azure Container Registry's name (letters and digits, e.g. myregistry, meaning https://myregistry."
                + registrySuffix + "; --cloud picks the cloud), https://host[:port], http://host:port or"
                + " oci-layout:/path");
    }

    /** The registry's bare name when it is this cloud's ACR {@code https://<name>.<suffix>}, else null. */
    String registryName(String registry) {
        String prefix = "https://";
        String suffix = "." + registrySuffix;
        if (registry.startsWith(prefix) && registry.endsWith(suffix)) {
            String name = registry.substring(prefix.length(), registry.length() - suffix.length());
            return BARE_NAME.matcher(name).matches() ? name : null;
        }
        return null;
    }

    /**
     * The secret URI of a vault's secret, {@code https://<vault>.<suffix>/secrets/<name>}.
     *
     * @throws IllegalArgumentException when the vault or secret name is not a name
     */
    String secretUri(String vault, String secret) {
        if (!vault.matches("[A-Za-z0-9-]{3,24}") || !secret.matches("[A-Za-z0-9-]{1,127}")) {
            throw new IllegalArgumentException("Key Vault '" + vault + "' and secret '" + secret + "' must be names"
                    + " (letters, digits and hyphens): give keyVaultName and sasTokenSecretName as names, or the"
                    + " whole secret URI as keyVaultUri");
        }
        return "https://" + vault.toLowerCase(Locale.ROOT) + "." + vaultSuffix + "/secrets/" + secret;
    }
}
