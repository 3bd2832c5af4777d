package org.ocitransfer.core.content;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor: what a piece of content is, its digest and its size.
 *
 * <p>As JSON it has exactly the OCI descriptor's fields named below (empty ones left out): Jackson sees only the
 * record components marked {@link JsonProperty}, never other accessors ({@link #isManifest()} would otherwise be
 * written as {@code "manifest": true}).
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
@JsonAutoDetect(getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE,
        fieldVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
@JsonPropertyOrder({"mediaType", "artifactType", "digest", "size", "urls", "annotations", "platform"})
public record Descriptor(@JsonProperty("mediaType") String mediaType, @JsonProperty("digest") String digest,
                         @JsonProperty("size") long size, @JsonProperty("urls") List<String> urls,
                         @JsonProperty("annotations") Map<String, String> annotations,
                         @JsonProperty("platform") Map<String, Object> platform,
                         @JsonProperty("artifactType") String artifactType) {

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
