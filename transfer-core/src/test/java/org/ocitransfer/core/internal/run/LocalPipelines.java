// The set-up run tests share: two OCI layout registries, a local directory container, a client on a state directory
// and the pipelines between them.
package org.ocitransfer.core.internal.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;

/**
 * A base for tests of runs from the layout {@code source} through the directory {@code container} into the layout
 * {@code target}: {@link #pipelines} creates the pipelines {@code exporter} and {@code importer}; {@link #client} is
 * closed after each test (a test that replaces it closes the one it replaces).
 */
abstract class LocalPipelines {

    @TempDir
    Path dir;
    OciLayoutRegistry source;
    OciLayoutRegistry target;
    Path container;
    TransferClient client;

    @BeforeEach
    void openRegistriesAndClient() throws IOException {
        source = OciLayoutRegistry.open(dir.resolve("source"));
        target = OciLayoutRegistry.open(dir.resolve("target"));
        container = Files.createDirectories(dir.resolve("container"));
        client = newClient();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    /** Another client on the same state directory. */
    TransferClient newClient() {
        return new TransferClientBuilder().stateDirectory(dir.resolve("state")).buildClient();
    }

    /** Creates {@code exporter} (source to container) and {@code importer} (container to target). */
    void pipelines(Set<PipelineOption> exportOptions, Set<PipelineOption> importOptions) {
        StorageContainer c = StorageContainer.of(container.toUri());
        client.createOrUpdateExportPipeline(new ExportPipeline("exporter", source.location(), c, exportOptions));
        client.createOrUpdateImportPipeline(new ImportPipeline("importer", target.location(), c, importOptions));
    }

    /** Runs {@code exporter} to its end. */
    PipelineRun export(String run, String blob, List<String> artifacts) {
        return client.createOrUpdatePipelineRun(run, PipelineRunRequest.export("exporter", blob, artifacts), null);
    }

    /** Runs {@code importer} to its end. */
    PipelineRun importBlob(String run, String blob) {
        return client.createOrUpdatePipelineRun(run, PipelineRunRequest.importBlob("importer", blob), null);
    }
}
