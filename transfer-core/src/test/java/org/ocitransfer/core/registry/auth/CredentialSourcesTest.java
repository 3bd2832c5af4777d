// Tests of the credential sources: a docker config.json (auth, identitytoken, URL keys, Docker Hub aliases) and
// the environment variables.
package org.ocitransfer.core.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.TransferException;

class CredentialSourcesTest {

    @TempDir
    Path dir;

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void dockerConfigGivesBasicAndIdentityTokenCredentialsByHost() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"auths\":{"
                + "\"localhost:5000\":{\"auth\":\"" + b64("alice:pa:ss") + "\"},"
                + "\"https://myreg.azurecr.io/v1/\":{\"auth\":\"" + b64("00000000-0000-0000-0000-000000000000:")
                + "\",\"identitytoken\":\"refresh-me\"},"
                + "\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("bob:hub") + "\"},"
                + "\"helper.example\":{}},"
                + "\"credsStore\":\"desktop\"}");

        DockerConfigCredentials creds = DockerConfigCredentials.load(Map.of("DOCKER_CONFIG", dir.toString()),
                Path.of("/nonexistent"));

        RegistryCredential local = creds.credentialFor("localhost:5000").orElseThrow();
        assertThat(local.username()).isEqualTo("alice");
        assertThat(local.password().reveal()).isEqualTo("pa:ss");
        RegistryCredential acr = creds.credentialFor("MyReg.azurecr.io").orElseThrow();
        assertThat(acr.identityToken().reveal()).isEqualTo("refresh-me");
        assertThat(acr.password()).isNull();
        assertThat(creds.credentialFor("registry-1.docker.io").orElseThrow().username()).isEqualTo("bob");
        assertThat(creds.credentialFor("helper.example")).isEmpty();
        assertThat(creds.credentialFor("other:5000")).isEmpty();
        assertThat(creds.toString()).doesNotContain("pa:ss", "refresh-me");
    }

    @Test
    void aMissingDockerConfigMeansNoCredentialsAndABrokenOneIsNamed() throws Exception {
        assertThat(DockerConfigCredentials.from(dir.resolve("absent.json")).credentialFor("x")).isEmpty();

        Path broken = dir.resolve("config.json");
        Files.writeString(broken, "{\"auths\":{\"x\":{\"auth\":\"not base64!\"}}}");
        assertThatThrownBy(() -> DockerConfigCredentials.from(broken)).isInstanceOf(TransferException.class)
                .hasMessageContaining(broken.toString()).hasMessageContaining("docker login");
    }

    @Test
    void environmentCredentialsApplyToTheNamedHostOrToAll() {
        EnvironmentCredentials all = EnvironmentCredentials.from(Map.of(EnvironmentCredentials.USERNAME, "u",
                EnvironmentCredentials.PASSWORD, "p"));
        assertThat(all.credentialFor("any:1").orElseThrow().password().reveal()).isEqualTo("p");

        EnvironmentCredentials one = EnvironmentCredentials.from(Map.of(EnvironmentCredentials.IDENTITY_TOKEN, "t",
                EnvironmentCredentials.HOST, "reg.example"));
        assertThat(one.credentialFor("reg.example").orElseThrow().identityToken().reveal()).isEqualTo("t");
        assertThat(one.credentialFor("other.example")).isEmpty();

        assertThat(EnvironmentCredentials.from(Map.of()).credentialFor("x")).isEmpty();
        assertThatThrownBy(() -> EnvironmentCredentials.from(Map.of(EnvironmentCredentials.USERNAME, "u")))
                .isInstanceOf(TransferException.class).hasMessageContaining(EnvironmentCredentials.PASSWORD);
    }
}
