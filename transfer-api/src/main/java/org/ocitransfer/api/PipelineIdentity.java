package org.ocitransfer.api;

import java.util.Objects;

/**
 * The identity a pipeline uses for its Key Vault and Storage access, as the service's {@code identity} block names
 * it: the host's system-assigned identity, or a user-assigned identity named by its client id and/or its resource
 * id. A pipeline with no identity uses the process's default credential.
 *
 * @param type       {@code SystemAssigned} or {@code UserAssigned}
 * @param clientId   user-assigned only, optional when the resource id is given: the identity's client id
 * @param resourceId user-assigned only, optional when the client id is given: the identity's ARM resource id
 *                   ({@code /subscriptions/.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/NAME})
 */
public record PipelineIdentity(Type type, String clientId, String resourceId) {

    /** The two kinds of managed identity, spelled as the service spells them. */
    public enum Type { SystemAssigned, UserAssigned }

    /** Checks that a user-assigned identity is named and a system-assigned one is not. */
    public PipelineIdentity {
        Objects.requireNonNull(type, "identity type");
        if (type == Type.SystemAssigned && (clientId != null || resourceId != null)) {
            throw new IllegalArgumentException("A system-assigned identity takes no client id or resource id");
        }
        if (type == Type.UserAssigned && clientId == null && resourceId == null) {
            throw new IllegalArgumentException("A user-assigned identity needs its client id or its resource id");
        }
    }

    /** The host's system-assigned identity. */
    public static PipelineIdentity systemAssigned() {
        return new PipelineIdentity(Type.SystemAssigned, null, null);
    }

    /** A user-assigned identity by client id and/or resource id (either may be null, not both). */
    public static PipelineIdentity userAssigned(String clientId, String resourceId) {
        return new PipelineIdentity(Type.UserAssigned, clientId, resourceId);
    }
}
