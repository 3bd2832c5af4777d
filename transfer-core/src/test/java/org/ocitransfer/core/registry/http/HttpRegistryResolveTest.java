// Protocol test of resolving a tag on a registry whose HEAD answers without Docker-Content-Digest: the client falls
// back to GET, digests the bytes itself and takes the media type from Content-Type.
package org.ocitransfer.core.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;

class HttpRegistryResolveTest {

    @Test
    void aHeadWithoutTheDigestFallsBackToGet() throws Exception {
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST_LIST
                + "\",\"manifests\":[]}").getBytes();
        try (ScriptedServer server = new ScriptedServer()) {
            server.on("HEAD", "/v2/lib/app/manifests/latest", (ex, req) -> ScriptedServer.respond(ex, 200,
                    MediaTypes.DOCKER_MANIFEST_LIST, manifest, Map.of()));
            server.on("GET", "/v2/lib/app/manifests/latest", (ex, req) -> ScriptedServer.respond(ex, 200,
                    MediaTypes.DOCKER_MANIFEST_LIST + "; charset=utf-8", manifest, Map.of()));
            try (HttpRegistry registry = HttpRegistry.builder().uri(server.url()).build()) {
                assertThat(registry.repository("lib/app").resolve("latest"))
                        .isEqualTo(Descriptor.of(MediaTypes.DOCKER_MANIFEST_LIST, manifest));
            }
            assertThat(server.seen("GET", ".*").get(0).header("Accept")).isEqualTo(MediaTypes.acceptManifests());
        }
    }
}
