// Parses a Key Vault secret URI: https://<vault>.vault.azure.net/secrets/<name>[/<version>].
package org.ocitransfer.azure.keyvault;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Key Vault secret address (package-private: users give secret URIs as strings).
 *
 * @param vaultUrl the vault's endpoint ({@code https://myvault.vault.azure.net})
 * @param vault    the vault, for messages (its host)
 * @param name     the secret's name
 * @param version  the secret's version, or null for the latest
 */
record KeyVaultSecretUri(String vaultUrl, String vault, String name, String version) {

    private static final Pattern NAME = Pattern.compile("[0-9a-zA-Z-]{1,127}");
    private static final Pattern VERSION = Pattern.compile("[0-9a-zA-Z]{1,64}");

    /** The public and sovereign clouds' Key Vault host suffixes. */
    public static final List<String> VAULT_SUFFIXES = List.of(".vault.azure.net", ".vault.azure.cn",
            ".vault.usgovcloudapi.net", ".vault.microsoftazure.de", ".managedhsm.azure.net");

    /** Whether {@code uri} has the shape {@code https://host/secrets/<name>[/<version>]}. */
    static boolean hasSecretPath(String uri) {
        try {
            URI u = URI.create(uri);
            List<String> segments = segments(u);
            return "https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null
                    && (segments.size() == 2 || segments.size() == 3) && segments.get(0).equals("secrets");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether the host of {@code uri} is a known Key Vault host. */
    static boolean knownVaultHost(String uri) {
        try {
            String host = URI.create(uri).getHost();
            return host != null && VAULT_SUFFIXES.stream().anyMatch(host.toLowerCase(Locale.ROOT)::endsWith);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Parses a secret URI.
     *
     * @throws IllegalArgumentException naming what is wrong and the accepted form
     */
    public static KeyVaultSecretUri parse(String uri) {
        URI u;
        try {
            u = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw invalid(uri, "it is not a URI");
        }
        if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw invalid(uri, "Key Vault is reached over https only");
        }
        if (u.getRawQuery() != null) {
            throw invalid(uri, "it must not carry a query string");
        }
        List<String> segments = segments(u);
        if (!(segments.size() == 2 || segments.size() == 3) || !segments.get(0).equals("secrets")) {
            throw invalid(uri, "the path must be /secrets/<name> or /secrets/<name>/<version>");
        }
        String name = segments.get(1);
        String version = segments.size() == 3 ? segments.get(2) : null;
        if (!NAME.matcher(name).matches()) {
            throw invalid(uri, "'" + name + "' is not a valid secret name (1-127 letters, digits and hyphens)");
        }
        if (version != null && !VERSION.matcher(version).matches()) {
            throw invalid(uri, "'" + version + "' is not a valid secret version");
        }
        String authority = u.getRawAuthority();
        return new KeyVaultSecretUri("https://" + authority, u.getHost(), name, version);
    }

    private static List<String> segments(URI u) {
        String path = u.getPath() == null ? "" : u.getPath();
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private static IllegalArgumentException invalid(String uri, String why) {
        return new IllegalArgumentException("Invalid Key Vault secret URI '" + uri + "': " + why
                + ". Expected https://<vault>.vault.azure.net/secrets/<name>[/<version>]");
    }
}
