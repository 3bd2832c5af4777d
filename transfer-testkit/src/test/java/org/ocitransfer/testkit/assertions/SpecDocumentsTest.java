package org.ocitransfer.testkit.assertions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.random.Seeds;

/** The spec-fields check: what it refuses, and that what the SDK writes to a real registry passes it. */
class SpecDocumentsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theReferrersFallbackIndexWrittenToARegistryHoldsOnlyDescriptorFields() throws IOException {
        try (DistributionRegistry running = DistributionRegistry.builder().auth(AuthMode.OPEN)
                .checkDocuments(false).start();
             HttpRegistry registry = HttpRegistry.builder().uri(running.url()).build()) {
            Repository repo = registry.repository("team/app");
            ContentGenerator gen = new ContentGenerator(Seeds.seed(11));
            GeneratedArtifact image = gen.image(100);
            image.pushTo(repo, "1");
            GeneratedArtifact sbom = gen.sbom(image.root());
            sbom.pushTo(repo); // no referrers API in Distribution 2.8: the SDK writes the tag-schema index
            Descriptor fallback = repo.resolve(image.digest().replace(':', '-'));
            JsonNode index = JSON.readTree(repo.fetchManifest(fallback));
            assertThat(index.get("manifests")).as("the fallback index lists the SBOM").hasSize(1);

            assertThat(SpecDocuments.registryStorageViolations(running.dataDir())).isEmpty();
            assertThat(index.get("manifests").get(0).fieldNames()).toIterable()
                    .containsExactlyInAnyOrder("mediaType", "digest", "size", "artifactType", "annotations");
        }
    }

    @Test
    void aRegistryHoldingANonSpecFieldFailsItsClose() {
        DistributionRegistry running = DistributionRegistry.start(AuthMode.OPEN);
        try (HttpRegistry registry = HttpRegistry.builder().uri(running.url()).build()) {
            byte[] odd = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[],"
                    + "\"extra\":1}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Descriptor d = Descriptor.of(MediaTypes.OCI_INDEX, odd);
            registry.repository("odd").push(d, org.ocitransfer.core.content.ContentSource.of(odd));
        }
        assertThatThrownBy(running::close).isInstanceOf(AssertionError.class)
                .hasMessageContaining("in repository odd").hasMessageContaining("\"extra\"");
        assertThat(running.storageDir()).doesNotExist();
    }

    @Test
    void fieldsOutsideEachDocumentsSchemaAreNamed() throws IOException {
        JsonNode manifest = JSON.readTree("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\"a\",\"digest\":\"sha256:1\",\"size\":2,\"manifest\":true},"
                + "\"layers\":[{\"mediaType\":\"b\",\"digest\":\"sha256:2\",\"size\":3,\"platform\":{\"os\":\"linux\","
                + "\"cpu\":\"x\"}}],\"annotations\":{\"k\":\"v\"},\"note\":\"x\"}");
        assertThat(SpecDocuments.manifestViolations("m", manifest)).hasSize(3)
                .anyMatch(v -> v.contains("config sha256:1 has the field \"manifest\""))
                .anyMatch(v -> v.contains("platform has the field \"cpu\""))
                .anyMatch(v -> v.contains("m has the field \"note\""));
        JsonNode index = JSON.readTree("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\",\"digest\":"
                + "\"sha256:1\",\"size\":1,\"annotations\":{\"org.opencontainers.image.ref.name\":\"1\"}}]}");
        assertThat(SpecDocuments.manifestViolations("index.json", index)).isEmpty();
        JsonNode catalog = JSON.readTree("{\"formatVersion\":1,\"pipeline\":\"p\",\"run\":\"r\",\"sourceRegistry\":"
                + "\"s\",\"indexDigest\":\"sha256:1\",\"artifacts\":[{\"reference\":\"a\",\"name\":\"n\",\"digest\":"
                + "\"d\",\"mediaType\":\"m\",\"size\":1,\"manifest\":true}],\"blobs\":[]}");
        assertThat(SpecDocuments.catalogViolations("catalog.json", catalog))
                .containsExactly("catalog.json artifacts[] has the field \"manifest\": true");
        assertThat(SpecDocuments.ociLayoutViolations("oci-layout",
                JSON.readTree("{\"imageLayoutVersion\":\"1.0.0\",\"x\":1}"))).hasSize(1);
    }

    @Test
    void aLayoutsIndexJsonAndManifestsAreChecked() throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a\","
                + "\"digest\":\"sha256:1\",\"size\":1,\"manifest\":true}]}");
        Files.writeString(dir.resolve("blobs/sha256/" + "a".repeat(64)), "{\"schemaVersion\":2,\"layers\":[],"
                + "\"foo\":1}");
        Files.writeString(dir.resolve("blobs/sha256/" + "b".repeat(64)), "{\"architecture\":\"amd64\"}");
        List<String> violations = SpecDocuments.layoutViolations(dir);
        assertThat(violations).hasSize(2).anyMatch(v -> v.contains("index.json manifests[] sha256:1 has the field"
                + " \"manifest\"")).anyMatch(v -> v.contains("\"foo\""));
        assertThatThrownBy(() -> SpecDocuments.assertLayout(dir)).hasMessageContaining("\"manifest\"");
    }
}
