package org.ocitransfer.core.content;

import java.util.Set;

/** The media types the transfer understands: which are manifests, which are indexes. */
public final class MediaTypes {

    /** OCI image manifest. */
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    /** OCI image index. */
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    /** OCI image config. */
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    /** OCI layer, gzip. */
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    /** OCI layer, uncompressed. */
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    /** The empty descriptor's media type ({@code {}}), for artifacts without a config. */
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    /** Docker v2 schema 2 manifest. */
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    /** Docker v2 manifest list. */
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** Docker image config. */
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    /** Docker layer, gzip. */
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /** Every manifest media type, in the order a registry's Accept header should list them. */
    public static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST,
            DOCKER_MANIFEST_LIST);

    /** The largest manifest read: bigger ones are refused (the distribution spec's registries use 4 MiB). */
    public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private MediaTypes() {
    }

    /** Whether content of this media type is a manifest (image manifest or index), pushed as one. */
    public static boolean isManifest(String mediaType) {
        return mediaType != null && MANIFESTS.contains(mediaType);
    }

    /** Whether this media type is an index (OCI index or Docker manifest list). */
    public static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
    }

    /** The Accept header value listing every manifest type. */
    public static String acceptManifests() {
        return String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);
    }
}
