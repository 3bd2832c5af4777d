package org.ocitransfer.core.registry.auth;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * Where this provider looks for {@code host}'s credential and what it found there, one entry per place, for
     * the message of a refused sign-in: e.g. {@code "/root/.docker/config.json (no entry)"}. Never a secret. Empty
     * when the provider does not describe itself.
     */
    default List<String> searched(String host) {
        return List.of();
    }

    /** This provider, then {@code next} for hosts this one has nothing for. */
    default CredentialProvider orElse(CredentialProvider next) {
        CredentialProvider first = this;
        return new CredentialProvider() {
            @Override
            public Optional<RegistryCredential> credentialFor(String host) {
                Optional<RegistryCredential> mine = first.credentialFor(host);
                return mine.isPresent() ? mine : next.credentialFor(host);
            }

            @Override
            public List<String> searched(String host) {
                List<String> all = new ArrayList<>(first.searched(host));
                if (first.credentialFor(host).isPresent()) {
                    return all; // the next one was not asked
                }
                all.addAll(next.searched(host));
                return all;
            }

            @Override
            public String toString() {
                return first + " then " + next;
            }
        };
    }
}
