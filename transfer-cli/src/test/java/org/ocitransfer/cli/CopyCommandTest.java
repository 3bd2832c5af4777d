// `transfer copy` end to end: a sample layout -> real Distribution registry A -> registry B (basic auth), as JSON.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.registry.RegistryExtension;

class CopyCommandTest {

    @RegisterExtension
    static RegistryExtension registryA = RegistryExtension.open();

    @RegisterExtension
    static RegistryExtension registryB = RegistryExtension.basic();

    @TempDir
    Path dir;

    @Test
    void copiesFromALayoutIntoOneRegistryAndFromThereIntoAnotherKeepingEveryDigest() {
        Cli cli = new Cli(dir.resolve("state"));
        Path layout = Samples.copyLayout(dir.resolve("layout"));
        Map<String, String> expected = Samples.digests(layout);
        DistributionRegistry a = registryA.registry();
        DistributionRegistry b = registryB.registry();

        Cli.Result seeded = cli.run("copy", "--source-registry", "oci-layout:" + layout, "--target-registry",
                a.url(), "--artifacts", Samples.HELLO, Samples.WORLD, Samples.MULTI, "-o", "json");
        assertThat(seeded.exitCode()).as(seeded.describe()).isZero();
        assertThat(seeded.json().path("status").asText()).isEqualTo("Succeeded");
        assertThat(seeded.json().path("artifactResults")).extracting(n -> n.path("digest").asText())
                .containsExactly(expected.get(Samples.HELLO), expected.get(Samples.WORLD),
                        expected.get(Samples.MULTI));
        assertThat(digests(a, null, expected)).isEqualTo(expected);

        Cli.Result copied = cli.runWithStdin(b.password() + "\n", "copy", "--source-registry", a.url(),
                "--target-registry", b.url(), "--artifacts", Samples.HELLO, Samples.WORLD, Samples.MULTI,
                "--options", "ContinueOnErrors", "OverwriteTags", "--username", b.username(), "--password-stdin");
        assertThat(copied.exitCode()).as(copied.describe()).isZero();
        assertThat(copied.out()).contains("Copy " + a.url() + " -> " + b.url() + ": Succeeded", Samples.HELLO,
                Samples.MULTI);
        assertThat(copied.out() + copied.err()).doesNotContain(b.password());
        assertThat(digests(b, RegistryCredential.basic(b.username(), b.password()), expected)).isEqualTo(expected);

        Cli.Result missing = cli.run("copy", "--source-registry", a.url(), "--target-registry", a.url(),
                "--artifacts", "samples/hello:0.0.404", "-o", "json");
        assertThat(missing.exitCode()).as(missing.describe()).isEqualTo(ExitCodes.FAILED);
        JsonNode result = missing.json();
        assertThat(result.path("status").asText()).isEqualTo("Failed");
        assertThat(missing.err()).contains("Copy failed", "samples/hello:0.0.404", "(source)");

        Cli.Result refused = cli.run("copy", "--source-registry", a.url(), "--target-registry", b.url(),
                "--artifacts", Samples.HELLO, "--options", "OverwriteBlobs");
        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("does not apply to a copy");
    }

    @Test
    void aBareRegistryNameIsAnAzureContainerRegistryInTheCloudNamedAndLayoutsAndUrisAreKept() {
        Cli cli = new Cli(dir.resolve("state"));
        Path layout = Samples.copyLayout(dir.resolve("layout"));
        String target = "oci-layout:" + dir.resolve("target");
        // No such registry is reachable here: the line naming what was copied shows how each name was read.
        Cli.Result named = cli.run("copy", "--source-registry", "GapsNoSuchRegistry", "--target-registry", target,
                "--artifacts", Samples.HELLO);
        assertThat(named.exitCode()).as(named.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(named.out()).contains("Copy https://gapsnosuchregistry.azurecr.io -> " + target + ": Failed");
        Cli.Result china = cli.run("copy", "--source-registry", "oci-layout:" + layout, "--target-registry",
                "gapsnosuchregistry", "--cloud", "AzureChinaCloud", "--artifacts", Samples.HELLO);
        assertThat(china.exitCode()).as(china.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(china.out()).contains("Copy oci-layout:" + layout + " -> https://gapsnosuchregistry.azurecr.cn");

        Cli.Result invalid = cli.run("copy", "--source-registry", "my_registry", "--target-registry", target,
                "--artifacts", Samples.HELLO);
        assertThat(invalid.exitCode()).as(invalid.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(invalid.err()).contains("'my_registry' is neither a registry URI nor a registry name",
                "oci-layout:/path");
        Cli.Result cloud = cli.run("copy", "--source-registry", "myregistry", "--target-registry", target,
                "--cloud", "Mars", "--artifacts", Samples.HELLO);
        assertThat(cloud.exitCode()).as(cloud.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(cloud.err()).contains("AzureUSGovernment");
    }

    private static Map<String, String> digests(DistributionRegistry registry, RegistryCredential credential,
                                               Map<String, String> expected) {
        Map<String, String> digests = new TreeMap<>();
        try (Registry client = HttpRegistry.builder().uri(registry.url())
                .credentials(host -> java.util.Optional.ofNullable(credential)).build()) {
            for (String ref : expected.keySet()) {
                int colon = ref.lastIndexOf(':');
                digests.put(ref, client.repository(ref.substring(0, colon)).resolve(ref.substring(colon + 1))
                        .digest());
            }
        }
        return digests;
    }
}
