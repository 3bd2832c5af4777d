// Registry credentials from a docker config.json: credential helpers (credHelpers, credsStore), then "auths".
package org.ocitransfer.core.registry.auth;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ocitransfer.api.TransferException;

/**
 * Credentials from a docker {@code config.json}, as {@code docker login} writes it:
 * <pre>{@code {"auths": {"myregistry.azurecr.io": {"auth": "<base64 user:password>"},
 *             "localhost:5000": {"auth": "<base64 user:>", "identitytoken": "<refresh token>"}},
 *  "credHelpers": {"registry.example": "pass"}, "credsStore": "desktop"}}</pre>
 * For a host: the helper its {@code credHelpers} entry names, else the {@code credsStore} helper, run as
 * {@code docker-credential-<name> get}; when the helper is not on the PATH or has
 * nothing for the host, the {@code auths} entry. Keys may be {@code host[:port]} or URLs
 * ({@code https://index.docker.io/v1/}); Docker Hub's names ({@code docker.io}, {@code index.docker.io},
 * {@code registry-1.docker.io}) are one.
 *
 * <p>The file is {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json} ({@code ~} is {@code $HOME},
 * else the JVM's {@code user.home}, as docker takes it); a missing file means no credentials. It is read once, when the provider is made; each helper runs at most once per host.
 */
public final class DockerConfigCredentials implements CredentialProvider {

    private final AuthFile file;

    private DockerConfigCredentials(AuthFile file) {
        this.file = file;
    }

    /** Reads the config named by {@code DOCKER_CONFIG}, else {@code ~/.docker/config.json}. */
    public static DockerConfigCredentials load() {
        return load(System.getenv(), AuthFile.home(System.getenv()));
    }

    /**
     * Reads the config as {@link #load()} would with this environment and home directory; helpers are looked up
     * on the environment's {@code PATH}.
     */
    public static DockerConfigCredentials load(Map<String, String> environment, Path home) {
        String dir = environment.get("DOCKER_CONFIG");
        Path file = dir != null && !dir.isBlank() ? Path.of(dir, "config.json") : home.resolve(".docker/config.json");
        return new DockerConfigCredentials(AuthFile.read(file, true, environment.get("PATH"),
                CredentialHelper.DEFAULT_TIME_LIMIT));
    }

    /**
     * Reads this config file, looking helpers up on the process's {@code PATH}; a missing file gives no
     * credentials.
     *
     * @throws TransferException when the file cannot be read or is not a docker config, naming the file
     */
    public static DockerConfigCredentials from(Path file) {
        return new DockerConfigCredentials(AuthFile.read(file, true, System.getenv("PATH"),
                CredentialHelper.DEFAULT_TIME_LIMIT));
    }

    /**
     * {@inheritDoc}
     *
     * @throws TransferException when the host's credential helper fails or runs past its time limit
     */
    @Override
    public Optional<RegistryCredential> credentialFor(String host) {
        return file.credentialFor(host);
    }

    @Override
    public List<String> searched(String host) {
        return file.searched(host);
    }

    @Override
    public String toString() {
        return "DockerConfigCredentials[" + file.file() + "]";
    }
}
