// The CLI end to end against the real Distribution registry (the kit's): registry A -> blob in a local directory ->
// registry B, with basic auth on B through --username/--password-stdin.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.registry.RegistryExtension;

class RegistryRunsTest {

    @RegisterExtension
    static RegistryExtension registryA = RegistryExtension.open();

    @RegisterExtension
    static RegistryExtension registryB = RegistryExtension.basic();

    @TempDir
    static Path dir;

    private static Cli cli;
    private static Map<String, String> expected;

    /** Registry A gets the sample layout's artifacts through the CLI itself: layout -> blob -> A. */
    @BeforeAll
    static void seedRegistryA() throws IOException {
        cli = new Cli(dir.resolve("state"));
        Path layout = Samples.copyLayout(dir.resolve("layout"));
        expected = Samples.digests(layout);
        String seed = Files.createDirectories(dir.resolve("seed")).toUri().toString();
        ok(cli.run("export-pipeline", "create", "-n", "seedexport", "-r", "oci-layout:" + layout, "-c", seed));
        ok(cli.run("pipeline-run", "create", "-n", "seedexportrun", "-p", "seedexport", "-t", "export",
                "-b", "seed.tar", "-a", Samples.HELLO, Samples.WORLD, Samples.MULTI));
        ok(cli.run("import-pipeline", "create", "-n", "seedimport", "-r", registryA.registry().url(), "-c", seed,
                "-e", "false"));
        ok(cli.run("pipeline-run", "create", "-n", "seedimportrun", "-p", "seedimport", "-t", "import",
                "-b", "seed.tar"));
        assertThat(digests(registryA.registry(), null)).isEqualTo(expected);

        String transfer = Files.createDirectories(dir.resolve("transfer")).toUri().toString();
        ok(cli.run("export-pipeline", "create", "-n", "fromregistrya", "-r", registryA.registry().url(),
                "-c", transfer));
        ok(cli.run("import-pipeline", "create", "-n", "intoregistryb", "-r", registryB.registry().url(),
                "-c", transfer, "-e", "false"));
    }

    @Test
    void exportFromOneRegistryAndImportIntoAnotherKeepsEveryDigest() {
        JsonNode export = ok(cli.run("pipeline-run", "create", "-n", "atoblobrun", "-p", "fromregistrya",
                "-t", "export", "-b", "a.tar", "-a", Samples.HELLO, Samples.WORLD, Samples.MULTI, "-o", "json")).json();
        assertThat(export.path("response").path("status").asText()).isEqualTo("Succeeded");
        assertThat(export.path("ocitransfer").path("artifactResults")).extracting(n -> n.path("digest").asText())
                .containsExactly(expected.get(Samples.HELLO), expected.get(Samples.WORLD), expected.get(Samples.MULTI));

        DistributionRegistry b = registryB.registry();
        Cli.Result imported = ok(cli.runWithStdin(b.password() + "\n", "pipeline-run", "create", "-n", "blobtobrun",
                "-p", "intoregistryb", "-t", "import", "-b", "a.tar", "--username", b.username(), "--password-stdin",
                "-o", "json"));
        JsonNode response = imported.json().path("response");
        assertThat(response.path("status").asText()).isEqualTo("Succeeded");
        assertThat(response.path("catalogDigest").asText()).isEqualTo(export.path("response").path("catalogDigest").asText());
        assertThat(response.path("importedArtifacts")).extracting(JsonNode::asText)
                .contains(Samples.HELLO, Samples.WORLD, Samples.MULTI);
        assertThat(imported.out() + imported.err()).doesNotContain(b.password());

        assertThat(digests(b, RegistryCredential.basic(b.username(), b.password()))).isEqualTo(expected);
    }

    @Test
    void aWrongPasswordFailsTheRunWithAnAuthErrorAndIsNeverPrinted() {
        ok(cli.run("pipeline-run", "create", "-n", "wrongpassexport", "-p", "fromregistrya", "-t", "export",
                "-b", "wrongpass.tar", "-a", Samples.WORLD));
        String wrong = "not-the-password-4711";
        Cli.Result result = cli.runWithStdin(wrong, "pipeline-run", "create", "-n", "wrongpassrun", "-p",
                "intoregistryb", "-t", "import", "-b", "wrongpass.tar", "--username", registryB.registry().username(),
                "--password-stdin", "-o", "json");
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(ExitCodes.FAILED);
        String message = result.json().path("response").path("pipelineRunErrorMessage").asText();
        assertThat(message).containsIgnoringCase("password");
        assertThat(result.err()).contains("Run wrongpassrun failed", message);
        assertThat(result.out() + result.err()).doesNotContain(wrong);
        assertThat(cli.run("pipeline-run", "show", "-n", "wrongpassrun", "-o", "json").out()).doesNotContain(wrong);
    }

    @Test
    void aMissingTagFailsTheRunAndPrintsItsErrorMessage() {
        Cli.Result result = cli.run("pipeline-run", "create", "-n", "missingtagrun", "-p", "fromregistrya",
                "-t", "export", "-b", "missing.tar", "-a", Samples.HELLO, "samples/hello:0.0.404");
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.out()).contains("STATUS", "ERROR_MESSAGE", "Failed", "samples/hello:0.0.404");
        String message = cli.run("pipeline-run", "show", "-n", "missingtagrun", "-o", "json").json()
                .path("response").path("pipelineRunErrorMessage").asText();
        assertThat(message).contains("samples/hello:0.0.404");
        assertThat(result.err()).contains("Run missingtagrun failed: " + message);
    }

    @Test
    void credentialsComeFromTheEnvironmentOrTheDockerConfig() throws Exception {
        ok(cli.run("pipeline-run", "create", "-n", "credexportrun", "-p", "fromregistrya", "-t", "export",
                "-b", "cred.tar", "-a", Samples.HELLO));
        DistributionRegistry b = registryB.registry();
        String state = dir.resolve("state").toString();

        Cli.Result anonymous = ChildProcess.start(dir, Map.of(), "--state-dir", state, "pipeline-run", "create",
                "-n", "anonymousrun", "-p", "intoregistryb", "-t", "import", "-b", "cred.tar").await();
        assertThat(anonymous.exitCode()).as(anonymous.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(anonymous.err()).contains("Run anonymousrun failed:", b.host());

        Cli.Result environment = ChildProcess.start(dir, Map.of("TRANSFER_REGISTRY_USERNAME", b.username(),
                "TRANSFER_REGISTRY_PASSWORD", b.password()), "--state-dir", state, "pipeline-run", "create",
                "-n", "environmentrun", "-p", "intoregistryb", "-t", "import", "-b", "cred.tar").await();
        assertThat(environment.exitCode()).as(environment.describe()).isZero();

        Path dockerConfig = Files.createDirectories(dir.resolve("docker"));
        String auth = Base64.getEncoder().encodeToString((b.username() + ":" + b.password())
                .getBytes(StandardCharsets.UTF_8));
        Files.writeString(dockerConfig.resolve("config.json"),
                "{\"auths\":{\"" + b.host() + "\":{\"auth\":\"" + auth + "\"}}}");
        Cli.Result docker = ChildProcess.start(dir, Map.of("DOCKER_CONFIG", dockerConfig.toString()),
                "--state-dir", state, "pipeline-run", "create", "-n", "dockerconfigrun", "-p", "intoregistryb",
                "-t", "import", "-b", "cred.tar").await();
        assertThat(docker.exitCode()).as(docker.describe()).isZero();
        for (Cli.Result result : List.of(anonymous, environment, docker)) {
            assertThat(result.out() + result.err()).doesNotContain(b.password()).doesNotContain(auth);
        }
    }

    private static Map<String, String> digests(DistributionRegistry registry, RegistryCredential credential) {
        Map<String, String> digests = new TreeMap<>();
        try (Registry client = HttpRegistry.builder().uri(registry.url())
                .credentials(host -> java.util.Optional.ofNullable(credential)).build()) {
            for (String ref : expected.keySet()) {
                int colon = ref.lastIndexOf(':');
                digests.put(ref, client.repository(ref.substring(0, colon)).resolve(ref.substring(colon + 1)).digest());
            }
        }
        return digests;
    }

    private static Cli.Result ok(Cli.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }
}
