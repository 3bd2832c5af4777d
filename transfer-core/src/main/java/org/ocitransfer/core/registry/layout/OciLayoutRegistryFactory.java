package org.ocitransfer.core.registry.layout;

import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryFactory;

/** Opens {@code oci-layout:/path} registries. */
public final class OciLayoutRegistryFactory implements RegistryFactory {

    @Override
    public boolean supports(String registryUri) {
        return registryUri != null && registryUri.startsWith("oci-layout:");
    }

    @Override
    public Registry open(String registryUri) {
        return OciLayoutRegistry.open(registryUri);
    }
}
