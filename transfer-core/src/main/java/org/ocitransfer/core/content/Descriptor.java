package org.ocitransfer.core.content;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor: what a piece of content is, its digest and its size.
 *
 * @param mediaType    the content's media type
 * @param digest       {@code sha256:<hex>}
 * @param size         bytes
 * @param urls         optional external URLs (carried, never followed)
 * @param annotations  optional annotations
 * @param platform     optional platform of an index entry, kept as the JSON object it was
 * @param artifactType optional artifact type (artifact manifests and referrers)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Descriptor(String mediaType, String digest, long size, List<String> urls,
                         Map<String, String> annotations, Map<String, Object> platform, String artifactType) {

    /** Validates the digest and size. */
    public Descriptor {
        Objects.requireNonNull(mediaType, "descriptor mediaType");
        Digest.parse(digest);
        if (size < 0) {
            throw new IllegalArgumentException("Descriptor " + digest + " has a negative size " + size);
        }
        urls = urls == null ? null : List.copyOf(urls);
        annotations = annotations == null ? null : Map.copyOf(annotations);
    }

    /** A plain descriptor. */
    public static Descriptor of(String mediaType, String digest, long size) {
        return new Descriptor(mediaType, digest, size, null, null, null, null);
    }

    /** The descriptor of these bytes. */
    public static Descriptor of(String mediaType, byte[] content) {
        return of(mediaType, Digest.sha256(content).toString(), content.length);
    }

    /** The parsed digest. */
    public Digest parsedDigest() {
        return Digest.parse(digest);
    }

    /** Whether it describes a manifest or index. */
    public boolean isManifest() {
        return MediaTypes.isManifest(mediaType);
    }

    /** This descriptor with other annotations. */
    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, urls, newAnnotations, platform, artifactType);
    }

    /** The same content without annotations, platform or urls: what identifies it. */
    public Descriptor plain() {
        return new Descriptor(mediaType, digest, size, null, null, null, artifactType);
    }

    /** {@code mediaType digest (size bytes)}. */
    @Override
    public String toString() {
        return digest + " (" + mediaType + ", " + size + " bytes)";
    }
}
