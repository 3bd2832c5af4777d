// Exports a large set to Azurite in parallel regions, then imports it, in a JVM started with a small heap.
package org.ocitransfer.azure;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;

/**
 * The child process of {@link AzureParallelExportMemoryTest}: exports the given artifacts from a registry into an
 * Azurite container (SAS from the environment variable {@code MEMORY_SAS}) at the given concurrency, so the archive
 * is written as parallel regions of staged blocks, then imports that archive into another registry. Prints
 * {@code RUN <name> <status> <error message>} per run and {@code PEAK <VmHWM>}, then {@code DONE}. Started with a
 * small {@code -Xmx} and {@code -XX:+ExitOnOutOfMemoryError}, so holding blocks beyond a bounded number ends the
 * process instead of passing.
 *
 * <p>Arguments: {@code <state dir> <source url> <target url> <container uri> <concurrency> <artifact>...}.
 */
public final class AzureParallelExportMemoryMain {

    private AzureParallelExportMemoryMain() {
    }

    /** Runs it. */
    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        StorageContainer container = StorageContainer.of(URI.create(args[3]), "env:MEMORY_SAS");
        List<String> artifacts = List.of(args).subList(5, args.length);
        try (TransferClient client = new TransferClientBuilder().stateDirectory(state)
                .concurrency(Integer.parseInt(args[4]))
                .registryFactory(new HttpRegistryFactory(r -> r.credentials(CredentialProvider.ANONYMOUS)))
                .blobStoreFactory(new AzureBlobStoreFactory()).buildClient()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("memexport", args[1], container, Set.of()));
            client.createOrUpdateImportPipeline(new ImportPipeline("memimport", args[2], container, Set.of()));
            print(client.createOrUpdatePipelineRun("export", PipelineRunRequest.export("memexport", "large.tar",
                    artifacts), null));
            print(client.createOrUpdatePipelineRun("import", PipelineRunRequest.importBlob("memimport", "large.tar"),
                    null));
        }
        System.out.println("PEAK " + peakRss());
        System.out.println("DONE");
    }

    private static void print(PipelineRun run) {
        System.out.println("RUN " + run.name() + " " + run.status() + " " + run.response().catalogDigest() + " "
                + run.response().pipelineRunErrorMessage());
    }

    /** The process's peak resident set (VmHWM from /proc/self/status), or "unknown" off Linux. */
    private static String peakRss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
