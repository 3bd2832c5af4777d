// Fuzzes the manifest parser with every manifest media type: only ContentVerificationException may escape.
package org.ocitransfer.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.Manifests;
import org.ocitransfer.core.content.MediaTypes;

/**
 * Any bytes, read as each kind of manifest (OCI manifest and index, Docker manifest and manifest list), are either
 * refused with a {@link ContentVerificationException} or parsed into descriptors that are themselves valid (a
 * well-formed digest, a non-negative size, a media type): the walk of a graph can trust what the parser gives it.
 * Anything else escaping is a finding.
 *
 * <p>Regression inputs: {@code src/test/resources/org/ocitransfer/core/fuzz/ManifestParserFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1} fuzzes.
 */
class ManifestParserFuzzTest {

    static final List<String> TYPES = List.of(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);

    @FuzzTest(maxDuration = "5m")
    void manifestIsParsedOrRefusedWithOurExceptionOnly(byte[] input) {
        for (String type : TYPES) {
            Descriptor descriptor = Descriptor.of(type, input);
            Manifests.Parsed parsed;
            try {
                parsed = Manifests.parse(descriptor, input);
            } catch (ContentVerificationException refused) {
                continue;
            }
            if (parsed.mediaType() == null) {
                throw new AssertionError("A parsed manifest has no media type");
            }
            for (Descriptor child : parsed.children()) {
                check(child);
            }
            if (parsed.subject() != null) {
                check(parsed.subject());
            }
            if (parsed.isIndex() && parsed.config() != null) {
                throw new AssertionError("An index was parsed with a config");
            }
        }
    }

    private static void check(Descriptor d) {
        if (d == null || d.mediaType() == null || d.size() < 0) {
            throw new AssertionError("The parser gave an invalid descriptor: " + d);
        }
        Digest.parse(d.digest());
    }
}
