// Tests of which registry URIs the HTTP factory and builder accept, and the errors for the ones they refuse.
package org.ocitransfer.core.registry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpRegistryFactoryTest {

    @Test
    void httpAndHttpsUrisAreOpenedAndABareHostMeansHttps() {
        HttpRegistryFactory factory = new HttpRegistryFactory(b -> b.maxConnections(2));
        assertThat(factory.supports("https://myreg.azurecr.io")).isTrue();
        assertThat(factory.supports("http://127.0.0.1:5000")).isTrue();
        assertThat(factory.supports("oci-layout:/tmp/x")).isFalse();
        try (HttpRegistry plain = factory.open("http://127.0.0.1:5000/");
             HttpRegistry bare = HttpRegistry.builder().uri("Registry.Example:8443").build()) {
            assertThat(plain.location()).isEqualTo("http://127.0.0.1:5000");
            assertThat(bare.location()).isEqualTo("https://Registry.Example:8443");
        }
    }

    @Test
    void urisWithCredentialsPathsOrOtherSchemesAreRefusedClearly() {
        assertThatThrownBy(() -> HttpRegistry.builder().uri("https://user:secret@reg.example").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CredentialProvider")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> HttpRegistry.builder().uri("https://reg.example/v2/team").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a path");
        assertThatThrownBy(() -> HttpRegistry.builder().uri("ftp://reg.example").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
        assertThatThrownBy(() -> HttpRegistry.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registry URI is required");
        assertThatThrownBy(() -> new HttpRegistryFactory().open("oci-layout:/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("oci-layout:/x");
    }
}
