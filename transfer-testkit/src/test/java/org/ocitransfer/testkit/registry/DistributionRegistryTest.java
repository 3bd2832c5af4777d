package org.ocitransfer.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Starts the real Distribution registry in each auth mode and talks to it with plain HTTP calls. */
class DistributionRegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] BLOB = "a blob pushed by DistributionRegistryTest\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void openModeAnswersAndStoresBlobs() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.start(AuthMode.OPEN)) {
            assertThat(registry.url()).isEqualTo("http://" + registry.host()).startsWith("http://127.0.0.1:");
            assertThat(registry.username()).isNull();
            assertThat(PlainHttp.get(registry.url() + "/v2/", null).statusCode()).isEqualTo(200);
            String digest = PlainHttp.pushBlob(registry.url(), "kit/open", BLOB, null);
            HttpResponse<byte[]> blob = PlainHttp.get(registry.url() + "/v2/kit/open/blobs/" + digest, null);
            assertThat(blob.statusCode()).isEqualTo(200);
            assertThat(blob.body()).isEqualTo(BLOB);
            assertThat(registry.logFile()).startsWith(registry.storageDir()).exists();
        }
    }

    @Test
    void basicModeNeedsTheRightPassword() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.start(AuthMode.BASIC)) {
            HttpResponse<byte[]> anonymous = PlainHttp.get(registry.url() + "/v2/", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Basic realm="));
            assertThat(PlainHttp.get(registry.url() + "/v2/", PlainHttp.basic(registry.username(), "wrong"))
                    .statusCode()).isEqualTo(401);
            String auth = PlainHttp.basic(registry.username(), registry.password());
            assertThat(PlainHttp.get(registry.url() + "/v2/", auth).statusCode()).isEqualTo(200);
            String digest = PlainHttp.pushBlob(registry.url(), "kit/basic", BLOB, auth);
            assertThat(PlainHttp.get(registry.url() + "/v2/kit/basic/blobs/" + digest, auth).body()).isEqualTo(BLOB);
            assertThat(Files.readString(registry.storageDir().resolve("htpasswd")))
                    .startsWith(registry.username() + ":$2").doesNotContain(registry.password());
        }
    }

    @Test
    void tokenModeChallengesAndAcceptsTheTokenServersTokens() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.start(AuthMode.TOKEN)) {
            HttpResponse<byte[]> challenge = PlainHttp.get(registry.url() + "/v2/kit/token/tags/list", null);
            assertThat(challenge.statusCode()).isEqualTo(401);
            String header = challenge.headers().firstValue("WWW-Authenticate").orElseThrow();
            Map<String, String> params = bearerParams(header);
            assertThat(params).containsEntry("realm", registry.tokenServer().realm())
                    .containsEntry("service", registry.tokenServer().service())
                    .containsEntry("scope", "repository:kit/token:pull");

            String scope = "repository:kit/token:pull,push";
            String tokenUrl = params.get("realm") + "?service=" + enc(params.get("service")) + "&scope=" + enc(scope);
            assertThat(PlainHttp.get(tokenUrl, PlainHttp.basic(registry.username(), "wrong")).statusCode())
                    .isEqualTo(401);
            HttpResponse<byte[]> tokenResponse = PlainHttp.get(tokenUrl,
                    PlainHttp.basic(registry.username(), registry.password()));
            assertThat(tokenResponse.statusCode()).isEqualTo(200);
            JsonNode token = JSON.readTree(tokenResponse.body());
            String bearer = "Bearer " + token.get("token").asText();

            String digest = PlainHttp.pushBlob(registry.url(), "kit/token", BLOB, bearer);
            HttpResponse<byte[]> blob = PlainHttp.get(registry.url() + "/v2/kit/token/blobs/" + digest, bearer);
            assertThat(blob.statusCode()).isEqualTo(200);
            assertThat(blob.body()).isEqualTo(BLOB);
            // The token grants only kit/token: another repository is refused with a challenge naming its scope.
            HttpResponse<byte[]> other = PlainHttp.get(registry.url() + "/v2/kit/other/blobs/" + digest, bearer);
            assertThat(other.statusCode()).isEqualTo(401);
            assertThat(other.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .contains("repository:kit/other:pull");
            assertThat(registry.tokenServer().requestedScopes()).contains(scope);
        }
    }

    @Test
    void restartKeepsPortAndContent() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.start(AuthMode.OPEN)) {
            String digest = PlainHttp.pushBlob(registry.url(), "kit/restart", BLOB, null);
            int port = registry.port();
            registry.restart();
            assertThat(registry.port()).isEqualTo(port);
            assertThat(PlainHttp.get(registry.url() + "/v2/kit/restart/blobs/" + digest, null).body())
                    .isEqualTo(BLOB);
        }
    }

    @Test
    void killStopsItAtOnceAndRestartBringsItBack() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.start(AuthMode.BASIC)) {
            String auth = PlainHttp.basic(registry.username(), registry.password());
            String digest = PlainHttp.pushBlob(registry.url(), "kit/kill", BLOB, auth);
            registry.kill();
            assertThat(registry.isRunning()).isFalse();
            assertThatThrownBy(() -> PlainHttp.get(registry.url() + "/v2/", auth)).isInstanceOf(ConnectException.class);
            registry.restart();
            assertThat(registry.isRunning()).isTrue();
            assertThat(PlainHttp.get(registry.url() + "/v2/kit/kill/blobs/" + digest, auth).body()).isEqualTo(BLOB);
        }
    }

    @Test
    void closeStopsTheProcessAndDeletesStorage() throws Exception {
        DistributionRegistry registry = DistributionRegistry.start(AuthMode.OPEN);
        Path storage = registry.storageDir();
        PlainHttp.pushBlob(registry.url(), "kit/close", BLOB, null);
        registry.close();
        assertThat(registry.isRunning()).isFalse();
        assertThat(storage).doesNotExist();
        registry.close(); // again: nothing happens
    }

    @Test
    void missingBinaryNamesTheInstallCommand() {
        assertThatThrownBy(() -> DistributionRegistry.builder().executable("/nonexistent/docker-registry").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apt-get install -y docker-registry");
    }

    @Test
    void aBinaryThatIsNotARegistryFailsWithItsOutput() {
        assertThatThrownBy(() -> DistributionRegistry.builder().executable("/bin/false").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with status 1");
    }

    static Map<String, String> bearerParams(String header) {
        assertThat(header).startsWith("Bearer ");
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(header);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        return params;
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
