package org.ocitransfer.core.registry;

/**
 * A registry: a set of repositories. Implementations: the HTTP client for any OCI distribution registry, an OCI
 * image layout directory, an in-memory registry. Thread-safe.
 */
public interface Registry extends AutoCloseable {

    /** A handle on one repository (it need not exist yet: pushing creates it). */
    Repository repository(String name);

    /** Where the registry is, for messages and records: never carries credentials. */
    String location();

    /** Releases connections or files. */
    @Override
    default void close() {
    }
}
