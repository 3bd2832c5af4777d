// Parses a Key Vault secret or key URI: https://<vault>.vault.azure.net/secrets|keys/<name>[/<version>].
package org.ocitransfer.azure.keyvault;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Key Vault secret (or key) address (package-private: users give secret and key URIs as strings).
 *
 * @param vaultUrl the vault's endpoint ({@code https://myvault.vault.azure.net})
 * @param vault    the vault, for messages (its host)
 * @param name     the secret's (or key's) name
 * @param version  its version, or null for the latest
 */
record KeyVaultSecretUri(String vaultUrl, String vault, String name, String version) {

    private static final Pattern NAME = Pattern.compile("[0-9a-zA-Z-]{1,127}");
    private static final Pattern VERSION = Pattern.compile("[0-9a-zA-Z]{1,64}");

    /** The public and sovereign clouds' Key Vault host suffixes. */
    public static final List<String> VAULT_SUFFIXES = List.of(".vault.azure.net", ".vault.azure.cn",
            ".vault.usgovcloudapi.net", ".vault.microsoftazure.de", ".managedhsm.azure.net");

    /** Whether {@code uri} has the shape {@code https://host/secrets/<name>[/<version>]}. */
    static boolean hasSecretPath(String uri) {
        return hasPath(uri, "secrets");
    }

    /** Whether {@code uri} has the shape {@code https://host/<collection>/<name>[/<version>]}. */
    static boolean hasPath(String uri, String collection) {
        try {
            URI u = URI.create(uri);
            List<String> segments = segments(u);
            return "https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null
                    && (segments.size() == 2 || segments.size() == 3) && segments.get(0).equals(collection);
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
        return parse(uri, "secrets", "secret");
    }

    /**
     * Parses a URI {@code https://host/<collection>/<name>[/<version>]} ({@code secrets} or {@code keys}).
     *
     * @param what the item's kind for messages ({@code secret}, {@code key})
     * @throws IllegalArgumentException naming what is wrong and the accepted form
     */
    static KeyVaultSecretUri parse(String uri, String collection, String what) {
        URI u;
        try {
            u = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw invalid(uri, collection, what, "it is not a URI");
        }
        if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw invalid(uri, collection, what, "Key Vault is reached over https only");
        }
        if (u.getRawQuery() != null) {
            throw invalid(uri, collection, what, "it must not carry a query string");
        }
        List<String> segments = segments(u);
        if (!(segments.size() == 2 || segments.size() == 3) || !segments.get(0).equals(collection)) {
            throw invalid(uri, collection, what, "the path must be /" + collection + "/<name> or /" + collection
                    + "/<name>/<version>");
        }
        String name = segments.get(1);
        String version = segments.size() == 3 ? segments.get(2) : null;
        if (!NAME.matcher(name).matches()) {
            throw invalid(uri, collection, what, "'" + name + "' is not a valid " + what + " name (1-127 letters,"
                    + " digits and hyphens)");
        }
        if (version != null && !VERSION.matcher(version).matches()) {
            throw invalid(uri, collection, what, "'" + version + "' is not a valid " + what + " version");
        }
        String authority = u.getRawAuthority();
        return new KeyVaultSecretUri("https://" + authority, u.getHost(), name, version);
    }

    private static List<String> segments(URI u) {
        String path = u.getPath() == null ? "" : u.getPath();
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private static IllegalArgumentException invalid(String uri, String collection, String what, String why) {
        return new IllegalArgumentException("Invalid Key Vault " + what + " URI '" + uri + "': " + why
                + ". Expected https://<vault>.vault.azure.net/" + collection + "/<name>[/<version>]");
    }
}
