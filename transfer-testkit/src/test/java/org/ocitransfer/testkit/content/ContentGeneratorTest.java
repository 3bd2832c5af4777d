package org.ocitransfer.testkit.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.Manifests;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.registry.ReferrersSupport;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.memory.MemoryRegistry;
import org.ocitransfer.testkit.assertions.RegistryAssertions;
import org.ocitransfer.testkit.random.Seeds;

/** The generator: deterministic, well-formed content of every kind, pushable into any Repository. */
class ContentGeneratorTest {

    @Test
    void theSameSeedGivesTheSameContentAndAnotherSeedDifferentContent() {
        List<String> first = everyKind(new ContentGenerator(Seeds.seed(7)));
        List<String> again = everyKind(new ContentGenerator(Seeds.seed(7)));
        List<String> other = everyKind(new ContentGenerator(Seeds.seed(8)));
        String empty = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"; // {} in both
        assertThat(first).isEqualTo(again).contains(empty);
        assertThat(first.stream().filter(d -> !d.equals(empty))).doesNotContainAnyElementsOf(other);
        assertThat(first).doesNotHaveDuplicates();
    }

    @Test
    void contentIsTheSameFromOneJvmToTheNext() {
        // Pinned once: a change here means the generator's output changed (e.g. an unordered map crept in), which
        // breaks tests that rely on content being the same across runs. A fixed seed on purpose: the input pinned.
        GeneratedArtifact index = new ContentGenerator(42).multiArchIndex(List.of("linux/amd64", "linux/arm64/v8"),
                100, 200);
        assertThat(index.digest()).isEqualTo(PINNED_INDEX_DIGEST);
    }

    static final String PINNED_INDEX_DIGEST = "sha256:4eba6bc4dd14e0e700bc2ffcfd2c22fb65b0d2ce503ec61f3cb779db14cb282a";

    @Test
    void imagesHaveAConfigAndTheirLayers() {
        ContentGenerator gen = new ContentGenerator(Seeds.seed(1));
        GeneratedArtifact image = gen.image(10, 20, 30);
        Manifests.Parsed parsed = Manifests.parse(image.root(), image.rootBytes());
        assertThat(image.root().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(parsed.config().mediaType()).isEqualTo(MediaTypes.OCI_CONFIG);
        assertThat(parsed.layers()).extracting(Descriptor::size).containsExactly(10L, 20L, 30L);
        assertThat(image.blobs()).containsExactlyElementsOf(parsed.children());
        assertThat(image.manifests()).containsExactly(image.root());
        assertThat(image.platform()).containsEntry("os", "linux").containsEntry("architecture", "amd64");
        String config = new String(image.contents().get(0).bytes(), StandardCharsets.UTF_8);
        assertThat(config).contains("\"architecture\":\"amd64\"").contains(parsed.layers().get(2).digest());
        for (GeneratedContent c : image.contents()) {
            assertThat(Digest.sha256(c.bytes()).toString()).isEqualTo(c.descriptor().digest());
            assertThat((long) c.bytes().length).isEqualTo(c.descriptor().size());
        }
    }

    @Test
    void sharedLayersAppearOnceAndImagesWithTheSameLayersStillDiffer() {
        ContentGenerator gen = new ContentGenerator(Seeds.seed(2));
        List<GeneratedContent> pool = gen.layers(64, 128);
        GeneratedArtifact a = gen.image(pool);
        GeneratedArtifact b = gen.image(pool);
        assertThat(a.digest()).isNotEqualTo(b.digest());
        GeneratedArtifact c = gen.image(pool, 32);
        assertThat(Manifests.parse(c.root(), c.rootBytes()).layers()).extracting(Descriptor::size)
                .containsExactly(64L, 128L, 32L);
        GeneratedArtifact index = gen.index(List.of(a, b));
        assertThat(index.blobs()).hasSize(4); // two configs, two shared layers
        assertThat(index.manifests()).containsExactly(a.root(), b.root(), index.root());
        assertThat(index.children()).containsExactly(a, b);
    }

    @Test
    void multiArchIndexesListEachPlatform() {
        GeneratedArtifact index = new ContentGenerator(Seeds.seed(3)).multiArchIndex(
                List.of("linux/amd64", "linux/arm64/v8", "windows/amd64"), 50);
        Manifests.Parsed parsed = Manifests.parse(index.root(), index.rootBytes());
        assertThat(parsed.isIndex()).isTrue();
        assertThat(parsed.manifests()).hasSize(3);
        assertThat(parsed.manifests().get(1).platform()).isEqualTo(
                Map.of("os", "linux", "architecture", "arm64", "variant", "v8"));
        assertThat(index.blobs()).hasSize(3 + 1 + 3); // configs, the shared layer, one own layer each
        assertThatThrownBy(() -> new ContentGenerator(Seeds.seed(3)).multiArchIndex(List.of("amd64")))
                .hasMessageContaining("os/architecture");
    }

    @Test
    void dockerImagesAndManifestListsUseDockerMediaTypes() {
        ContentGenerator gen = new ContentGenerator(Seeds.seed(4));
        GeneratedArtifact image = gen.dockerImage(10, 20);
        Manifests.Parsed parsed = Manifests.parse(image.root(), image.rootBytes());
        assertThat(image.root().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(parsed.config().mediaType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
        assertThat(parsed.layers()).extracting(Descriptor::mediaType).containsOnly(MediaTypes.DOCKER_LAYER_GZIP);
        GeneratedArtifact list = gen.dockerManifestList(List.of("linux/amd64", "linux/arm64"), 10);
        assertThat(list.root().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
        assertThat(Manifests.parse(list.root(), list.rootBytes()).manifests())
                .extracting(Descriptor::mediaType).containsOnly(MediaTypes.DOCKER_MANIFEST);
    }

    @Test
    void artifactsHaveAnArtifactTypeAndTheEmptyConfig() {
        ContentGenerator gen = new ContentGenerator(Seeds.seed(5));
        GeneratedArtifact artifact = gen.artifact("application/vnd.example.thing", 33);
        Manifests.Parsed parsed = Manifests.parse(artifact.root(), artifact.rootBytes());
        assertThat(parsed.artifactType()).isEqualTo("application/vnd.example.thing");
        assertThat(artifact.root().artifactType()).isEqualTo("application/vnd.example.thing");
        assertThat(parsed.config()).isEqualTo(Descriptor.of(MediaTypes.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8)));
        assertThat(parsed.config().digest())
                .isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
        assertThat(parsed.layers()).extracting(Descriptor::size).containsExactly(33L);

        GeneratedArtifact bare = gen.artifact("application/vnd.example.marker");
        assertThat(Manifests.parse(bare.root(), bare.rootBytes()).layers()).containsExactly(parsed.config());
        assertThat(bare.blobs()).containsExactly(parsed.config());
    }

    @Test
    void referrersPointAtTheirSubject() {
        ContentGenerator gen = new ContentGenerator(Seeds.seed(6));
        GeneratedArtifact image = gen.image(10);
        GeneratedArtifact sbom = gen.sbom(image.root());
        GeneratedArtifact signature = gen.signature(image.root());
        GeneratedArtifact custom = gen.referrer(sbom.root(), "application/vnd.example.attestation",
                "application/vnd.in-toto+json", 40);
        assertThat(Manifests.parse(sbom.root(), sbom.rootBytes()).subject()).isEqualTo(image.root());
        assertThat(sbom.subject()).isEqualTo(image.root());
        assertThat(sbom.root().artifactType()).isEqualTo("application/spdx+json");
        assertThat(signature.root().artifactType()).isEqualTo("application/vnd.cncf.notary.signature");
        assertThat(Manifests.parse(custom.root(), custom.rootBytes()).subject().digest()).isEqualTo(sbom.digest());
        assertThat(new String(sbom.contents().get(1).bytes(), StandardCharsets.UTF_8)).contains("SPDX-2.3");
    }

    @Test
    void largeLayersAreStreamedFromTheirSeedAndReplayable() throws Exception {
        long size = 3 * ContentGenerator.STREAMED_LAYER_BYTES + 5;
        GeneratedContent layer = new ContentGenerator(Seeds.seed(9)).layer(size);
        assertThat(layer.source().replayable()).isTrue();
        for (int i = 0; i < 2; i++) {
            try (InputStream in = new VerifyingInputStream(layer.source().open(), layer.descriptor(), "generator")) {
                assertThat(in.transferTo(java.io.OutputStream.nullOutputStream())).isEqualTo(size);
            }
        }
        assertThat(new ContentGenerator(Seeds.seed(9)).layer(size).descriptor()).isEqualTo(layer.descriptor());
        assertThatThrownBy(() -> new ContentGenerator(Seeds.seed(9)).layer(20L << 20).bytes())
                .hasMessageContaining("stream it");
    }

    @Test
    void pushesIntoARepositoryChildrenFirstThenTags() {
        ContentGenerator gen = new ContentGenerator(Seeds.seed(10));
        GeneratedArtifact index = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 100,
                2 * ContentGenerator.STREAMED_LAYER_BYTES);
        GeneratedArtifact sbom = gen.sbom(index.root());
        Repository repo = new MemoryRegistry("gen").repository("team/app");
        PushedArtifact pushed = index.pushTo(repo, "v1");
        PushedArtifact pushedSbom = sbom.pushTo(repo);
        assertThat(pushed.reference()).isEqualTo("v1");
        assertThat(pushed.toString()).isEqualTo("team/app:v1");
        assertThat(pushedSbom.reference()).isEqualTo(sbom.digest());
        RegistryAssertions.assertTag(repo, "v1", index.digest());
        RegistryAssertions.assertTag(repo, "v1", index.root());
        index.descriptors().forEach(d -> assertThat(repo.exists(d)).as(d.toString()).isTrue());
        sbom.descriptors().forEach(d -> assertThat(repo.exists(d)).as(d.toString()).isTrue());
        assertThat(((ReferrersSupport) repo).referrers(index.root())).extracting(Descriptor::digest)
                .containsExactly(sbom.digest());
        // Pushing again skips what is there and keeps the tag.
        index.pushTo(repo, "v1");
        RegistryAssertions.assertTag(repo, "v1", index.digest());
    }

    /** Generates one of each kind and returns every digest, in order. */
    private static List<String> everyKind(ContentGenerator gen) {
        List<GeneratedArtifact> all = new java.util.ArrayList<>();
        List<GeneratedContent> pool = gen.layers(10, 2 * ContentGenerator.STREAMED_LAYER_BYTES);
        all.add(gen.image(pool));
        all.add(gen.image("linux/arm64/v8", pool));
        all.add(gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 30));
        all.add(gen.dockerImage(40));
        all.add(gen.dockerManifestList(List.of("linux/amd64"), 5));
        all.add(gen.artifact("application/vnd.example", 50));
        all.add(gen.sbom(all.get(0).root()));
        all.add(gen.signature(all.get(0).root()));
        all.add(gen.referrer(all.get(1).root(), "application/vnd.example.att", "application/json", 60));
        return all.stream().flatMap(a -> a.descriptors().stream()).map(Descriptor::digest).distinct().toList();
    }
}
