// Checks parsing of Azure container URIs: account host style, Azurite path style, and refusals with clear messages.
package org.ocitransfer.azure.internal.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class AzureContainerUriTest {

    @Test
    void parsesAccountHostStyleAndDropsTheDefaultPort() {
        AzureContainerUri c = AzureContainerUri.parse(URI.create("https://acct.blob.core.windows.net:443/transfer/"));
        assertThat(c.accountName()).isEqualTo("acct");
        assertThat(c.containerName()).isEqualTo("transfer");
        assertThat(c.accountUrl()).isEqualTo("https://acct.blob.core.windows.net");
        assertThat(c.uri()).hasToString("https://acct.blob.core.windows.net/transfer");
        assertThat(c.loopback()).isFalse();
    }

    @Test
    void parsesAzuritePathStyleOnLoopback() {
        AzureContainerUri c = AzureContainerUri.parse(URI.create("http://127.0.0.1:10000/devstoreaccount1/exports"));
        assertThat(c.accountName()).isEqualTo("devstoreaccount1");
        assertThat(c.containerName()).isEqualTo("exports");
        assertThat(c.accountUrl()).isEqualTo("http://127.0.0.1:10000/devstoreaccount1");
        assertThat(c.loopback()).isTrue();
        assertThat(AzureContainerUri.isLoopback("localhost")).isTrue();
        assertThat(AzureContainerUri.isLoopback("[::1]")).isTrue();
        assertThat(AzureContainerUri.isLoopback("10.0.0.1")).isFalse();
    }

    @Test
    void refusesPlainHttpForANonLoopbackHost() {
        assertThatThrownBy(() -> AzureContainerUri.parse(URI.create("http://acct.blob.core.windows.net/c1x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain http is only allowed for a loopback host")
                .hasMessageContaining("https://<account>.blob.core.windows.net/<container>");
    }

    @Test
    void refusesBadContainerNamesAndPaths() {
        assertThatThrownBy(() -> AzureContainerUri.parse(URI.create("https://acct.blob.core.windows.net/Up_per")))
                .hasMessageContaining("'Up_per' is not a valid container name");
        assertThatThrownBy(() -> AzureContainerUri.parse(URI.create("https://acct.blob.core.windows.net/a/b")))
                .hasMessageContaining("the path must be exactly /<container>");
        assertThatThrownBy(() -> AzureContainerUri.parse(URI.create("http://127.0.0.1:1/only")))
                .hasMessageContaining("/<account>/<container>");
        assertThatThrownBy(() -> AzureContainerUri.parse(URI.create("https://acct.blob.core.windows.net/c1x?sv=1")))
                .hasMessageContaining("must not carry a query string");
    }

    @Test
    void recognisesAzureShapedUrisOnly() {
        assertThat(AzureContainerUri.looksLike(URI.create("https://a.blob.core.chinacloudapi.cn/c"))).isTrue();
        assertThat(AzureContainerUri.looksLike(URI.create("http://127.0.0.1:9/devstoreaccount1/c"))).isTrue();
        assertThat(AzureContainerUri.looksLike(URI.create("file:///tmp/dir"))).isFalse();
        assertThat(AzureContainerUri.looksLike(URI.create("https://example.com/c"))).isFalse();
    }
}
