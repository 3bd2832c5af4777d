// One auth file in docker's format (docker config.json, podman/skopeo auth.json): auths, credHelpers, credsStore.
package org.ocitransfer.core.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ocitransfer.api.TransferException;

/**
 * The credentials of one auth file in docker's format, and where a host's came from. For a host: its
 * {@code credHelpers} entry's helper, else the {@code credsStore} helper (when this kind of file uses it), then the
 * {@code auths} entry ({@code auth} as base64 {@code user:password}, or {@code identitytoken}). A helper that is not
 * on the PATH or has nothing for the host moves on to the {@code auths} entry. Keys may be {@code host[:port]} or
 * URLs; podman's repository-scoped keys ({@code host/namespace}) are not used (a sign-in here is per registry).
 * Results are kept per host for the life of the object: each helper runs at most once per host.
 */
final class AuthFile implements CredentialProvider {

    private static final String DOCKER_HUB = "index.docker.io";
    private static final String DOCKER_HUB_SERVER = "https://index.docker.io/v1/";

    private final Path file;
    private final boolean exists;
    private final Map<String, RegistryCredential> auths;
    private final Set<String> placeholders;
    private final Set<String> scopedHosts;
    private final Map<String, String> credHelpers;
    private final String credsStore;
    private final String path;
    private final Duration helperTimeLimit;
    private final Map<String, Lookup> lookups = new ConcurrentHashMap<>();

    private record Lookup(Optional<RegistryCredential> credential, List<String> notes) {
    }

    private AuthFile(Path file, boolean exists, Map<String, RegistryCredential> auths, Set<String> placeholders,
                     Set<String> scopedHosts, Map<String, String> credHelpers, String credsStore, String path,
                     Duration helperTimeLimit) {
        this.file = file;
        this.exists = exists;
        this.auths = Map.copyOf(auths);
        this.placeholders = Set.copyOf(placeholders);
        this.scopedHosts = Set.copyOf(scopedHosts);
        this.credHelpers = Map.copyOf(credHelpers);
        this.credsStore = credsStore;
        this.path = path;
        this.helperTimeLimit = helperTimeLimit;
    }

    /**
     * Reads the file; a missing one holds nothing.
     *
     * @param useCredsStore whether {@code credsStore} applies (docker's config.json; podman ignores it)
     * @param path          the PATH helpers are looked up on
     * @throws TransferException when the file cannot be read or is not in this format, naming it
     */
    static AuthFile read(Path file, boolean useCredsStore, String path, Duration helperTimeLimit) {
        Map<String, RegistryCredential> auths = new HashMap<>();
        Set<String> placeholders = new HashSet<>();
        Set<String> scoped = new HashSet<>();
        Map<String, String> helpers = new HashMap<>();
        if (!Files.exists(file)) {
            return new AuthFile(file, false, auths, placeholders, scoped, helpers, null, path, helperTimeLimit);
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new TransferException("Cannot read the auth file " + file + ": " + e.getMessage()
                    + "; fix or remove the file, or log in again (docker login, podman login)", e);
        }
        if (root != null && !root.isObject()) {
            throw new TransferException("The auth file " + file + " is not a JSON object; fix or remove it");
        }
        JsonNode entries = root == null ? null : root.get("auths");
        if (entries != null && entries.isObject()) {
            for (Map.Entry<String, JsonNode> e : entries.properties()) {
                String key = e.getKey();
                if (isScoped(key)) {
                    scoped.add(normalize(key));
                    continue;
                }
                RegistryCredential c = credential(file, key, e.getValue());
                if (c != null) {
                    auths.put(normalize(key), c);
                } else {
                    placeholders.add(normalize(key));
                }
            }
        }
        JsonNode helperNode = root == null ? null : root.get("credHelpers");
        if (helperNode != null && helperNode.isObject()) {
            helperNode.properties().forEach(e -> helpers.put(normalize(e.getKey()), e.getValue().asText("")));
        }
        String store = useCredsStore && root != null ? root.path("credsStore").asText("") : "";
        return new AuthFile(file, true, auths, placeholders, scoped, helpers, store.isBlank() ? null : store, path,
                helperTimeLimit);
    }

    /** The home directory as docker and podman take it: {@code $HOME}, else the JVM's {@code user.home}. */
    static Path home(Map<String, String> environment) {
        String home = environment.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }

    Path file() {
        return file;
    }

    @Override
    public Optional<RegistryCredential> credentialFor(String host) {
        return lookup(host).credential();
    }

    @Override
    public List<String> searched(String host) {
        List<String> notes = lookup(host).notes();
        return notes.isEmpty() ? List.of() : List.of(file + " (" + String.join(", ", notes) + ")");
    }

    private Lookup lookup(String host) {
        String key = normalize(host);
        Lookup known = lookups.get(key);
        if (known != null) {
            return known;
        }
        Lookup found = find(key); // outside computeIfAbsent: a helper may run for seconds
        lookups.putIfAbsent(key, found);
        return found;
    }

    private Lookup find(String key) {
        if (!exists) {
            return new Lookup(Optional.empty(), List.of("absent"));
        }
        List<String> notes = new ArrayList<>();
        String helperName = credHelpers.containsKey(key) ? credHelpers.get(key) : credsStore;
        if (helperName != null && !helperName.isBlank()) {
            String via = credHelpers.containsKey(key) ? "credHelpers" : "credsStore";
            Optional<CredentialHelper> helper = CredentialHelper.find(helperName, path, helperTimeLimit);
            if (helper.isEmpty()) {
                notes.add(via + " helper docker-credential-" + helperName + " not on PATH");
            } else {
                Optional<RegistryCredential> c = helper.get().get(key.equals(DOCKER_HUB) ? DOCKER_HUB_SERVER : key);
                if (c.isPresent()) {
                    return new Lookup(c, List.of(via + " helper docker-credential-" + helperName + " had it"));
                }
                notes.add(via + " helper docker-credential-" + helperName + " has no entry");
            }
        }
        RegistryCredential inline = auths.get(key);
        if (inline != null) {
            return new Lookup(Optional.of(inline), List.of("auths entry"));
        }
        notes.add(placeholders.contains(key) ? "auths entry without credentials"
                : scopedHosts.contains(key) ? "only repository-scoped auths entries, not used" : "no entry");
        return new Lookup(Optional.empty(), List.copyOf(notes));
    }

    private static boolean isScoped(String key) {
        String k = key.trim();
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            return false; // a URL key (https://index.docker.io/v1/): its path is not a repository
        }
        int slash = k.indexOf('/');
        return slash >= 0 && slash < k.length() - 1;
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
                throw new TransferException("The auth file " + file + " has an entry for " + key + " whose"
                        + " \"auth\" is not base64 of user:password; log in again (docker login, podman login)");
            }
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new TransferException("The auth file " + file + " has an entry for " + key + " whose"
                        + " \"auth\" is not user:password; log in again (docker login, podman login)");
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
}
