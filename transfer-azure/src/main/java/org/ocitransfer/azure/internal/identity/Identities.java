// Names a pipeline's identity in messages (identities are not secret).
package org.ocitransfer.azure.internal.identity;

import org.ocitransfer.api.PipelineIdentity;

/** Helpers for the Azure stores' {@code forIdentity}. */
public final class Identities {

    private Identities() {
    }

    /** "the default credential", "the system-assigned managed identity", "the user-assigned ... (client id X)". */
    public static String describe(PipelineIdentity identity) {
        if (identity == null) {
            return "the default credential";
        }
        if (identity.type() == PipelineIdentity.Type.SystemAssigned) {
            return "the system-assigned managed identity";
        }
        return "the user-assigned managed identity (" + (identity.clientId() != null
                ? "client id " + identity.clientId() : "resource id " + identity.resourceId()) + ")";
    }

    /**
     * The message for a pipeline identity a store cannot act as, having no
     * {@link org.ocitransfer.azure.identity.PipelineCredentials}: such a pipeline never silently uses the default credential.
     */
    public static String noCredentials(PipelineIdentity identity, String component) {
        return "The pipeline names " + describe(identity) + ", but the " + component + " was built without"
                + " PipelineCredentials: give it ManagedIdentityCredentials (AzureTransfer.clientBuilder(credential,"
                + " new ManagedIdentityCredentials()) does), or remove the pipeline's identity to use the default"
                + " credential";
    }
}
