// Drives one timed export or import run through the SDK's client, as an application embedding it would.
package org.ocitransfer.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;

/**
 * One run through {@link TransferClientBuilder}, timed from submission to its end:
 *
 * <pre>
 * BenchTransfer export &lt;registry-url&gt; &lt;container-uri&gt; &lt;blob&gt; &lt;artifacts.txt&gt; &lt;concurrency&gt;
 *                      &lt;state-dir&gt;
 * BenchTransfer import &lt;registry-url&gt; &lt;container-uri&gt; &lt;blob&gt; &lt;concurrency&gt; &lt;state-dir&gt;
 * </pre>
 *
 * Prints {@code RESULT <kind> seconds=<s> status=<status> catalogDigest=<digest>}; exits 1 when the run did not
 * succeed.
 */
public final class BenchTransfer {

    private BenchTransfer() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        String kind = args[0];
        String registry = args[1];
        StorageContainer container = StorageContainer.of(java.net.URI.create(args[2]));
        String blob = args[3];
        int concurrency = Integer.parseInt(kind.equals("export") ? args[5] : args[4]);
        Path state = Path.of(kind.equals("export") ? args[6] : args[5]);
        try (TransferClient client = new TransferClientBuilder()
                .stateDirectory(state)
                .registryFactory(new HttpRegistryFactory(b -> b.maxConnections(Math.max(8, concurrency + 2))))
                .concurrency(concurrency)
                .buildClient()) {
            PipelineRunRequest request;
            if (kind.equals("export")) {
                List<String> artifacts = new ArrayList<>();
                for (String line : Files.readAllLines(Path.of(args[4]))) {
                    if (!line.isBlank()) {
                        artifacts.add(line.split(" ")[0]);
                    }
                }
                client.createOrUpdateExportPipeline(new ExportPipeline("benchexport", registry, container,
                        Set.of()));
                request = PipelineRunRequest.export("benchexport", blob, artifacts);
            } else {
                client.createOrUpdateImportPipeline(new ImportPipeline("benchimport", registry, container, Set.of()));
                request = PipelineRunRequest.importBlob("benchimport", blob);
            }
            String runName = kind + "run" + System.currentTimeMillis();
            long started = System.nanoTime();
            PipelineRun run = client.createOrUpdatePipelineRun(runName, request, null);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("RESULT %s seconds=%.3f status=%s catalogDigest=%s%n", kind, seconds, run.status(),
                    run.response().catalogDigest());
            if (run.status() != RunStatus.Succeeded) {
                System.err.println("Run " + runName + " ended " + run.status() + ": "
                        + run.response().pipelineRunErrorMessage());
                System.exit(1);
            }
        }
    }
}
