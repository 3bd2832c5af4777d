package org.ocitransfer.core.registry;

/**
 * Opens a registry from the URI a pipeline names ({@code https://host}, {@code http://host:port},
 * {@code oci-layout:/path}, ...). The client asks each factory in turn.
 */
public interface RegistryFactory {

    /** Whether this factory opens registries of this URI. */
    boolean supports(String registryUri);

    /** Opens it. The caller closes it. */
    Registry open(String registryUri);
}
