package org.ocitransfer.core.secret;

import java.util.Map;

/** Secrets from environment variables: {@code env:NAME}. */
final class EnvSecretStore implements SecretStore {

    private final Map<String, String> environment;

    /** Reads the process environment. */
    public EnvSecretStore() {
        this(System.getenv());
    }

    /** Reads the given environment (for tests and embedding). */
    public EnvSecretStore(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public boolean supports(String secretUri) {
        return secretUri != null && secretUri.startsWith("env:");
    }

    @Override
    public Secret get(String secretUri) {
        String name = secretUri.substring("env:".length());
        String value = environment.get(name);
        if (value == null || value.isEmpty()) {
            throw new SecretException("Secret " + secretUri + " is not set: export the environment variable "
                    + name + " before running");
        }
        return new Secret(value.strip());
    }
}
