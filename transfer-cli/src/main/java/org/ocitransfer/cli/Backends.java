// Which registries, blob stores and secret stores the command line can reach, wired into the client builder.
package org.ocitransfer.cli;

import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.auth.CredentialProvider;

/**
 * The kinds of registry, container and secret the command line reaches, beyond the builder's built-ins
 * ({@code oci-layout:} registries, {@code file://} containers, {@code env:} and {@code file:} secrets).
 */
final class Backends {

    private Backends() {
    }

    /** Adds the command line's registry, storage and secret kinds to the builder. */
    static TransferClientBuilder configure(TransferClientBuilder builder, CredentialProvider credentials) {
        return builder;
    }
}
