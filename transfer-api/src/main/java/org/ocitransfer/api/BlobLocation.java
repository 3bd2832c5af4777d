package org.ocitransfer.api;

/**
 * One archive blob in a pipeline's container.
 *
 * @param type "AzureStorageBlob", as in the transfer model
 * @param name the blob's name in the container
 * @param uri  the blob's full URI (in a run's response; never carries a SAS token), or null in a request
 */
public record BlobLocation(String type, String name, String uri) {

    /** The type name the transfer model gives a blob. */
    public static final String TYPE = "AzureStorageBlob";

    /** Validates the name. */
    public BlobLocation {
        if (type == null) {
            type = TYPE;
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A blob name is required (the archive's name in the container)");
        }
        if (name.startsWith("/") || name.startsWith(".") || name.contains("..") || name.contains("\\")
                || name.length() > 1024) {
            throw new IllegalArgumentException("Invalid blob name '" + name + "': it must not start with '/' or"
                    + " '.', contain '..' or '\\', or be longer than 1024 characters");
        }
    }

    /** A blob named in a request. */
    public static BlobLocation named(String name) {
        return new BlobLocation(TYPE, name, null);
    }

    /** This location with its URI. */
    public BlobLocation withUri(String blobUri) {
        return new BlobLocation(type, name, blobUri);
    }
}
