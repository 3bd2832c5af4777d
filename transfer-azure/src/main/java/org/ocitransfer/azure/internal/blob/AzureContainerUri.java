// Parses and validates an Azure Blob container URI (account host style, or Azurite's path style on loopback).
package org.ocitransfer.azure.internal.blob;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An Azure Blob Storage container address: {@code https://acct.blob.core.windows.net/container} (account in the
 * host), or the path style Azurite uses, {@code http://127.0.0.1:PORT/devstoreaccount1/container} (account in the
 * path; any URI with an explicit port, as the Azure SDK reads it). Plain http is accepted for loopback hosts only.
 *
 * @param uri           the normalised container URI (no query, no trailing slash, no default port)
 * @param accountUrl    the account's endpoint ({@code https://acct.blob.core.windows.net})
 * @param accountName   the storage account
 * @param containerName the container
 * @param loopback      whether the host is a loopback address (an emulator on this machine)
 */
public record AzureContainerUri(URI uri, String accountUrl, String accountName, String containerName,
                                boolean loopback) {

    private static final Pattern CONTAINER = Pattern.compile("\\$root|[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    /**
     * Whether the URI has the shape of an Azure container URI: http(s) with a {@code .blob.} host, or a loopback
     * host with an {@code /account/container} path. Does not validate further: {@link #parse} does.
     */
    public static boolean looksLike(URI uri) {
        if (uri == null || uri.getHost() == null || uri.getScheme() == null) {
            return false;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return false;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return host.contains(".blob.") || (isLoopback(host) && segments(uri).size() == 2);
    }

    /**
     * Parses a container URI.
     *
     * @throws IllegalArgumentException naming what is wrong and the accepted forms
     */
    public static AzureContainerUri parse(URI uri) {
        if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
            throw invalid(uri, "it needs a scheme and a host");
        }
        if (uri.getRawQuery() != null) {
            throw invalid(uri, "it must not carry a query string (keep the SAS token in a secret, not in the URI)");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        boolean loopback = isLoopback(host);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(uri, "the scheme must be https (or http for a loopback emulator)");
        }
        if (scheme.equals("http") && !loopback) {
            throw invalid(uri, "plain http is only allowed for a loopback host (an emulator such as Azurite);"
                    + " use https://<account>.blob.core.windows.net/<container>");
        }
        int port = uri.getPort();
        if ((scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80)) {
            port = -1;
        }
        List<String> segments = segments(uri);
        String account;
        String container;
        String authority = (host.contains(":") ? "[" + host + "]" : host) + (port == -1 ? "" : ":" + port);
        String accountUrl;
        if (port != -1) {
            if (segments.size() != 2) {
                throw invalid(uri, "with an explicit port (path style, as Azurite uses) the path must be"
                        + " /<account>/<container>");
            }
            account = segments.get(0);
            container = segments.get(1);
            accountUrl = scheme + "://" + authority + "/" + account;
        } else {
            if (segments.size() != 1) {
                throw invalid(uri, "the path must be exactly /<container>");
            }
            int dot = host.indexOf('.');
            account = dot > 0 ? host.substring(0, dot) : host;
            container = segments.get(0);
            accountUrl = scheme + "://" + authority;
        }
        if (!CONTAINER.matcher(container).matches()) {
            throw invalid(uri, "'" + container + "' is not a valid container name (3-63 lowercase letters, digits"
                    + " and single hyphens, starting and ending with a letter or digit)");
        }
        return new AzureContainerUri(URI.create(accountUrl + "/" + container), accountUrl, account, container,
                loopback);
    }

    /** Whether {@code host} (a name or literal address, brackets optional) is a loopback host. */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || LOOPBACK_V4.matcher(h).matches();
    }

    /** Host and port of the endpoint ({@code host[:port]}), to tell whether two containers share a service. */
    public String authority() {
        return uri.getRawAuthority();
    }

    private static List<String> segments(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private static IllegalArgumentException invalid(URI uri, String why) {
        return new IllegalArgumentException("Invalid Azure Blob container URI '" + uri + "': " + why
                + ". Accepted: https://<account>.blob.core.windows.net/<container> or, for Azurite,"
                + " http://127.0.0.1:<port>/<account>/<container>");
    }
}
