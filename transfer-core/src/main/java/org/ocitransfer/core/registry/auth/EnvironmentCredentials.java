// Registry credentials from environment variables (TRANSFER_REGISTRY_USERNAME, _PASSWORD, _IDENTITY_TOKEN, _HOST).
package org.ocitransfer.core.registry.auth;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.ocitransfer.api.TransferException;

/**
 * Credentials from the environment:
 * <ul>
 *   <li>{@value #USERNAME}: the user;</li>
 *   <li>{@value #PASSWORD}: the password (basic auth, or the token service with basic credentials);</li>
 *   <li>{@value #IDENTITY_TOKEN}: instead of a password, an identity (OAuth2 refresh) token;</li>
 *   <li>{@value #HOST}: optional; when set, the credentials are given only to this {@code host[:port]},
 *       otherwise to every registry asked.</li>
 * </ul>
 * Nothing set means no credentials. Read once, when the provider is made.
 */
public final class EnvironmentCredentials implements CredentialProvider {

    /** The user name variable. */
    public static final String USERNAME = "TRANSFER_REGISTRY_USERNAME";
    /** The password variable. */
    public static final String PASSWORD = "TRANSFER_REGISTRY_PASSWORD";
    /** The identity token variable. */
    public static final String IDENTITY_TOKEN = "TRANSFER_REGISTRY_IDENTITY_TOKEN";
    /** The host restriction variable. */
    public static final String HOST = "TRANSFER_REGISTRY_HOST";

    private final RegistryCredential credential;
    private final String host;

    private EnvironmentCredentials(RegistryCredential credential, String host) {
        this.credential = credential;
        this.host = host;
    }

    /** Reads the process environment. */
    public static EnvironmentCredentials fromSystem() {
        return from(System.getenv());
    }

    /**
     * Reads the given environment.
     *
     * @throws TransferException when the variables are half set (a user without a password or token, or the reverse)
     */
    public static EnvironmentCredentials from(Map<String, String> environment) {
        String user = value(environment, USERNAME);
        String password = value(environment, PASSWORD);
        String token = value(environment, IDENTITY_TOKEN);
        String host = value(environment, HOST);
        if (user == null && password == null && token == null) {
            return new EnvironmentCredentials(null, null);
        }
        if (password != null && token != null) {
            throw new TransferException("Both " + PASSWORD + " and " + IDENTITY_TOKEN + " are set: set only one");
        }
        if (password != null && user == null) {
            throw new TransferException(PASSWORD + " is set but " + USERNAME + " is not: set the user name too");
        }
        if (password == null && token == null) {
            throw new TransferException(USERNAME + " is set but neither " + PASSWORD + " nor " + IDENTITY_TOKEN
                    + " is: set the password (or an identity token)");
        }
        RegistryCredential c = token != null
                ? RegistryCredential.identityToken(user == null ? "00000000-0000-0000-0000-000000000000" : user, token)
                : RegistryCredential.basic(user, password);
        return new EnvironmentCredentials(c, host == null ? null : host.toLowerCase(Locale.ROOT));
    }

    @Override
    public Optional<RegistryCredential> credentialFor(String registryHost) {
        if (credential == null || (host != null && !host.equalsIgnoreCase(registryHost))) {
            return Optional.empty();
        }
        return Optional.of(credential);
    }

    @Override
    public java.util.List<String> searched(String registryHost) {
        String note = credential == null ? "not set"
                : host != null && !host.equalsIgnoreCase(registryHost) ? "set for " + host + " only" : "set";
        return java.util.List.of("TRANSFER_REGISTRY_* (" + note + ")");
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    @Override
    public String toString() {
        return "EnvironmentCredentials[" + (credential == null ? "none" : credential) + (host == null ? ""
                : " for " + host) + "]";
    }
}
