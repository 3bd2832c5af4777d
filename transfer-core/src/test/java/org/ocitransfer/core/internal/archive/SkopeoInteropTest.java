package org.ocitransfer.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Manifests;
import org.ocitransfer.core.testing.Tools;

/**
 * Interoperability with the real skopeo binary, an independent OCI-layout reader and writer: skopeo reads what we
 * write ({@code oci-archive:} to {@code oci:}, digests preserved), and we read what skopeo writes.
 */
class SkopeoInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path skopeo;

    @TempDir
    Path dir;

    @BeforeAll
    static void findSkopeo() {
        skopeo = Tools.require("skopeo", "apt-get install -y skopeo");
    }

    @Test
    void skopeoReadsOurArchiveWithEveryDigestUnchanged() throws Exception {
        ArchiveFixture fixture = new ArchiveFixture();
        ArchivePlan plan = ArchivePlan.plan(fixture.request());
        Path archive = dir.resolve("export.tar");
        Files.write(archive, ArchiveFixture.write(plan, fixture.content.opener()));

        int i = 0;
        for (ArchivedArtifact artifact : fixture.artifacts) {
            Path out = dir.resolve("copy" + i++);
            skopeo("copy", "--all", "--preserve-digests",
                    "oci-archive:" + archive + ":" + artifact.source().shortName(), "oci:" + out + ":copied");
            JsonNode index = JSON.readTree(out.resolve("index.json").toFile());
            assertThat(index.get("manifests")).as(artifact.source().toString()).hasSize(1);
            JsonNode entry = index.get("manifests").get(0);
            assertThat(entry.get("digest").asText()).isEqualTo(artifact.root().digest());
            assertThat(entry.get("annotations").get("org.opencontainers.image.ref.name").asText()).isEqualTo("copied");
            // Every blob of the graph arrived byte for byte.
            for (Descriptor d : fixture.content.blobsInOrder(List.of(artifact.root()))) {
                Path blob = out.resolve("blobs/sha256/" + d.digest().substring("sha256:".length()));
                assertThat(blob).as(d.toString()).exists();
                assertThat(Files.readAllBytes(blob)).isEqualTo(fixture.content.bytes(d));
            }
        }
    }

    @Test
    void weReadWhatSkopeoWrites() throws Exception {
        TestContent content = new TestContent();
        Descriptor shared = content.layer(3 * 1024 * 1024, 11); // larger than the scanner's read window
        Descriptor image = content.image(content.config("amd64", shared), shared);
        Descriptor arm = content.image(content.config("arm64", content.layer(900, 12)), shared);
        Map<String, Descriptor> platforms = new LinkedHashMap<>();
        platforms.put("amd64", image);
        platforms.put("arm64", arm);
        Descriptor multi = content.index(platforms);
        Path layout = writeLayout(content, Map.of("v1", image, "multi", multi));

        for (Map.Entry<String, Descriptor> tag : Map.of("v1", image, "multi", multi).entrySet()) {
            Path archive = dir.resolve("skopeo-" + tag.getKey() + ".tar");
            skopeo("copy", "--all", "--preserve-digests", "oci:" + layout + ":" + tag.getKey(),
                    "oci-archive:" + archive + ":" + tag.getKey());
            try (ArchiveReader reader = ArchiveReader.open(ArchiveSource.of(archive))) {
                assertThat(reader.catalog()).isEmpty();
                assertThat(reader.index()).singleElement().satisfies(e -> {
                    assertThat(e.refName()).isEqualTo(tag.getKey());
                    assertThat(e.tagOnly()).isTrue();
                    assertThat(e.descriptor().digest()).isEqualTo(tag.getValue().digest());
                });
                Map<String, byte[]> read = ArchiveFixture.readAll(reader);
                List<Descriptor> graph = content.blobsInOrder(List.of(tag.getValue()));
                assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(
                        graph.stream().map(Descriptor::digest).distinct().toList());
                for (Descriptor d : graph) {
                    assertThat(read.get(d.digest())).as(d.toString()).isEqualTo(content.bytes(d));
                }
                // skopeo's tar has directory entries and its own order; indexing it skipped the 3 MiB layer's data.
                assertThat(reader.bytesScanned()).isLessThan(Files.size(archive) - 2 * 1024 * 1024);
            }
        }
    }

    /** An OCI layout directory with these tags (bare-tag ref.names, as skopeo and oras write them). */
    private Path writeLayout(TestContent content, Map<String, Descriptor> tags) throws IOException {
        Path layout = dir.resolve("layout");
        Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        for (Map.Entry<String, byte[]> blob : content.all().entrySet()) {
            Files.write(layout.resolve("blobs/sha256/" + blob.getKey().substring("sha256:".length())), blob.getValue());
        }
        List<String> manifests = new ArrayList<>();
        tags.forEach((tag, d) -> manifests.add("{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest()
                + "\",\"size\":" + d.size() + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag
                + "\"}}"));
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":["
                + String.join(",", manifests) + "]}");
        // Sanity: the layout's manifests parse, so a failure below is skopeo's or ours, not the test data's.
        tags.values().forEach(d -> Manifests.parse(d, content.bytes(d)));
        return layout;
    }

    private void skopeo(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--insecure-policy"));
        all.addAll(List.of(args));
        Tools.run(dir, Duration.ofSeconds(120), skopeo, all.toArray(String[]::new));
    }
}
