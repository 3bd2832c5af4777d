// The one parser of an OCI image layout's index.json: a layout directory's, and a transfer archive's (a layout in a tar).
package org.ocitransfer.core.registry.layout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;

/**
 * Reads the entries of an OCI image layout's {@code index.json} (already parsed as JSON by the caller, with its own
 * rules for duplicates and trailing bytes): {@code schemaVersion} 2, the OCI index media type when one is given, and
 * a {@code manifests} array of descriptors, each with its {@code ref.name} and containerd image name. Used by
 * {@link OciLayoutRegistry} and by the archive reader alike.
 */
public final class LayoutIndex {

    /** The annotation naming an entry: {@code repo:tag}, {@code repo@sha256:...}, or only a tag. */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** The annotation holding the full image name (containerd's). */
    public static final String IMAGE_NAME = "io.containerd.image.name";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private LayoutIndex() {
    }

    /**
     * One entry of index.json.
     *
     * @param descriptor the manifest, as listed (annotations included)
     * @param refName    its {@link #REF_NAME}, or null
     * @param imageName  its {@link #IMAGE_NAME}, or null
     */
    public record Entry(Descriptor descriptor, String refName, String imageName) {
    }

    /** What is wrong with an index.json: in the whole document, or in one entry of its {@code manifests}. */
    public static final class InvalidIndexException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String problem;
        private final int entry;

        InvalidIndexException(String problem, int entry) {
            super(entry < 0 ? "index.json " + problem : "index.json manifests[" + entry + "] " + problem);
            this.problem = problem;
            this.entry = entry;
        }

        /** The problem, phrased to follow the name of what has it: {@code has no 'manifests' array}. */
        public String problem() {
            return problem;
        }

        /** The position of the entry that has it in {@code manifests}, or -1 when the document as a whole has it. */
        public int entry() {
            return entry;
        }
    }

    /**
     * The entries, in file order.
     *
     * @param root       the parsed index.json
     * @param maxEntries the most entries accepted
     * @param overLimit  what to say after "names N artifacts, more than the limit of M" when there are more
     * @throws InvalidIndexException naming what is wrong
     */
    public static List<Entry> parse(JsonNode root, int maxEntries, String overLimit) {
        if (root == null || !root.isObject()) {
            throw new InvalidIndexException("is not a JSON object", -1);
        }
        JsonNode schema = root.get("schemaVersion");
        if (schema == null || !schema.isInt() || schema.intValue() != 2) {
            throw new InvalidIndexException("must have schemaVersion 2", -1);
        }
        JsonNode mediaType = root.get("mediaType");
        if (mediaType != null && !MediaTypes.OCI_INDEX.equals(mediaType.textValue())) {
            throw new InvalidIndexException("has mediaType " + mediaType + ", not " + MediaTypes.OCI_INDEX, -1);
        }
        JsonNode manifests = root.get("manifests");
        if (manifests == null || !manifests.isArray()) {
            throw new InvalidIndexException("has no 'manifests' array", -1);
        }
        if (manifests.size() > maxEntries) {
            throw new InvalidIndexException("names " + manifests.size() + " artifacts, more than " + overLimit, -1);
        }
        List<Entry> entries = new ArrayList<>(manifests.size());
        int i = 0;
        for (JsonNode item : manifests) {
            Descriptor d = descriptor(item, i++);
            Map<String, String> annotations = d.annotations() == null ? Map.of() : d.annotations();
            entries.add(new Entry(d, annotations.get(REF_NAME), annotations.get(IMAGE_NAME)));
        }
        return entries;
    }

    private static Descriptor descriptor(JsonNode node, int entry) {
        if (!node.isObject() || !node.path("mediaType").isTextual() || !node.path("digest").isTextual()
                || !node.path("size").isIntegralNumber() || !node.path("size").canConvertToLong()) {
            throw new InvalidIndexException("is not a descriptor (it needs mediaType, digest and an integer size)",
                    entry);
        }
        try {
            return MAPPER.treeToValue(node, Descriptor.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Throwable reason = e;
            while (reason.getCause() != null && !(reason instanceof IllegalArgumentException)) {
                reason = reason.getCause();
            }
            String message = reason instanceof JsonProcessingException jpe ? jpe.getOriginalMessage()
                    : reason.getMessage();
            throw new InvalidIndexException("is not a valid descriptor: " + message, entry);
        }
    }
}
