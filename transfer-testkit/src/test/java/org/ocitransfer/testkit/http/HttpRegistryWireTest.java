// The HTTP registry client sends every exchange but PATCH over HttpURLConnection: a whole round trip against the REAL
// Distribution registry (pushes in one PUT, tags, resolve, fetch, HEAD, a ranged read, a mount, the tag list,
// referrers, the catalog) starts no java.net.http client, whose selector thread, classes and default TLS context (every
// trusted certificate parsed) a plain-http registry never needs; the first chunked upload (PATCH) starts one.
package org.ocitransfer.testkit.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.HttpRepository;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.content.GeneratedContent;
import org.ocitransfer.testkit.random.Seeds;
import org.ocitransfer.testkit.registry.RegistryExtension;

class HttpRegistryWireTest {

    @RegisterExtension
    static RegistryExtension running = RegistryExtension.open();

    private final ContentGenerator gen = new ContentGenerator(Seeds.seed(0x5743));

    @Test
    void onlyAChunkedUploadStartsAJavaNetHttpClient() throws IOException {
        Set<String> before = selectorThreads();
        try (HttpRegistry registry = HttpRegistry.builder().uri(running.registry().url())
                .chunkedUploadThreshold(1024 * 1024).chunkSize(300_000).build()) {
            registry.ping();
            HttpRepository repo = registry.repository("wire/app");
            GeneratedArtifact image = gen.image(2000, 700_000);
            image.pushTo(repo, "v1");
            GeneratedArtifact sbom = gen.sbom(image.root());
            sbom.pushTo(repo);

            assertThat(repo.resolve("v1")).isEqualTo(image.root());
            assertThat(repo.fetchManifest(image.root())).isEqualTo(image.rootBytes());
            for (Descriptor d : image.descriptors()) {
                assertThat(repo.exists(d)).isTrue();
                try (InputStream in = repo.fetch(d)) {
                    assertThat(in.readAllBytes()).hasSize((int) d.size());
                }
            }
            Descriptor layer = image.descriptors().stream().filter(d -> !d.isManifest())
                    .filter(d -> d.size() == 700_000).findFirst().orElseThrow();
            try (InputStream part = repo.fetchRange(layer, 1000, 10)) {
                assertThat(part.readAllBytes()).hasSize(10);
            }
            assertThat(registry.repository("wire/other").mount(layer, "wire/app")).isTrue();
            assertThat(repo.tags()).contains("v1");
            assertThat(repo.referrers(image.root())).extracting(Descriptor::digest).containsExactly(sbom.digest());
            assertThat(registry.catalog()).contains("wire/app", "wire/other");

            // (a client made before, by the registry's start-up check, may have ended since: no new one is the rule)
            assertThat(selectorThreads()).as("java.net.http clients started by exchanges other than PATCH")
                    .isSubsetOf(before);

            GeneratedContent big = gen.layer(2 * 1024 * 1024 + 1); // over the 1 MiB threshold: PATCHes
            repo.push(big.descriptor(), big.source());
            assertThat(repo.exists(big.descriptor())).isTrue();
            assertThat(selectorThreads()).as("the client made for the chunked upload")
                    .anyMatch(name -> !before.contains(name));
        }
    }

    /** The selector threads of the JVM's java.net.http clients (one per client: HttpClient-N-SelectorManager). */
    private static Set<String> selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("HttpClient-") && n.endsWith("-SelectorManager"))
                .collect(Collectors.toSet());
    }
}
