// Signing in to the REAL Distribution registry through each credential source a workstation has: a docker
// credential helper (credHelpers, credsStore; a fake helper program on a PATH given to the code, never the JVM's),
// podman/skopeo's auth.json, and the 401 message naming where it looked when none had the host.
package org.ocitransfer.testkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;
import org.ocitransfer.core.registry.auth.ContainersAuthCredentials;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.auth.DockerConfigCredentials;
import org.ocitransfer.core.registry.auth.EnvironmentCredentials;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.RetryPolicy;
import org.ocitransfer.testkit.assertions.RegistryAssertions;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.registry.RegistryExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.ocitransfer.testkit.random.Seeds;

class CredentialSourcesRegistryTest {

    @RegisterExtension
    static RegistryExtension basicRegistry = RegistryExtension.basic();
    @RegisterExtension
    static RegistryExtension tokenRegistry = RegistryExtension.with(b -> b.auth(AuthMode.TOKEN));

    @TempDir
    Path dir;

    private ContentGenerator gen;

    /** Content of its own for each test (the registry is shared), the same again on a rerun with the seed. */
    @BeforeEach
    void generator(TestInfo test) {
        gen = new ContentGenerator(Seeds.seed((test.getTestMethod().orElseThrow().getName() + test.getDisplayName())
                .hashCode()));
    }

    /** A docker-credential-NAME script in dir/bin that answers one server and logs each server asked. */
    private Path fakeHelper(String name, String server, String username, String secret) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path script = bin.resolve("docker-credential-" + name);
        Files.writeString(script, "#!/bin/sh\n[ \"$1\" = get ] || exit 9\nread -r server || true\n"
                + "echo \"$server\" >> '" + dir.resolve("asked.txt") + "'\n"
                + "if [ \"$server\" = '" + server + "' ]; then\n"
                + "  printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' \"$server\" '" + username
                + "' '" + secret + "'\n  exit 0\nfi\necho 'credentials not found in native keychain'\nexit 1\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return bin;
    }

    private Path dockerConfig(String json) throws Exception {
        Path config = Files.createDirectories(dir.resolve("docker"));
        Files.writeString(config.resolve("config.json"), json);
        return config;
    }

    private static HttpRegistry client(DistributionRegistry registry, CredentialProvider credentials) {
        return HttpRegistry.builder().uri(registry.url()).retry(RetryPolicy.none()).credentials(credentials).build();
    }

    private void pushAndRead(DistributionRegistry registry, CredentialProvider credentials, String repository) {
        try (HttpRegistry client = client(registry, credentials)) {
            GeneratedArtifact image = gen.image(300, 200);
            image.pushTo(client.repository(repository), "v1");
            RegistryAssertions.assertTag(client.repository(repository), "v1", image.root());
        }
    }

    @Test
    void aCredHelpersHelperSignsInToTheRealRegistryInHtpasswdMode() throws Exception {
        DistributionRegistry registry = basicRegistry.registry();
        Path bin = fakeHelper("fake", registry.host(), registry.username(), registry.password());
        Path config = dockerConfig("{\"auths\":{},\"credHelpers\":{\"" + registry.host() + "\":\"fake\"}}");
        DockerConfigCredentials credentials = DockerConfigCredentials.load(Map.of("DOCKER_CONFIG", config.toString(),
                "PATH", bin.toString()), dir.resolve("home"));

        pushAndRead(registry, credentials, "helper/app");
        assertThat(Files.readAllLines(dir.resolve("asked.txt"))).containsExactly(registry.host()); // run once
    }

    @Test
    void aCredsStoreHelperGivingAnIdentityTokenSignsInThroughTheTokenService() throws Exception {
        DistributionRegistry registry = tokenRegistry.registry();
        String refresh = registry.tokenServer().issueRefreshToken(registry.username());
        Path bin = fakeHelper("store", registry.host(), "<token>", refresh);
        Path config = dockerConfig("{\"auths\":{\"" + registry.host() + "\":{}},\"credsStore\":\"store\"}");
        pushAndRead(registry, DockerConfigCredentials.load(Map.of("DOCKER_CONFIG", config.toString(),
                "PATH", bin.toString()), dir.resolve("home")), "store/app");
    }

    @Test
    void aPodmanAuthJsonSignsInToTheRealRegistryInHtpasswdMode() throws Exception {
        DistributionRegistry registry = basicRegistry.registry();
        Path authFile = dir.resolve("auth.json");
        String auth = Base64.getEncoder().encodeToString((registry.username() + ":" + registry.password())
                .getBytes(StandardCharsets.UTF_8));
        Files.writeString(authFile, "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");
        ContainersAuthCredentials credentials = ContainersAuthCredentials.load(Map.of("REGISTRY_AUTH_FILE",
                authFile.toString()), dir.resolve("home"));

        pushAndRead(registry, credentials, "podman/app");
    }

    @Test
    void theUnauthorizedMessageNamesWhereItLookedAndWhatItSkipped() throws Exception {
        DistributionRegistry registry = basicRegistry.registry();
        Path config = dockerConfig("{\"auths\":{\"other.example\":{\"auth\":\"" + Base64.getEncoder()
                .encodeToString("x:y".getBytes(StandardCharsets.UTF_8)) + "\"}},\"credsStore\":\"pass\"}");
        Map<String, String> env = Map.of("DOCKER_CONFIG", config.toString(), "PATH", dir.resolve("empty").toString(),
                "XDG_RUNTIME_DIR", dir.resolve("run").toString());
        CredentialProvider chain = EnvironmentCredentials.from(env)
                .orElse(DockerConfigCredentials.load(env, dir.resolve("home")))
                .orElse(ContainersAuthCredentials.load(env, dir.resolve("home")));

        try (HttpRegistry client = client(registry, chain)) {
            assertThatThrownBy(() -> client.repository("team/app").tags())
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAUTHORIZED);
                        assertThat(e.getMessage()).contains("no credentials were given for " + registry.host(),
                                "TRANSFER_REGISTRY_* (not set)",
                                config.resolve("config.json") + " (credsStore helper docker-credential-pass not on"
                                        + " PATH, no entry)",
                                dir.resolve("run/containers/auth.json") + " (absent)",
                                dir.resolve("home/.config/containers/auth.json") + " (absent)",
                                "docker login or podman login");
                    });
        }
    }

    @Test
    void refusedCredentialsAreTracedToTheFileTheyCameFrom() throws Exception {
        DistributionRegistry registry = basicRegistry.registry();
        Path authFile = dir.resolve("auth.json");
        String auth = Base64.getEncoder().encodeToString((registry.username() + ":stale-pass-77")
                .getBytes(StandardCharsets.UTF_8));
        Files.writeString(authFile, "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");
        Map<String, String> env = Map.of("REGISTRY_AUTH_FILE", authFile.toString());
        CredentialProvider chain = EnvironmentCredentials.from(env)
                .orElse(ContainersAuthCredentials.load(env, dir.resolve("home")));

        try (HttpRegistry client = client(registry, chain)) {
            assertThatThrownBy(() -> client.repository("team/app").tags())
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAUTHORIZED);
                        assertThat(e.getMessage()).contains("refused the credentials of user '"
                                + registry.username() + "'", "TRANSFER_REGISTRY_* (not set)",
                                authFile + " (auths entry)", "log in again");
                        assertThat(e.getMessage()).doesNotContain("stale-pass-77", auth);
                    });
        }
    }
}
