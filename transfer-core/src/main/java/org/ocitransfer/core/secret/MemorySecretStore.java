package org.ocitransfer.core.secret;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Secrets held in memory, for embedding and tests: {@code memory:NAME}. */
public final class MemorySecretStore implements SecretStore {

    private final Map<String, String> values = new ConcurrentHashMap<>();

    /** Stores a value under {@code memory:NAME}; returns that URI. */
    public String put(String name, String value) {
        values.put(name, value);
        return "memory:" + name;
    }

    @Override
    public boolean supports(String secretUri) {
        return secretUri != null && secretUri.startsWith("memory:");
    }

    @Override
    public Secret get(String secretUri) {
        String value = values.get(secretUri.substring("memory:".length()));
        if (value == null) {
            throw new SecretException("Secret " + secretUri + " is not in the in-memory secret store: put it first");
        }
        return new Secret(value);
    }
}
