// A child JVM's main for RunLogsTest: runs an export whose listener always throws, through a source registry that
// logs from the run's worker threads, then prints every captured log line (CapturingLogs) on stdout.
package org.ocitransfer.core.internal.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.ProgressListener;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class RunLogsMain {

    private RunLogsMain() {
    }

    /** args: a working directory, the run's name. Prints the captured lines, then the run's status last. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String runName = args[1];
        Logger log = LoggerFactory.getLogger("test.registry");
        OciLayoutRegistry source = OciLayoutRegistry.open(dir.resolve("source"));
        TestImages images = new TestImages(5);
        images.image(source.repository("app"), "1", List.of(images.randomBytes(4000)));
        images.image(source.repository("app"), "2", List.of(images.randomBytes(4000)));
        Registry logging = new Registry() {
            @Override
            public Repository repository(String name) {
                log.info("repository {} opened", name);
                return source.repository(name);
            }

            @Override
            public String location() {
                return source.location();
            }
        };
        PipelineRun run;
        try (TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                .registry("logged:source", logging).concurrency(2).maxConcurrentRuns(1).buildClient()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", "logged:source",
                    StorageContainer.of(Files.createDirectories(dir.resolve("container")).toUri()), Set.of()));
            ProgressListener throwing = (name, progress) -> {
                throw new IllegalStateException("listener broken on purpose");
            };
            run = client.beginCreateOrUpdatePipelineRun(runName, PipelineRunRequest.export("exporter", "a.tar",
                    List.of("app:1", "app:2")), null, throwing).await();
        }
        CapturingLogs.LINES.forEach(System.out::println);
        System.out.println("STATUS " + run.status());
    }
}
