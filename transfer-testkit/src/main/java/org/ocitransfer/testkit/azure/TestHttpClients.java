// Azure SDK HTTP clients for tests: ones that trust a test server's self-signed certificate.
package org.ocitransfer.testkit.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

/** Builds Azure SDK {@link HttpClient}s for tests against TLS servers on loopback (Azurite over https, stand-ins). */
public final class TestHttpClients {

    private TestHttpClients() {
    }

    /** An Azure SDK HTTP client (Netty) that trusts {@code certificate} and nothing else. */
    public static HttpClient trusting(SelfSignedCertificate certificate) {
        SslContext ssl;
        try {
            ssl = SslContextBuilder.forClient().trustManager(certificate.certificate()).build();
        } catch (SSLException e) {
            throw new IllegalStateException("Could not make a TLS client context for the test certificate", e);
        }
        reactor.netty.http.client.HttpClient netty = reactor.netty.http.client.HttpClient.create()
                .secure(spec -> spec.sslContext(ssl));
        return new NettyAsyncHttpClientBuilder(netty).build();
    }
}
