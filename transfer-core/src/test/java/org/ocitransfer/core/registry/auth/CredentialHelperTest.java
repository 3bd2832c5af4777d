// Docker credential helpers (fake helper programs written by the test into a temp dir given as the PATH) and
// podman/skopeo auth.json files: what each gives, in which order, and errors that name the helper, never a secret.
package org.ocitransfer.core.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.TransferException;

class CredentialHelperTest {

    @TempDir
    Path dir;

    private Path bin() throws Exception {
        return Files.createDirectories(dir.resolve("bin"));
    }

    /** Writes an executable {@code docker-credential-<name>} shell script with this body. */
    private void helper(String name, String body) throws Exception {
        Path script = bin().resolve("docker-credential-" + name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }

    /** A helper that knows one server (read from stdin) and records what it was asked in {@code asked.txt}. */
    private void knowing(String name, String server, String username, String secret) throws Exception {
        helper(name, "[ \"$1\" = get ] || exit 9\n"
                + "read -r server || true\n"
                + "echo \"$server\" >> '" + dir.resolve("asked.txt") + "'\n"
                + "if [ \"$server\" = '" + server + "' ]; then\n"
                + "  printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' \"$server\" '" + username
                + "' '" + secret + "'\n  exit 0\nfi\n"
                + "echo 'credentials not found in native keychain'\nexit 1");
    }

    private Path dockerConfig(String json) throws Exception {
        Path config = Files.createDirectories(dir.resolve("docker"));
        Files.writeString(config.resolve("config.json"), json);
        return config;
    }

    private DockerConfigCredentials docker(Path configDir) throws Exception {
        return DockerConfigCredentials.load(Map.of("DOCKER_CONFIG", configDir.toString(), "PATH", bin().toString()),
                dir.resolve("home"));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void credHelpersAndCredsStoreAreRunWithTheHostOnStdin() throws Exception {
        knowing("teststore", "reg.example:5000", "alice", "from-store");
        knowing("tokens", "tok.example", "<token>", "refresh-123");
        DockerConfigCredentials creds = docker(dockerConfig("{\"auths\":{\"reg.example:5000\":{}},"
                + "\"credsStore\":\"teststore\",\"credHelpers\":{\"tok.example\":\"tokens\"}}"));

        RegistryCredential basic = creds.credentialFor("reg.example:5000").orElseThrow();
        assertThat(basic.username()).isEqualTo("alice");
        assertThat(basic.password().reveal()).isEqualTo("from-store");
        RegistryCredential token = creds.credentialFor("tok.example").orElseThrow(); // <token>: an identity token
        assertThat(token.identityToken().reveal()).isEqualTo("refresh-123");
        assertThat(token.password()).isNull();
        assertThat(creds.credentialFor("other.example")).isEmpty(); // "not found in native keychain": no credential
        creds.credentialFor("reg.example:5000"); // asked again: kept, the helper is not run twice
        assertThat(Files.readAllLines(dir.resolve("asked.txt")))
                .containsExactly("reg.example:5000", "tok.example", "other.example");
        assertThat(creds.searched("other.example")).singleElement().asString()
                .contains("config.json", "credsStore helper docker-credential-teststore has no entry", "no entry");
    }

    @Test
    void aHelperNotOnThePathIsSkippedAndSaidSoAndTheAuthsEntryIsUsed() throws Exception {
        bin();
        DockerConfigCredentials creds = docker(dockerConfig("{\"auths\":{\"reg.example\":{\"auth\":\""
                + b64("bob:inline") + "\"}},\"credsStore\":\"nothere\"}"));
        assertThat(creds.credentialFor("reg.example").orElseThrow().username()).isEqualTo("bob");
        assertThat(creds.credentialFor("elsewhere.example")).isEmpty();
        assertThat(creds.searched("elsewhere.example")).singleElement().asString()
                .contains("docker-credential-nothere not on PATH", "no entry");
    }

    @Test
    void aFailingHelperIsNamedWithItsStatusAndStderrButNeverItsStdout() throws Exception {
        helper("broken", "read -r server\necho 'S3CRET-ON-STDOUT'\necho 'gpg: decryption failed: No secret key' >&2\n"
                + "echo 'second line' >&2\nexit 3");
        DockerConfigCredentials creds = docker(dockerConfig("{\"credHelpers\":{\"reg.example\":\"broken\"}}"));
        assertThatThrownBy(() -> creds.credentialFor("reg.example")).isInstanceOf(TransferException.class)
                .hasMessageContaining("docker-credential-broken")
                .hasMessageContaining("exit status 3: gpg: decryption failed: No secret key")
                .hasMessageNotContaining("S3CRET-ON-STDOUT").hasMessageNotContaining("second line");
    }

    @Test
    void aHelperPastItsTimeLimitIsKilledAndNamed() throws Exception {
        Path pidFile = dir.resolve("pid");
        helper("slow", "echo $$ > '" + pidFile + "'\nsleep 60");
        CredentialHelper slow = CredentialHelper.find("slow", bin().toString(), Duration.ofMillis(700))
                .orElseThrow();
        assertThatThrownBy(() -> slow.get("reg.example")).isInstanceOf(TransferException.class)
                .hasMessageContaining("docker-credential-slow did not answer within 700 ms")
                .hasMessageContaining("was stopped");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void authJsonFilesAreFoundAsPodmanFindsThem() throws Exception {
        Path runtime = Files.createDirectories(dir.resolve("run/containers"));
        Files.writeString(runtime.resolve("auth.json"), "{\"auths\":{\"a.example\":{\"auth\":\"" + b64("run:1")
                + "\"},\"quay.example/team\":{\"auth\":\"" + b64("scoped:2") + "\"}}}");
        Path config = Files.createDirectories(dir.resolve("home/.config/containers"));
        Files.writeString(config.resolve("auth.json"), "{\"auths\":{\"a.example\":{\"auth\":\"" + b64("cfg:1")
                + "\"},\"b.example\":{\"auth\":\"" + b64("cfg:2") + "\"}}}");
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", dir.resolve("run").toString());

        ContainersAuthCredentials creds = ContainersAuthCredentials.load(env, dir.resolve("home"));
        assertThat(creds.credentialFor("a.example").orElseThrow().username()).isEqualTo("run"); // runtime dir first
        assertThat(creds.credentialFor("b.example").orElseThrow().username()).isEqualTo("cfg");
        assertThat(creds.credentialFor("quay.example")).isEmpty(); // repository-scoped keys are not used
        assertThat(String.join("\n", creds.searched("quay.example")))
                .contains(runtime.resolve("auth.json") + " (only repository-scoped auths entries, not used)",
                        config.resolve("auth.json") + " (no entry)");

        Path explicit = dir.resolve("my-auth.json");
        Files.writeString(explicit, "{\"auths\":{\"b.example\":{\"auth\":\"" + b64("explicit:3") + "\"}}}");
        ContainersAuthCredentials only = ContainersAuthCredentials.load(Map.of("REGISTRY_AUTH_FILE",
                explicit.toString(), "XDG_RUNTIME_DIR", dir.resolve("run").toString()), dir.resolve("home"));
        assertThat(only.credentialFor("b.example").orElseThrow().username()).isEqualTo("explicit");
        assertThat(only.credentialFor("a.example")).isEmpty(); // REGISTRY_AUTH_FILE alone, as podman does
        assertThat(only.searched("a.example")).containsExactly(explicit + " (no entry)");
    }
}
