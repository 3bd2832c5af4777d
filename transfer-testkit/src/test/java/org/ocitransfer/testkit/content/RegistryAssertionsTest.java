package org.ocitransfer.testkit.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.registry.memory.MemoryRegistry;
import org.ocitransfer.testkit.assertions.RegistryAssertions;
import org.ocitransfer.testkit.registry.RegistryExtension;
import org.ocitransfer.testkit.tools.ExternalTool;
import org.ocitransfer.testkit.random.Seeds;

/**
 * Generated content in the real registry, read back by skopeo into an OCI layout, compared with the assertions;
 * and the assertions' failures on graphs that differ.
 */
class RegistryAssertionsTest {

    @RegisterExtension
    static RegistryExtension registry = RegistryExtension.open();

    @Test
    void theRealRegistryTakesEveryKindAndSkopeoCopiesTheSameGraph(@TempDir Path dir) throws Exception {
        ContentGenerator gen = new ContentGenerator(Seeds.seed(11));
        Repository http = new PlainHttpRepository(registry.registry().url(), "deep/nested/team/app");
        GeneratedArtifact index = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 300,
                ContentGenerator.STREAMED_LAYER_BYTES + 7);
        GeneratedArtifact docker = gen.dockerImage(100, 200);
        GeneratedArtifact artifact = gen.artifact("application/vnd.example.config", 64);
        GeneratedArtifact sbom = gen.sbom(index.root());
        for (PushedArtifact pushed : List.of(index.pushTo(http, "multi"), docker.pushTo(http, "docker"),
                artifact.pushTo(http, "artifact"), sbom.pushTo(http))) {
            RegistryAssertions.assertTag(http, pushed.reference(), pushed.root().digest());
        }
        RegistryAssertions.assertTag(http, "docker", docker.root());

        Path skopeo = ExternalTool.require("skopeo", "apt-get install -y skopeo");
        Path layoutDir = dir.resolve("layout");
        Process p = new ProcessBuilder(skopeo.toString(), "copy", "--all", "--preserve-digests",
                "--src-tls-verify=false", "docker://" + registry.registry().host() + "/deep/nested/team/app:multi",
                // The layout's ref.name is repository:tag: how an oci-layout registry names tags.
                "oci:" + layoutDir + ":copied:multi").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();

        Repository layout = OciLayoutRegistry.open(layoutDir).repository("copied");
        RegistryAssertions.assertSameGraph(http, "multi", layout, "multi");
        RegistryAssertions.assertSameGraph(layout, index.digest(), http, "multi");
        assertThatThrownBy(() -> RegistryAssertions.assertSameGraph(http, "docker", layout, "multi"))
                .isInstanceOf(AssertionError.class).hasMessageContaining(docker.digest())
                .hasMessageContaining(index.digest());
    }

    @Test
    void aMissingBlobOrManifestIsNamedWithItsPath() {
        ContentGenerator gen = new ContentGenerator(Seeds.seed(12));
        GeneratedArtifact index = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 10, 20);
        Repository a = new MemoryRegistry("a").repository("app");
        index.pushTo(a, "v1");
        Repository b = new MemoryRegistry("b").repository("app");
        GeneratedArtifact child = index.children().get(1);
        Descriptor layer = child.blobs().get(child.blobs().size() - 1);
        index.contents().stream().filter(c -> !c.descriptor().equals(layer))
                .forEach(c -> b.push(c.descriptor(), c.source()));
        b.tag(index.root(), "v1");
        assertThatThrownBy(() -> RegistryAssertions.assertSameGraph(a, "v1", b, "v1"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("blob " + layer)
                .hasMessageContaining("missing from memory:b/app")
                .hasMessageContaining("v1 > " + child.digest() + " > " + layer.digest())
                .hasMessageContaining("1 problems");

        Repository c = new MemoryRegistry("c").repository("app");
        index.contents().stream().filter(x -> !x.descriptor().equals(child.root()))
                .forEach(x -> c.push(x.descriptor(), x.source()));
        c.tag(index.root(), "v1");
        assertThatThrownBy(() -> RegistryAssertions.assertSameGraph(a, "v1", c, "v1"))
                .hasMessageContaining("manifest " + child.root()).hasMessageContaining("missing from memory:c/app");
    }

    @Test
    void referrersAreComparedWhenAsked() {
        ContentGenerator gen = new ContentGenerator(Seeds.seed(13));
        GeneratedArtifact image = gen.image(10);
        GeneratedArtifact sbom = gen.sbom(image.root());
        GeneratedArtifact signatureOfSbom = gen.signature(sbom.root());
        Repository a = new MemoryRegistry("a").repository("app");
        Repository b = new MemoryRegistry("b").repository("app");
        for (Repository r : List.of(a, b)) {
            image.pushTo(r, "v1");
            sbom.pushTo(r);
        }
        signatureOfSbom.pushTo(a);
        RegistryAssertions.assertSameGraph(a, "v1", b, "v1");
        assertThatThrownBy(() -> RegistryAssertions.assertSameGraph(a, "v1", b, "v1", true))
                .hasMessageContaining("referrer " + signatureOfSbom.digest())
                .hasMessageContaining("missing from memory:b/app");
        signatureOfSbom.pushTo(b);
        RegistryAssertions.assertSameGraph(a, "v1", b, "v1", true);
    }

    @Test
    void tagAssertionsNameTheTagAndBothDigests() {
        ContentGenerator gen = new ContentGenerator(Seeds.seed(14));
        GeneratedArtifact one = gen.image(1);
        GeneratedArtifact two = gen.image(2);
        Repository repo = new MemoryRegistry("m").repository("app");
        one.pushTo(repo, "v1");
        two.pushTo(repo, "v2");
        RegistryAssertions.assertTag(repo, "v1", one.digest());
        RegistryAssertions.assertNoTag(repo, "v3");
        assertThatThrownBy(() -> RegistryAssertions.assertTag(repo, "v1", two.digest()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("memory:m/app:v1")
                .hasMessageContaining(one.digest()).hasMessageContaining(two.digest());
        assertThatThrownBy(() -> RegistryAssertions.assertTag(repo, "v3", one.digest()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("v3 does not resolve");
        assertThatThrownBy(() -> RegistryAssertions.assertNoTag(repo, "v2"))
                .isInstanceOf(AssertionError.class).hasMessageContaining(two.digest());
    }
}
