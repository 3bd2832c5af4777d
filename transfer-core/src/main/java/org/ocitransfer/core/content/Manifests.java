package org.ocitransfer.core.content;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads manifests and indexes to walk the content graph. Manifests are only read, never re-serialised: their bytes
 * travel as they were, so their digests never change.
 */
public final class Manifests {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Manifests() {
    }

    /**
     * What a manifest points at.
     *
     * @param mediaType the manifest's own media type (from the descriptor, else from its {@code mediaType} field)
     * @param config    the config (image manifests), or null
     * @param layers    the layers (image manifests), or empty
     * @param manifests the children (indexes), or empty
     * @param subject   the manifest this one refers to (referrers), or null
     * @param artifactType the artifact type, or null
     */
    public record Parsed(String mediaType, Descriptor config, List<Descriptor> layers, List<Descriptor> manifests,
                         Descriptor subject, String artifactType) {

        /** Every descriptor it points at, except the subject: config, then layers, then child manifests. */
        public List<Descriptor> children() {
            List<Descriptor> all = new ArrayList<>();
            if (config != null) {
                all.add(config);
            }
            all.addAll(layers);
            all.addAll(manifests);
            return all;
        }

        /** Whether this is an index (its children are manifests). */
        public boolean isIndex() {
            return MediaTypes.isIndex(mediaType);
        }
    }

    /**
     * Parses a manifest or index.
     *
     * @param descriptor the manifest's descriptor (its media type decides how it is read)
     * @param bytes      its exact bytes (already verified against the descriptor)
     * @throws ContentVerificationException when the bytes are not a manifest of that type
     */
    public static Parsed parse(Descriptor descriptor, byte[] bytes) {
        if (bytes.length > MediaTypes.MAX_MANIFEST_BYTES) {
            throw new ContentVerificationException("Manifest " + descriptor.digest() + " is " + bytes.length
                    + " bytes, over the " + MediaTypes.MAX_MANIFEST_BYTES + "-byte limit for manifests");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ContentVerificationException("Manifest " + descriptor.digest() + " is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ContentVerificationException("Manifest " + descriptor.digest() + " cannot be read: " + e);
        }
        if (root == null || !root.isObject()) {
            throw new ContentVerificationException("Manifest " + descriptor.digest() + " is not a JSON object");
        }
        String declared = text(root, "mediaType");
        String mediaType = descriptor.mediaType();
        if (declared != null && !declared.equals(mediaType) && MediaTypes.isManifest(declared)) {
            throw new ContentVerificationException("Manifest " + descriptor.digest() + " declares media type "
                    + declared + " but was described as " + mediaType);
        }
        try {
            Descriptor config = root.hasNonNull("config") ? descriptor(root.get("config")) : null;
            List<Descriptor> layers = list(root.get("layers"));
            List<Descriptor> manifests = list(root.get("manifests"));
            Descriptor subject = root.hasNonNull("subject") ? descriptor(root.get("subject")) : null;
            if (MediaTypes.isIndex(mediaType) && config != null) {
                throw new ContentVerificationException("Index " + descriptor.digest() + " has a config");
            }
            if (!MediaTypes.isIndex(mediaType) && !manifests.isEmpty()) {
                throw new ContentVerificationException("Manifest " + descriptor.digest()
                        + " lists child manifests but is not an index");
            }
            return new Parsed(mediaType, config, layers, manifests, subject, text(root, "artifactType"));
        } catch (IllegalArgumentException | NullPointerException | JsonProcessingException e) {
            throw new ContentVerificationException("Manifest " + descriptor.digest()
                    + " has an invalid descriptor: " + e.getMessage());
        }
    }

    private static List<Descriptor> list(JsonNode node) throws JsonProcessingException {
        List<Descriptor> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("expected an array of descriptors");
        }
        for (JsonNode item : node) {
            out.add(descriptor(item));
        }
        return out;
    }

    private static Descriptor descriptor(JsonNode node) throws JsonProcessingException {
        if (!node.isObject() || !node.hasNonNull("digest") || !node.hasNonNull("mediaType")
                || !node.hasNonNull("size") || !node.get("size").canConvertToLong()) {
            throw new IllegalArgumentException("a descriptor needs mediaType, digest and size");
        }
        return MAPPER.treeToValue(node, Descriptor.class);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
