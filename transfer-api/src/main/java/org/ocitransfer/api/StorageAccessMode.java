package org.ocitransfer.api;

/** How a pipeline reaches its storage container. */
public enum StorageAccessMode {
    /** A SAS token read from the pipeline's secret URI (for example a Key Vault secret). */
    SasToken,
    /** An identity's token (Entra ID, through a TokenCredential): no secret URI. */
    ManagedIdentity;

    /** Parses a mode name, case-insensitive. @throws IllegalArgumentException naming the accepted values */
    public static StorageAccessMode parse(String value) {
        for (StorageAccessMode mode : values()) {
            if (mode.name().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Unknown storage access mode '" + value
                + "': use SasToken or ManagedIdentity");
    }
}
