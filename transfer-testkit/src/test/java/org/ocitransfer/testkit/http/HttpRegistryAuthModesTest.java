// The HTTP registry client against the REAL Distribution registry with htpasswd basic auth and with token auth
// (the kit's token server): a whole round trip signed in, wrong or missing credentials, refresh tokens, denied
// scopes, and tokens reused per scope.
package org.ocitransfer.testkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.HttpRepository;
import org.ocitransfer.core.registry.http.RetryPolicy;
import org.ocitransfer.testkit.assertions.RegistryAssertions;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.content.GeneratedContent;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.registry.RegistryExtension;
import org.ocitransfer.testkit.registry.TokenServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.ocitransfer.testkit.random.Seeds;

class HttpRegistryAuthModesTest {

    /** Repositories under this prefix are pull-only in the token registry, for the denied-scope test. */
    private static final String READ_ONLY = "readonly/";

    @RegisterExtension
    static RegistryExtension basicRegistry = RegistryExtension.basic();
    @RegisterExtension
    static RegistryExtension tokenRegistry = RegistryExtension.with(b -> b.auth(AuthMode.TOKEN)
            .tokenServer(t -> t.policy((subject, scope) -> scope.name().startsWith(READ_ONLY)
                    ? TokenServer.AccessPolicy.pullOnly().grant(subject, scope) : scope.actions())));

    private ContentGenerator gen;

    /** Content of its own for each test (the registry is shared), the same again on a rerun with the seed. */
    @BeforeEach
    void generator(TestInfo test) {
        gen = new ContentGenerator(Seeds.seed((test.getTestMethod().orElseThrow().getName() + test.getDisplayName())
                .hashCode()));
    }

    private static DistributionRegistry running(AuthMode mode) {
        return (mode == AuthMode.TOKEN ? tokenRegistry : basicRegistry).registry();
    }

    private static HttpRegistry client(DistributionRegistry registry, RegistryCredential credential) {
        return HttpRegistry.builder().uri(registry.url()).retry(RetryPolicy.none())
                .credentials(host -> host.equals(registry.host()) ? Optional.ofNullable(credential) : Optional.empty())
                .chunkedUploadThreshold(1024 * 1024).chunkSize(400_000).build();
    }

    private static RegistryCredential basic(DistributionRegistry registry) {
        return RegistryCredential.basic(registry.username(), registry.password());
    }

    @ParameterizedTest
    @EnumSource(value = AuthMode.class, names = {"BASIC", "TOKEN"})
    void aRoundTripWorksSignedIn(AuthMode mode) throws IOException {
        DistributionRegistry registry = running(mode);
        try (HttpRegistry client = client(registry, basic(registry))) {
            client.ping();
            HttpRepository repo = client.repository("team/app");
            GeneratedArtifact index = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 1500 * 1024);
            index.pushTo(repo, "v1");                  // chunked uploads (1.5 MiB layers), manifests, tag
            GeneratedArtifact sbom = gen.sbom(index.root());
            sbom.pushTo(repo);                         // the referrers fallback index, pushed and tagged

            RegistryAssertions.assertTag(repo, "v1", index.root());
            RegistryAssertions.assertSameGraph(repo, "v1", repo, index.digest());
            assertThat(repo.referrers(index.root())).extracting(Descriptor::digest).containsExactly(sbom.digest());
            assertThat(repo.tags()).contains("v1", "sha256-" + index.root().parsedDigest().hex());

            Descriptor layer = index.children().get(0).blobs().get(1);
            HttpRepository other = client.repository("team/other");
            assertThat(other.mount(layer, "team/app")).isTrue(); // needs pull on team/app and push on team/other
            try (InputStream part = other.fetchRange(layer, 10, 100)) {
                assertThat(part.readAllBytes()).hasSize(100);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = AuthMode.class, names = {"BASIC", "TOKEN"})
    void aWrongPasswordIsAClearUnauthorizedError(AuthMode mode) {
        DistributionRegistry registry = running(mode);
        try (HttpRegistry client = client(registry, RegistryCredential.basic(registry.username(), "not-it-42"))) {
            assertThatThrownBy(() -> client.repository("team/app").resolve("v1"))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAUTHORIZED);
                        assertThat(e.getMessage()).contains("user '" + registry.username() + "'",
                                "check the username and password", "log in again");
                        assertThat(e.getMessage()).doesNotContain("not-it-42", registry.password());
                    });
        }
    }

    @ParameterizedTest
    @EnumSource(value = AuthMode.class, names = {"BASIC", "TOKEN"})
    void missingCredentialsSaySoAndHowToGiveThem(AuthMode mode) {
        DistributionRegistry registry = running(mode);
        try (HttpRegistry client = client(registry, null)) {
            assertThatThrownBy(() -> client.repository("team/app").tags())
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAUTHORIZED);
                        assertThat(e.getMessage()).contains("no credentials were given for " + registry.host(),
                                "TRANSFER_REGISTRY_USERNAME");
                    });
        }
    }

    @Test
    void credentialsAreNotSentOverPlainHttpToATokenServiceOnAnotherHost() {
        DistributionRegistry registry = running(AuthMode.TOKEN);
        // Reached as localhost, the registry names its token service at 127.0.0.1: another host, over plain http.
        String asLocalhost = "localhost:" + registry.port();
        int asked = registry.tokenServer().requestedScopes().size();
        RegistryCredential credential = basic(registry);
        try (HttpRegistry client = HttpRegistry.builder().uri("http://" + asLocalhost).retry(RetryPolicy.none())
                .credentials(host -> host.equals(asLocalhost) ? Optional.of(credential) : Optional.empty())
                .build()) {
            assertThatThrownBy(() -> client.repository("team/app").tags())
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAUTHORIZED);
                        assertThat(e.getMessage()).contains("http://" + registry.tokenServer().url().substring(7),
                                "another host", "plain http", "not sent");
                        assertThat(e.getMessage()).doesNotContain(registry.password());
                    });
        }
        assertThat(registry.tokenServer().requestedScopes()).hasSize(asked); // the token service heard nothing
    }

    @Test
    void aTokenServiceOnTheRegistrysOwnHostGetsTheCredentialsOverHttp() {
        DistributionRegistry registry = running(AuthMode.TOKEN); // registry and token service: 127.0.0.1, two ports
        int issued = registry.tokenServer().accessTokensIssued();
        try (HttpRegistry client = client(registry, basic(registry))) {
            // Signed in: the answer is that the repository does not exist, not that sign-in failed.
            assertThatThrownBy(() -> client.repository("team/same-host").tags())
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        }
        assertThat(registry.tokenServer().accessTokensIssued()).isGreaterThan(issued);
    }

    @Test
    void anIdentityTokenSignsInThroughTheRefreshTokenGrant() {
        DistributionRegistry registry = running(AuthMode.TOKEN);
        String refresh = registry.tokenServer().issueRefreshToken(registry.username());
        try (HttpRegistry client = client(registry, RegistryCredential.identityToken(registry.username(),
                refresh))) {
            GeneratedArtifact image = gen.image(100);
            image.pushTo(client.repository("refreshed"), "v1");
            RegistryAssertions.assertTag(client.repository("refreshed"), "v1", image.root());
        }
    }

    @Test
    void aScopeTheTokenServerDoesNotGrantIsDeniedNamingIt() {
        DistributionRegistry registry = running(AuthMode.TOKEN);
        try (HttpRegistry client = client(registry, basic(registry))) {
            GeneratedContent layer = gen.layer(10);
            assertThatThrownBy(() -> client.repository(READ_ONLY + "app").push(layer.descriptor(), layer.source()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.DENIED);
                        assertThat(e.getMessage()).contains("user '" + registry.username() + "'",
                                "repository:readonly/app:pull,push");
                    });
        }
    }

    @Test
    void aTokenIsReusedForItsScopeAndANewScopeGetsItsOwn() {
        DistributionRegistry registry = running(AuthMode.TOKEN);
        try (HttpRegistry client = client(registry, basic(registry))) {
            GeneratedArtifact image = gen.image(100, 200);
            image.pushTo(client.repository("cached/a"), "v1"); // fetches a pull token (HEADs) and a push token
            int afterPush = registry.tokenServer().accessTokensIssued();

            for (int i = 0; i < 5; i++) {
                client.repository("cached/a").resolve("v1");
            }
            int afterPulls = registry.tokenServer().accessTokensIssued();
            assertThat(client.repository("cached/b").exists(image.root())).isFalse();

            assertThat(afterPulls).isEqualTo(afterPush); // the pull token for cached/a is reused
            assertThat(registry.tokenServer().accessTokensIssued() - afterPulls).isEqualTo(1); // pull on cached/b
        }
    }
}
