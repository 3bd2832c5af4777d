// A full Azure-mode transfer at TRACE, with failures, printing runs and exceptions: what the Azure secrets test searches.
package org.ocitransfer.azure.faults;

import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.copy.BlobCopier;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;
import org.ocitransfer.core.secret.SecretStores;

/**
 * The child process of {@link AzureSecretsDoNotLeakTest}. Every secret comes from its environment only: the SAS
 * tokens through {@code env:} secret URIs ({@code SAS_GOOD}, {@code SAS_EXPIRED}, {@code SAS_READONLY}), the
 * registries' passwords ({@code SOURCE_PASSWORD}, {@code TARGET_PASSWORD}, {@code WRONG_PASSWORD}). It exports from a
 * basic-auth registry into an Azurite container, copies the archive into a second container ({@code SAS_COPY}) with
 * {@link BlobCopier} (server-side, then streamed), and imports the copy into another registry, then fails the ways
 * users fail (an
 * expired SAS, a SAS without write permission, a wrong registry password, a storage error thrown to the caller),
 * printing every run, pipeline and exception with its stack trace.
 *
 * <p>Arguments: {@code <work dir> <source url> <source user> <target url> <target user> <container uri>
 * <copy container uri>}.
 */
public final class AzureSecretsTransferMain {

    private AzureSecretsTransferMain() {
    }

    /** Runs it. */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Map<String, String> env = System.getenv();
        URI container = URI.create(args[5]);
        URI copy = URI.create(args[6]);
        run(dir.resolve("right"), args, credentials(args, env.get("SOURCE_PASSWORD"), env.get("TARGET_PASSWORD")),
                container, copy, true);
        run(dir.resolve("wrong"), args, credentials(args, env.get("WRONG_PASSWORD"), env.get("WRONG_PASSWORD")),
                container, copy, false);
        AzureBlobStoreFactory storage = new AzureBlobStoreFactory();
        for (String secret : List.of("env:SAS_EXPIRED", "env:SAS_READONLY")) {
            try (BlobStore store = storage.open(StorageContainer.of(container, secret), SecretStores.builtIn())) {
                store.preflight(EnumSet.of(StorageAccess.WRITE, StorageAccess.LIST));
                store.list();
                System.out.println("UNEXPECTED: " + secret + " was accepted");
            } catch (TransferException e) {
                System.out.println("Refused as expected: " + e);
                e.printStackTrace();
            }
        }
        System.out.println("DONE");
    }

    private static void run(Path state, String[] args, CredentialProvider credentials, URI container, URI copy,
                            boolean right) {
        try (TransferClient client = new TransferClientBuilder().stateDirectory(state)
                .registryFactory(new HttpRegistryFactory(b -> b.credentials(credentials)))
                .blobStoreFactory(new AzureBlobStoreFactory()).buildClient()) {
            String suffix = right ? "" : "wrong";
            client.createOrUpdateExportPipeline(new ExportPipeline("export" + suffix, args[1],
                    StorageContainer.of(container, "env:SAS_GOOD"), Set.of()));
            client.createOrUpdateExportPipeline(new ExportPipeline("expired" + suffix, args[1],
                    StorageContainer.of(container, "env:SAS_EXPIRED"), Set.of()));
            client.createOrUpdateExportPipeline(new ExportPipeline("readonly" + suffix, args[1],
                    StorageContainer.of(container, "env:SAS_READONLY"), Set.of()));
            client.createOrUpdateImportPipeline(new ImportPipeline("import" + suffix, args[3],
                    StorageContainer.of(copy, "env:SAS_COPY"), Set.of()));
            List<String> artifacts = List.of("secret/app:v1");
            String blob = right ? "bundle.tar" : "other.tar";
            print(client.createOrUpdatePipelineRun("export" + suffix, PipelineRunRequest.export("export" + suffix,
                    blob, artifacts), null));
            if (right) {
                copy(StorageContainer.of(container, "env:SAS_GOOD"), StorageContainer.of(copy, "env:SAS_COPY"));
            }
            print(client.createOrUpdatePipelineRun("import" + suffix, PipelineRunRequest.importBlob("import" + suffix,
                    "bundle.tar"), null));
            for (String failing : List.of("expired", "readonly")) {
                try {
                    print(client.createOrUpdatePipelineRun(failing + suffix, PipelineRunRequest.export(failing + suffix,
                            "never.tar", artifacts), null));
                } catch (TransferException | IllegalArgumentException e) {
                    System.out.println("Refused at submission: " + e);
                    e.printStackTrace();
                }
            }
            client.listPipelineRuns().forEach(AzureSecretsTransferMain::print);
            System.out.println(client.listExportPipelines());
            System.out.println(client.listImportPipelines());
        }
    }

    /** Copies bundle.tar server-side (the service reads the source through its SAS URL), then streamed. */
    private static void copy(StorageContainer from, StorageContainer to) {
        AzureBlobStoreFactory storage = new AzureBlobStoreFactory();
        try (BlobStore source = storage.open(from, SecretStores.builtIn());
             BlobStore target = storage.open(to, SecretStores.builtIn())) {
            System.out.println("COPIED bundle.tar " + BlobCopier.create().copy(source, "bundle.tar", target,
                    "server.tar", false));
            System.out.println("COPIED bundle.tar " + BlobCopier.builder().serverSide(false).build().copy(source,
                    "bundle.tar", target, "bundle.tar", false));
        }
    }

    private static CredentialProvider credentials(String[] args, String sourcePassword, String targetPassword) {
        String sourceHost = URI.create(args[1]).getAuthority();
        String targetHost = URI.create(args[3]).getAuthority();
        return host -> host.equals(sourceHost) ? Optional.of(RegistryCredential.basic(args[2], sourcePassword))
                : host.equals(targetHost) ? Optional.of(RegistryCredential.basic(args[4], targetPassword))
                : Optional.empty();
    }

    private static void print(PipelineRun run) {
        System.out.println("RUN " + run.name() + " " + run.status() + " " + run);
    }
}
