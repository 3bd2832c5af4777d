package org.ocitransfer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The OCI distribution reference grammar, as ArtifactRef.parse applies it. */
class ArtifactRefTest {

    private static final String HEX = "a".repeat(64);

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
            "hello,                              -,              hello,             latest, -",
            "hello:1.0,                          -,              hello,             1.0,    -",
            "team/app:v2,                        -,              team/app,          v2,     -",
            "a/b/c/d/e:x_y.z-1,                  -,              a/b/c/d/e,         x_y.z-1, -",
            "my.reg.io/team/app:1,               my.reg.io,      team/app,          1,      -",
            "localhost:5000/app,                 localhost:5000, app,               latest, -",
            "localhost/app:_t,                   localhost,      app,               _t,     -",
            "127.0.0.1:5000/a__b/c-d:T,          127.0.0.1:5000, a__b/c-d,          T,      -",
            "a.b-c/d,                            a.b-c,          d,                 latest, -",
    })
    void parsesValidReferences(String text, String registry, String repository, String tag, String digest) {
        ArtifactRef ref = ArtifactRef.parse(text);
        assertThat(ref.registry()).isEqualTo(registry);
        assertThat(ref.repository()).isEqualTo(repository);
        assertThat(ref.tag()).isEqualTo(tag);
        assertThat(ref.digest()).isEqualTo(digest);
    }

    @org.junit.jupiter.api.Test
    void parsesDigestReferences() {
        ArtifactRef byDigest = ArtifactRef.parse("reg.io:443/app@sha256:" + HEX);
        assertThat(byDigest.tag()).isNull();
        assertThat(byDigest.digest()).isEqualTo("sha256:" + HEX);
        assertThat(byDigest.reference()).isEqualTo("sha256:" + HEX);
        assertThat(byDigest.shortName()).isEqualTo("app@sha256:" + HEX);
        assertThat(byDigest.toString()).isEqualTo("reg.io:443/app@sha256:" + HEX);

        ArtifactRef both = ArtifactRef.parse("app:1@sha256:" + HEX);
        assertThat(both.tag()).isEqualTo("1");
        assertThat(both.digest()).isEqualTo("sha256:" + HEX);
        assertThat(both.reference()).isEqualTo("sha256:" + HEX);
    }

    @org.junit.jupiter.api.Test
    void roundTripsThroughToString() {
        for (String text : new String[] {"a/b:c", "localhost:5000/x/y:z", "q@sha256:" + HEX}) {
            assertThat(ArtifactRef.parse(text).toString()).isEqualTo(text);
        }
        assertThat(ArtifactRef.parse("hello").toString()).isEqualTo("hello:latest");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Hello                  | repository path component 'Hello' must be lowercase",
            "a//b                   | repository path component ''",
            "a/b/                   | repository path component ''",
            "-a                     | repository path component '-a'",
            "a_                     | repository path component 'a_'",
            "a___b                  | repository path component 'a___b'",
            "a..b                   | repository path component 'a..b'",
            "app:                   | nothing follows ':'",
            "app:-bad               | tag '-bad' must match",
            "app:.bad               | tag '.bad' must match",
            "app@                   | nothing follows '@'",
            "app@sha256:abc         | digest 'sha256:abc' must be sha256: followed by 64 lowercase hex",
            "app@md5:0123           | digest 'md5:0123'",
            "my.reg.io/             | the repository name is empty",
    })
    void rejectsInvalidReferencesNamingTheRule(String text, String rule) {
        assertThatThrownBy(() -> ArtifactRef.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining(rule);
    }

    @org.junit.jupiter.api.Test
    void rejectsTooLongTagsAndNames() {
        assertThatThrownBy(() -> ArtifactRef.parse("app:" + "t".repeat(129)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must match");
        assertThat(ArtifactRef.parse("app:" + "t".repeat(128)).tag()).hasSize(128);
        assertThatThrownBy(() -> ArtifactRef.parse("a/".repeat(128) + "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than 255");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void rejectsEmpty(String text) {
        assertThatThrownBy(() -> ArtifactRef.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("it is empty");
    }
}
