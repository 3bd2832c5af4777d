// `--username` with `--password-stdin`: registry credentials given on the command line, for the run's registry only.
package org.ocitransfer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import picocli.CommandLine.Option;

/**
 * Registry credentials from the command line: a user name, and the password read from standard input (never from an
 * argument, where other users could read it). They are given to the run's pipeline registry only; without them the
 * environment ({@code TRANSFER_REGISTRY_USERNAME}, ...), the docker {@code config.json} and podman/skopeo's
 * {@code auth.json} are asked.
 */
final class RegistryLogin {

    @Option(names = "--username", paramLabel = "USER",
            description = "Registry user; the password is read from stdin (--password-stdin). Without it: the"
                    + " environment (TRANSFER_REGISTRY_USERNAME/_PASSWORD), then the docker config.json (credential"
                    + " helpers, then auths), then podman/skopeo's auth.json.")
    String username;

    @Option(names = "--password-stdin", description = "Read the registry password (or token) from stdin.")
    boolean passwordStdin;

    private volatile String boundHost;

    /**
     * The command line's credential, bound later to the run's registry ({@link #bind}).
     *
     * @throws IllegalArgumentException when only one of the two options is given, or stdin is empty
     */
    CredentialProvider credentials(InputStream stdin) {
        if (username == null && !passwordStdin) {
            return CredentialProvider.ANONYMOUS;
        }
        if (username == null || !passwordStdin) {
            throw new IllegalArgumentException("--username and --password-stdin go together: give the user with"
                    + " --username and pipe the password, e.g. 'cat pass.txt | transfer ... --username me"
                    + " --password-stdin'");
        }
        String password = readPassword(stdin);
        RegistryCredential credential = RegistryCredential.basic(username, password);
        return new CredentialProvider() {
            @Override
            public Optional<RegistryCredential> credentialFor(String host) {
                return boundHost != null && boundHost.equalsIgnoreCase(host) ? Optional.of(credential)
                        : Optional.empty();
            }

            @Override
            public List<String> searched(String host) {
                return List.of("--username (" + (boundHost != null && boundHost.equalsIgnoreCase(host) ? "given"
                        : "for the pipeline's registry " + boundHost + " only") + ")");
            }
        };
    }

    /** Gives the credential to this registry (its {@code host[:port]}) only. */
    void bind(String registryUri) {
        if (registryUri.startsWith("https://") || registryUri.startsWith("http://")) {
            boundHost = URI.create(registryUri).getRawAuthority();
        }
    }

    private static String readPassword(InputStream stdin) {
        String password;
        try {
            password = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the password from stdin", e);
        }
        password = password.replaceAll("[\r\n]+$", "");
        if (password.isEmpty()) {
            throw new IllegalArgumentException("--password-stdin read nothing: pipe the password into the command");
        }
        return password;
    }
}
