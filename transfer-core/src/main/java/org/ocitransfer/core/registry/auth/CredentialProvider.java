package org.ocitransfer.core.registry.auth;

import java.util.Optional;

/**
 * Gives the credential for a registry host. The HTTP registry client asks it when a registry challenges; the Azure
 * module adds one for {@code *.azurecr.io} that exchanges an Entra ID token for an ACR refresh token.
 */
@FunctionalInterface
public interface CredentialProvider {

    /** Anonymous everywhere. */
    CredentialProvider ANONYMOUS = host -> Optional.empty();

    /**
     * The credential for {@code host} ({@code name[:port]}), or empty to stay anonymous.
     */
    Optional<RegistryCredential> credentialFor(String host);

    /** This provider, then {@code next} for hosts this one has nothing for. */
    default CredentialProvider orElse(CredentialProvider next) {
        return host -> {
            Optional<RegistryCredential> mine = credentialFor(host);
            return mine.isPresent() ? mine : next.credentialFor(host);
        };
    }
}
