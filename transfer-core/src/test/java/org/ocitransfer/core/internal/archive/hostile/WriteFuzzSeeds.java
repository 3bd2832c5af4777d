// Regenerates the fuzz tests' seed inputs from the hostile corpus and the valid base archive (run by hand).
package org.ocitransfer.core.internal.archive.hostile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.ocitransfer.core.internal.archive.TestContent;

/**
 * Writes the seed inputs of {@code core.fuzz.ArchiveReaderFuzzTest} (the valid base archive, this SDK's own archive,
 * every small corpus case) and {@code core.fuzz.ManifestParserFuzzTest} (the base manifests and a few broken ones)
 * under {@code src/test/resources}. Run it from the module directory when the corpus changes:
 * {@code java -cp <test classpath> org.ocitransfer.core.internal.archive.hostile.WriteFuzzSeeds}. Findings the fuzzer adds
 * to those directories are kept.
 */
public final class WriteFuzzSeeds {

    static final Path FUZZ = Path.of("src/test/resources/org/ocitransfer/core/fuzz");

    private WriteFuzzSeeds() {
    }

    /** Writes the seeds. */
    public static void main(String[] args) throws IOException {
        Path archives = Files.createDirectories(FUZZ.resolve("ArchiveReaderFuzzTestInputs")
                .resolve("archiveIsRefusedOrReadWithOurExceptionsOnly"));
        Files.write(archives.resolve("seed-valid-base.tar"), HostileArchives.valid(t -> { }));
        Files.write(archives.resolve("seed-own-archive-with-catalog.tar"), HostileArchives.ownArchive());
        List<HostileArchives.Case> corpus = HostileArchives.corpus();
        for (int i = 0; i < corpus.size(); i++) {
            HostileArchives.Case c = corpus.get(i);
            if (!c.large()) {
                Files.write(archives.resolve(String.format(Locale.ROOT, "seed-hostile-%02d-%s.tar", i, slug(c.name()))),
                        c.bytes());
            }
        }
        Path manifests = Files.createDirectories(FUZZ.resolve("ManifestParserFuzzTestInputs")
                .resolve("manifestIsParsedOrRefusedWithOurExceptionOnly"));
        Files.write(manifests.resolve("seed-image.json"), HostileArchives.MANIFEST_BYTES);
        Files.write(manifests.resolve("seed-index.json"), HostileArchives.index(HostileArchives.MANIFEST));
        Files.write(manifests.resolve("seed-config.json"), HostileArchives.CONFIG_BYTES);
        String layer = TestContent.json(HostileArchives.LAYER);
        String[][] broken = {
            {"artifact-with-subject", "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"artifactType\":\"application/spdx+json\",\"config\":" + layer + ",\"layers\":[" + layer
                    + "],\"subject\":" + TestContent.json(HostileArchives.MANIFEST) + "}"},
            {"null-annotation-value", "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"a\",\"digest\":\""
                    + HostileArchives.LAYER.digest() + "\",\"size\":1,\"annotations\":{\"k\":null}}]}"},
            {"null-url", "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"a\",\"digest\":\""
                    + HostileArchives.LAYER.digest() + "\",\"size\":1,\"urls\":[null]}]}"},
            {"negative-size", "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\",\"digest\":\""
                    + HostileArchives.LAYER.digest() + "\",\"size\":-5}]}"},
            {"size-too-large", "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"a\",\"digest\":\""
                    + HostileArchives.LAYER.digest() + "\",\"size\":99999999999999999999999}]}"},
            {"bad-digest", "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"a\",\"digest\":\"md5:x\",\"size\":1}]}"},
            {"layers-not-array", "{\"schemaVersion\":2,\"layers\":{\"a\":1}}"},
            {"config-is-string", "{\"schemaVersion\":2,\"config\":\"x\"}"},
            {"declared-other-type", "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}"},
            {"deep-nesting", "{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}"},
            {"not-json", "schemaVersion: 2"},
            {"json-array", "[1,2,3]"},
        };
        for (String[] b : broken) {
            Files.writeString(manifests.resolve("seed-" + b[0] + ".json"), b[1], StandardCharsets.UTF_8);
        }
    }

    private static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
