package example;

// sample: quickstart
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TriggerStatus;
import org.ocitransfer.core.client.TransferClientBuilder;

/** Exports three artifacts of an OCI image layout into one archive blob, then imports it into a second layout. */
public class Quickstart {

    public static void main(String[] args) throws IOException {
        Path source = Path.of(args.length > 0 ? args[0] : "examples/sample-layout").toAbsolutePath();
        Path work = Path.of(args.length > 1 ? args[1] : "work").toAbsolutePath();
        Path directory = Files.createDirectories(work.resolve("container"));
        StorageContainer container = StorageContainer.of(directory.toUri());        // file:///.../container/
        try (TransferClient client = new TransferClientBuilder()
                .stateDirectory(work.resolve("state"))                                 // pipeline and run records
                .buildClient()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("myexport", "oci-layout:" + source, container,
                    Set.of(PipelineOption.OverwriteBlobs)));
            PipelineRun export = client.createOrUpdatePipelineRun("myexportrun", PipelineRunRequest.export(
                    "myexport", "samples.tar", List.of("samples/hello:1.0", "samples/world:1.0", "samples/multi:1.0")),
                    null);
            System.out.println("export " + export.status() + ", catalog " + export.response().catalogDigest());

            client.createOrUpdateImportPipeline(new ImportPipeline("myimport", "oci-layout:" + work.resolve("imported"),
                    container, Set.of()).withSourceTrigger(TriggerStatus.Disabled));
            PipelineRun imported = client.createOrUpdatePipelineRun("myimportrun",
                    PipelineRunRequest.importBlob("myimport", "samples.tar"), null);
            System.out.println("import " + imported.status() + ", " + imported.response().importedArtifacts());
        }
    }
}
// end sample: quickstart
