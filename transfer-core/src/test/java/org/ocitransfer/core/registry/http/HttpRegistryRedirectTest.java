// Protocol tests of where requests may go: upload Locations and redirects to other hosts, and storage redirects.
package org.ocitransfer.core.registry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.auth.RegistryCredential;

class HttpRegistryRedirectTest {

    private ScriptedServer registryServer;
    private ScriptedServer otherHost;
    private HttpRegistry registry;

    @BeforeEach
    void start() throws Exception {
        registryServer = new ScriptedServer();
        // "localhost" and "127.0.0.1" are different hosts to the client, on the same loopback interface.
        otherHost = new ScriptedServer();
        registry = HttpRegistry.builder().uri(registryServer.url())
                .credentials(host -> Optional.of(RegistryCredential.basic("alice", "s3cret-pw")))
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(10))).build();
        registryServer.on("GET", "/v2/", (ex, req) -> {
            if (req.header("Authorization") == null) {
                ScriptedServer.respond(ex, 401, null, "", Map.of("WWW-Authenticate", "Basic realm=\"test\""));
            } else {
                ScriptedServer.respond(ex, 200, "application/json", "{}", Map.of());
            }
        });
    }

    @AfterEach
    void stop() {
        registry.close();
        registryServer.close();
        otherHost.close();
    }

    private String otherHostUrl() {
        return otherHost.url().replace("127.0.0.1", "localhost");
    }

    @Test
    void anUploadLocationOnAnotherHostIsRefusedAndNothingIsSentThere() {
        byte[] blob = "layer".getBytes();
        registryServer.on("POST", "/v2/app/blobs/uploads/", (ex, req) -> ScriptedServer.respond(ex, 202, null, "",
                Map.of("Location", otherHostUrl() + "/v2/app/blobs/uploads/stolen?_state=x")));

        assertThatThrownBy(() -> registry.repository("app").push(Descriptor.of(MediaTypes.OCI_LAYER, blob),
                ContentSource.of(blob)))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("another host")
                .hasMessageContaining("localhost")
                .hasMessageNotContaining("_state");
        assertThat(otherHost.all()).isEmpty();
    }

    @Test
    void aRelativeUploadLocationIsFollowed() {
        byte[] blob = "layer".getBytes();
        Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER, blob);
        registryServer.on("POST", "/v2/app/blobs/uploads/", (ex, req) -> ScriptedServer.respond(ex, 202, null, "",
                Map.of("Location", "/v2/app/blobs/uploads/abc")));
        registryServer.on("PUT", "/v2/app/blobs/uploads/abc", (ex, req) -> ScriptedServer.respond(ex, 201, null, "",
                Map.of()));

        registry.repository("app").push(d, ContentSource.of(blob));

        var put = registryServer.seen("PUT", "/v2/app/blobs/uploads/abc");
        assertThat(put).hasSize(1);
        assertThat(put.get(0).body()).isEqualTo(blob);
        assertThat(put.get(0).query()).isEqualTo("digest=" + d.digest().replace(":", "%3A"));
    }

    @Test
    void aManifestRedirectToAnotherHostIsRefused() {
        registryServer.on("HEAD", "/v2/app/manifests/v1", (ex, req) -> ScriptedServer.respond(ex, 307, null, "",
                Map.of("Location", otherHostUrl() + "/v2/app/manifests/v1")));

        assertThatThrownBy(() -> registry.repository("app").resolve("v1"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("redirected tag 'v1' in repository 'app' to another host");
        assertThat(otherHost.all()).isEmpty();
    }

    @Test
    void aBlobDownloadRedirectedToStorageIsFollowedWithoutCredentials() throws Exception {
        byte[] blob = "the layer bytes".getBytes();
        Descriptor d = Descriptor.of(MediaTypes.OCI_LAYER, blob);
        registry.ping(); // learns that the registry uses basic auth
        registryServer.on("GET", "/v2/app/blobs/.*", (ex, req) -> ScriptedServer.respond(ex, 307, null, "",
                Map.of("Location", otherHostUrl() + "/storage/blob?sig=signed")));
        otherHost.on("GET", "/storage/blob", (ex, req) -> ScriptedServer.respond(ex, 200, MediaTypes.OCI_LAYER, blob,
                Map.of()));

        try (InputStream in = registry.repository("app").fetch(d)) {
            assertThat(in.readAllBytes()).isEqualTo(blob);
        }

        assertThat(registryServer.seen("GET", "/v2/app/blobs/.*").get(0).header("Authorization")).startsWith("Basic ");
        var storage = otherHost.seen("GET", "/storage/blob");
        assertThat(storage).hasSize(1);
        assertThat(storage.get(0).header("Authorization")).isNull();
    }
}
