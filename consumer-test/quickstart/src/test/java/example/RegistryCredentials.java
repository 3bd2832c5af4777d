package example;

import java.util.Optional;

import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;

/** The README's own-credentials sample (section "Registries and credentials"): compiled here. */
final class RegistryCredentials {

    private RegistryCredentials() {
    }

    static TransferClientBuilder builder() {
        // sample: credentials
        TransferClientBuilder builder = new TransferClientBuilder()
                .registryFactory(new HttpRegistryFactory(b -> b.credentials(host ->
                        Optional.of(RegistryCredential.basic("user", System.getenv("REGISTRY_PASSWORD"))))));
        // end sample: credentials
        return builder;
    }
}
