// Protocol tests of referrers: a registry with the referrers API (paginated; nothing to maintain) and one without
// (404, read through the sha256-<hex> tag fallback). The real Distribution registry has no API: see the testkit.
package org.ocitransfer.core.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.MediaTypes;

class HttpRegistryReferrersTest {

    private static final Descriptor SUBJECT = Descriptor.of(MediaTypes.OCI_MANIFEST,
            Digest.sha256("subject").toString(), 7);
    private static final Descriptor SIG = new Descriptor(MediaTypes.OCI_MANIFEST, Digest.sha256("sig").toString(), 3,
            null, Map.of("org.opencontainers.image.created", "2024-01-01T00:00:00Z"), null, "application/vnd.sig");
    private static final Descriptor SBOM = new Descriptor(MediaTypes.OCI_MANIFEST, Digest.sha256("sbom").toString(), 4,
            null, null, null, "application/spdx+json");

    private ScriptedServer server;
    private HttpRegistry registry;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedServer();
        registry = HttpRegistry.builder().uri(server.url()).retry(RetryPolicy.none()).build();
    }

    @AfterEach
    void stop() {
        registry.close();
        server.close();
    }

    private static String index(Descriptor... entries) throws Exception {
        return Transport.JSON.writeValueAsString(Map.of("schemaVersion", 2, "mediaType", MediaTypes.OCI_INDEX,
                "manifests", List.of(entries)));
    }

    @Test
    void theReferrersApiIsUsedAcrossPagesAndNeedsNoFallbackIndex() throws Exception {
        String page1 = index(SIG);
        String page2 = index(SBOM);
        server.on("GET", "/v2/app/referrers/" + SUBJECT.digest(), (ex, req) -> {
            if (req.query() == null) {
                ScriptedServer.respond(ex, 200, MediaTypes.OCI_INDEX, page1, Map.of("Link",
                        "</v2/app/referrers/" + SUBJECT.digest() + "?next=2>; rel=\"next\""));
            } else {
                ScriptedServer.respond(ex, 200, MediaTypes.OCI_INDEX, page2, Map.of());
            }
        });

        HttpRepository repo = registry.repository("app");
        assertThat(repo.referrers(SUBJECT)).containsExactly(SIG, SBOM);

        repo.addReferrer(SUBJECT, SIG); // the registry keeps its own list: nothing to write
        assertThat(server.seen("PUT", ".*")).isEmpty();
        assertThat(server.seen("HEAD", ".*")).isEmpty();
    }

    @Test
    void withoutTheApiTheFallbackTagIndexIsRead() throws Exception {
        byte[] fallback = index(SIG, SBOM).getBytes();
        Descriptor fallbackDesc = Descriptor.of(MediaTypes.OCI_INDEX, fallback);
        String tag = "sha256-" + SUBJECT.parsedDigest().hex();
        server.on("GET", "/v2/app/referrers/.*", (ex, req) -> ScriptedServer.respond(ex, 404, "text/plain",
                "404 page not found", Map.of()));
        server.on("HEAD", "/v2/app/manifests/" + tag, (ex, req) -> ScriptedServer.respond(ex, 200,
                MediaTypes.OCI_INDEX, fallback, Map.of("Docker-Content-Digest", fallbackDesc.digest())));
        server.on("GET", "/v2/app/manifests/" + fallbackDesc.digest(), (ex, req) -> ScriptedServer.respond(ex, 200,
                MediaTypes.OCI_INDEX, fallback, Map.of("Docker-Content-Digest", fallbackDesc.digest())));

        assertThat(registry.repository("app").referrers(SUBJECT)).containsExactly(SIG, SBOM);
    }

    @Test
    void withoutTheApiOrAFallbackTagThereAreNoReferrers() {
        server.on("GET", "/v2/app/referrers/.*", (ex, req) -> ScriptedServer.respond(ex, 404, "text/plain",
                "404 page not found", Map.of()));
        server.on("GET", "/v2/app/manifests/.*", (ex, req) -> ScriptedServer.respond(ex, 404, "application/json",
                "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}", Map.of()));

        assertThat(registry.repository("app").referrers(SUBJECT)).isEmpty();
    }
}
