// azure-identity's ManagedIdentityCredential for each pipeline identity (system-assigned, or user-assigned by id).
package org.ocitransfer.azure.identity;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.ocitransfer.api.PipelineIdentity;

/**
 * {@link PipelineCredentials} with azure-identity's {@code ManagedIdentityCredential}: the host's system-assigned
 * identity for {@code SystemAssigned}, the user-assigned identity of the client id (or, without one, the resource id)
 * for {@code UserAssigned}. One credential per identity, built on first use and kept (it caches its tokens). Needs
 * {@code com.azure:azure-identity} on the class path (an optional dependency of this module).
 */
public final class ManagedIdentityCredentials implements PipelineCredentials {

    private final Consumer<ManagedIdentityCredentialBuilder> settings;
    private final Map<PipelineIdentity, TokenCredential> credentials = new ConcurrentHashMap<>();

    /** Credentials built with azure-identity's defaults (the managed identity endpoint the host offers). */
    public ManagedIdentityCredentials() {
        this(builder -> { });
    }

    /**
     * Credentials whose builders are also given these settings (an HTTP client, retry options, ...), after the
     * identity's client id or resource id.
     */
    public ManagedIdentityCredentials(Consumer<ManagedIdentityCredentialBuilder> settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public TokenCredential credential(PipelineIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        return credentials.computeIfAbsent(identity, id -> {
            ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
            if (id.type() == PipelineIdentity.Type.UserAssigned) {
                if (id.clientId() != null) {
                    builder.clientId(id.clientId());
                } else {
                    builder.resourceId(id.resourceId());
                }
            }
            settings.accept(builder);
            return builder.build();
        });
    }
}
