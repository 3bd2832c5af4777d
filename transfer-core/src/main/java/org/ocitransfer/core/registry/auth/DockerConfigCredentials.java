// Registry credentials from a docker config.json (the "auths" section: "auth" or "identitytoken" per host).
package org.ocitransfer.core.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.ocitransfer.api.TransferException;

/**
 * Credentials from a docker {@code config.json}, as {@code docker login} writes it:
 * <pre>{@code {"auths": {"myregistry.azurecr.io": {"auth": "<base64 user:password>"},
 *             "localhost:5000": {"auth": "<base64 user:>", "identitytoken": "<refresh token>"}}}}</pre>
 * Keys may be {@code host[:port]} or URLs ({@code https://index.docker.io/v1/}); Docker Hub's names
 * ({@code docker.io}, {@code index.docker.io}, {@code registry-1.docker.io}) are one. Credential helpers
 * ({@code credsStore}, {@code credHelpers}) are not run: hosts only they know stay anonymous here.
 *
 * <p>The file is {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}; a missing file means no
 * credentials. It is read once, when the provider is made.
 */
public final class DockerConfigCredentials implements CredentialProvider {

    private static final String DOCKER_HUB = "index.docker.io";

    private final Map<String, RegistryCredential> byHost;

    private DockerConfigCredentials(Map<String, RegistryCredential> byHost) {
        this.byHost = Map.copyOf(byHost);
    }

    /** Reads the config named by {@code DOCKER_CONFIG}, else {@code ~/.docker/config.json}. */
    public static DockerConfigCredentials load() {
        return load(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** Reads the config as {@link #load()} would with this environment and home directory. */
    public static DockerConfigCredentials load(Map<String, String> environment, Path home) {
        String dir = environment.get("DOCKER_CONFIG");
        Path file = dir != null && !dir.isBlank() ? Path.of(dir, "config.json") : home.resolve(".docker/config.json");
        return from(file);
    }

    /**
     * Reads this config file; a missing file gives no credentials.
     *
     * @throws TransferException when the file cannot be read or is not a docker config, naming the file
     */
    public static DockerConfigCredentials from(Path file) {
        if (!Files.exists(file)) {
            return new DockerConfigCredentials(Map.of());
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new TransferException("Cannot read the docker config " + file + ": " + e.getMessage()
                    + "; fix or remove the file, or log in again with docker login", e);
        }
        Map<String, RegistryCredential> map = new HashMap<>();
        JsonNode auths = root == null ? null : root.get("auths");
        if (auths != null && auths.isObject()) {
            for (Map.Entry<String, JsonNode> e : auths.properties()) {
                RegistryCredential c = credential(file, e.getKey(), e.getValue());
                if (c != null) {
                    map.put(normalize(e.getKey()), c);
                }
            }
        }
        return new DockerConfigCredentials(map);
    }

    @Override
    public Optional<RegistryCredential> credentialFor(String host) {
        return Optional.ofNullable(byHost.get(normalize(host)));
    }

    private static RegistryCredential credential(Path file, String key, JsonNode entry) {
        String username = null;
        String password = null;
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new TransferException("The docker config " + file + " has an entry for " + key + " whose"
                        + " \"auth\" is not base64 of user:password; log in again with docker login");
            }
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new TransferException("The docker config " + file + " has an entry for " + key + " whose"
                        + " \"auth\" is not user:password; log in again with docker login");
            }
            username = pair.substring(0, colon);
            password = pair.substring(colon + 1);
        }
        if (entry.hasNonNull("username") && username == null) {
            username = entry.get("username").asText();
            password = entry.path("password").asText(null);
        }
        String identityToken = entry.path("identitytoken").asText("");
        if (!identityToken.isEmpty()) {
            return RegistryCredential.identityToken(username == null || username.isEmpty()
                    ? "00000000-0000-0000-0000-000000000000" : username, identityToken);
        }
        if (username == null || password == null || password.isEmpty()) {
            return null; // an entry without secrets (credentials kept by a helper)
        }
        return RegistryCredential.basic(username, password);
    }

    /** {@code host[:port]} in lower case from a key or host, with Docker Hub's aliases made one. */
    static String normalize(String keyOrHost) {
        String h = keyOrHost.trim().toLowerCase(Locale.ROOT);
        int scheme = h.indexOf("://");
        if (scheme >= 0) {
            h = h.substring(scheme + 3);
        }
        int slash = h.indexOf('/');
        if (slash >= 0) {
            h = h.substring(0, slash);
        }
        if (h.equals("docker.io") || h.equals("registry-1.docker.io") || h.equals("registry.hub.docker.com")) {
            return DOCKER_HUB;
        }
        return h;
    }

    @Override
    public String toString() {
        return "DockerConfigCredentials" + byHost.keySet();
    }
}
