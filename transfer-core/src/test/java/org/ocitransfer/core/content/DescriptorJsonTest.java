package org.ocitransfer.core.content;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A descriptor serialised by Jackson (as the referrers fallback index is written) holds only the OCI descriptor's
 * fields: no accessor such as {@code isManifest()} may turn into a field.
 */
class DescriptorJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void onlyTheOciDescriptorFieldsAreWritten() throws Exception {
        Descriptor full = new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "a".repeat(64), 0,
                List.of("https://example/x"), Map.of("k", "v"), Map.of("os", "linux", "architecture", "amd64"),
                "application/spdx+json");
        JsonNode json = JSON.valueToTree(full);
        assertThat(json.fieldNames()).toIterable().containsExactlyInAnyOrder("mediaType", "artifactType", "digest",
                "size", "urls", "annotations", "platform");
        assertThat(json.get("size").asLong()).as("a size of 0 is still written").isZero();

        JsonNode plain = JSON.valueToTree(Descriptor.of(MediaTypes.OCI_LAYER, "sha256:" + "b".repeat(64), 5));
        assertThat(plain.fieldNames()).toIterable().containsExactly("mediaType", "digest", "size");
        assertThat(JSON.treeToValue(json, Descriptor.class)).isEqualTo(full);
    }
}
