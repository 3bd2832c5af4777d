// An export run whose source registry is down (nothing listens on its port), or refuses it for want of credentials:
// the run fails saying what happened and what to do, and never advises fixing the reference.
package org.ocitransfer.testkit.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;
import org.ocitransfer.core.registry.http.RetryPolicy;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;

class RegistryDownRunTest {

    @TempDir
    Path dir;

    @Test
    void anExportFromARegistryThatIsDownSaysItCannotConnect() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        } // closed: nothing listens there now
        Path container = Files.createDirectories(dir.resolve("container"));
        try (TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                .registryFactory(new HttpRegistryFactory(b -> b.credentials(host -> java.util.Optional.empty())
                        .retry(RetryPolicy.none())))
                .buildClient()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", "http://127.0.0.1:" + port,
                    StorageContainer.of(container.toUri()), Set.of()));
            PipelineRun run = client.createOrUpdatePipelineRun("downrun1", PipelineRunRequest.export("exporter",
                    "bundle.tar", List.of("team/app:v1")), null);

            assertThat(run.status()).isEqualTo(RunStatus.Failed);
            String message = run.response().pipelineRunErrorMessage();
            assertThat(message).contains("Cannot connect to 127.0.0.1:" + port + ": connection refused",
                    "is the registry running", "Run it again once the registry can be reached");
            assertThat(message).doesNotContain("java.net", "Exception", "Fix the reference");
            // A registry that is down may be up later: the run says so, and so does its artifact.
            assertThat(run.response().errorCategory()).isEqualTo(ErrorCategory.UNAVAILABLE);
            assertThat(run.response().retryable()).isTrue();
            assertThat(run.response().artifactResults()).singleElement().satisfies(r -> {
                assertThat(r.category()).isEqualTo(ErrorCategory.UNAVAILABLE);
                assertThat(r.retryable()).isTrue();
            });
            assertThat(client.getPipelineRun("downrun1").response().errorCategory()).as("as stored")
                    .isEqualTo(ErrorCategory.UNAVAILABLE);
        }
        try (var files = Files.list(container)) {
            assertThat(files).isEmpty(); // nothing written
        }
    }

    @Test
    void anExportRefusedForWantOfCredentialsSaysToSignInNotToFixTheReference() throws IOException {
        Path container = Files.createDirectories(dir.resolve("container"));
        try (DistributionRegistry registry = DistributionRegistry.start(AuthMode.BASIC);
             TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                     .registryFactory(new HttpRegistryFactory(b -> b.credentials(CredentialProvider.ANONYMOUS)
                             .retry(RetryPolicy.none())))
                     .buildClient()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", registry.url(),
                    StorageContainer.of(container.toUri()), Set.of()));
            PipelineRun run = client.createOrUpdatePipelineRun("nocreds1", PipelineRunRequest.export("exporter",
                    "bundle.tar", List.of("team/app:v1")), null);

            assertThat(run.status()).isEqualTo(RunStatus.Failed);
            assertThat(run.response().pipelineRunErrorMessage()).contains("no credentials were given for "
                    + registry.host(), "Sign in as said above, then run it again").doesNotContain("Fix the reference");
            assertThat(run.response().errorCategory()).isEqualTo(ErrorCategory.UNAUTHORIZED);
            assertThat(run.response().retryable()).isFalse();
        }
    }
}
