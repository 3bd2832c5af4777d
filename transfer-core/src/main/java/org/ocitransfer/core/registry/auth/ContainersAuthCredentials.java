// Registry credentials from podman/skopeo/buildah auth.json files (REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, ~/.config).
package org.ocitransfer.core.registry.auth;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ocitransfer.api.TransferException;

/**
 * Credentials from the {@code auth.json} files {@code podman login} and {@code skopeo login} write, found as they
 * find them: {@code $REGISTRY_AUTH_FILE} alone when it is set; otherwise {@code $XDG_RUNTIME_DIR/containers/auth.json}
 * (when {@code XDG_RUNTIME_DIR} is set), then {@code $XDG_CONFIG_HOME/containers/auth.json} (default
 * {@code ~/.config/containers/auth.json}, {@code ~} being {@code $HOME}, else the JVM's {@code user.home}). The format is docker's ({@code auths} with {@code auth} as base64
 * {@code user:password}, {@code identitytoken}, and {@code credHelpers}); the first file with a credential for the
 * host gives it. Missing files give nothing. Read once, when the provider is made. Repository-scoped keys
 * ({@code host/namespace}) are not used: a sign-in here is per registry.
 */
public final class ContainersAuthCredentials implements CredentialProvider {

    /** The variable naming an auth file to use instead of the default ones. */
    public static final String AUTH_FILE = "REGISTRY_AUTH_FILE";

    private final List<AuthFile> files;

    private ContainersAuthCredentials(List<AuthFile> files) {
        this.files = List.copyOf(files);
    }

    /** Reads the files of the process's environment and home directory. */
    public static ContainersAuthCredentials load() {
        return load(System.getenv(), AuthFile.home(System.getenv()));
    }

    /**
     * Reads the files this environment and home directory name; helpers are looked up on its {@code PATH}.
     *
     * @throws TransferException when a file exists but cannot be read or is not an auth file, naming it
     */
    public static ContainersAuthCredentials load(Map<String, String> environment, Path home) {
        List<Path> paths = new ArrayList<>();
        String explicit = value(environment, AUTH_FILE);
        if (explicit != null) {
            paths.add(Path.of(explicit));
        } else {
            String runtime = value(environment, "XDG_RUNTIME_DIR");
            if (runtime != null) {
                paths.add(Path.of(runtime, "containers", "auth.json"));
            }
            String config = value(environment, "XDG_CONFIG_HOME");
            paths.add((config != null ? Path.of(config) : home.resolve(".config")).resolve("containers/auth.json"));
        }
        List<AuthFile> files = new ArrayList<>();
        for (Path p : paths) {
            files.add(AuthFile.read(p, false, environment.get("PATH"), CredentialHelper.DEFAULT_TIME_LIMIT));
        }
        return new ContainersAuthCredentials(files);
    }

    @Override
    public Optional<RegistryCredential> credentialFor(String host) {
        for (AuthFile file : files) {
            Optional<RegistryCredential> c = file.credentialFor(host);
            if (c.isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> searched(String host) {
        List<String> all = new ArrayList<>();
        for (AuthFile file : files) {
            all.addAll(file.searched(host));
            if (file.credentialFor(host).isPresent()) {
                break;
            }
        }
        return all;
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    @Override
    public String toString() {
        return "ContainersAuthCredentials" + files.stream().map(AuthFile::file).toList();
    }
}
