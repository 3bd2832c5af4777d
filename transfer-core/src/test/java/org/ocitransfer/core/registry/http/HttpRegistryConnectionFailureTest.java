// A registry that cannot be reached (nothing listening, a host name that does not resolve): the error says what
// happened and what to check, in words, without a Java class name.
package org.ocitransfer.core.registry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;

class HttpRegistryConnectionFailureTest {

    private static final RetryPolicy TWICE = new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5));

    /** A loopback port nothing listens on (bound, then closed). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aClosedPortIsConnectionRefusedWithWhatToCheck() throws IOException {
        int port = closedPort();
        try (HttpRegistry registry = HttpRegistry.builder().uri("http://127.0.0.1:" + port).retry(TWICE).build()) {
            assertThatThrownBy(() -> registry.repository("team/app").resolve("v1"))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
                        assertThat(e.getMessage()).contains("Cannot connect to 127.0.0.1:" + port
                                        + ": connection refused", "tag 'v1' in repository 'team/app'",
                                "attempt 2 of 2", "is the registry running", "http://127.0.0.1:" + port);
                        assertThat(e.getMessage()).doesNotContain("java.", "Exception", "reference");
                    });
        }
    }

    @Test
    void aBlobDownloadFromAClosedPortSaysTheSame() throws IOException {
        int port = closedPort();
        Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER, new byte[10]);
        try (HttpRegistry registry = HttpRegistry.builder().uri("http://127.0.0.1:" + port)
                .retry(RetryPolicy.none()).build()) {
            assertThatThrownBy(() -> registry.repository("team/app").fetch(blob).close()) // over the blob wire
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
                        assertThat(e.getMessage()).contains("Cannot connect to 127.0.0.1:" + port
                                + ": connection refused", "is the registry running");
                        assertThat(e.getMessage()).doesNotContain("java.", "Exception");
                    });
        }
    }

    @Test
    void aHostNameThatDoesNotResolveIsAnUnknownHost() {
        try (HttpRegistry registry = HttpRegistry.builder().uri("http://no-such-registry.invalid:5000")
                .retry(RetryPolicy.none()).build()) {
            assertThatThrownBy(registry::ping).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
                assertThat(e.getMessage()).contains("Cannot connect to no-such-registry.invalid:5000: unknown host",
                        "check the address");
                assertThat(e.getMessage()).doesNotContain("java.", "Exception");
            });
        }
    }
}
