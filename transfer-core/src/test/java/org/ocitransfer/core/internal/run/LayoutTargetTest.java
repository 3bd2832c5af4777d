package org.ocitransfer.core.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.testing.Tools;

/**
 * Imports into an OCI layout that other tools wrote: a bare tag {@code 1} written by skopeo
 * ({@code skopeo copy ... oci:DIR:1}) is no repository's tag, so importing {@code team/app:1} tags it and leaves
 * skopeo's {@code 1} alone.
 */
class LayoutTargetTest {

    @TempDir
    Path dir;
    private final TestImages images = new TestImages(12);

    @Test
    void importingTeamApp1IntoALayoutWhereSkopeoWroteABareTag1TagsIt() throws Exception {
        OciLayoutRegistry source = OciLayoutRegistry.open(dir.resolve("source"));
        Descriptor ours = images.image(source.repository("team/app"), "1", List.of(images.randomBytes(3000)));
        Descriptor theirs = images.image(source.repository("other/img"), "7", List.of(images.randomBytes(2000)));
        // skopeo writes the target layout, naming its image by the bare tag 1.
        Path target = dir.resolve("target");
        skopeo("copy", "--preserve-digests", "oci:" + source.root() + ":other/img:7", "oci:" + target + ":1");
        assertThat(refNames(target)).containsExactly(Map.entry("1", theirs.digest()));

        try (TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state")).buildClient()) {
            StorageContainer container = StorageContainer.of(dir.resolve("container").toUri());
            Files.createDirectories(dir.resolve("container"));
            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", source.location(), container,
                    Set.of()));
            client.createOrUpdateImportPipeline(new ImportPipeline("importer", "oci-layout:" + target, container,
                    Set.of()));
            PipelineRun exported = client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter",
                    "bundle.tar", List.of("team/app:1")), null);
            assertThat(exported.status()).isEqualTo(RunStatus.Succeeded);
            PipelineRun imported = client.createOrUpdatePipelineRun("import1", PipelineRunRequest.importBlob(
                    "importer", "bundle.tar"), null);
            assertThat(imported.status()).as(imported.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertThat(imported.response().artifactResults()).singleElement().satisfies(r -> {
                assertThat(r.status()).as(r.message()).isEqualTo(ArtifactResult.Status.Succeeded);
                assertThat(r.digest()).isEqualTo(ours.digest());
            });
        }
        assertThat(refNames(target)).containsOnly(Map.entry("1", theirs.digest()),
                Map.entry("team/app:1", ours.digest()));
        OciLayoutRegistry layout = OciLayoutRegistry.open(target);
        assertThat(layout.repository("team/app").resolve("1").digest()).isEqualTo(ours.digest());
        // skopeo still reads its own tag, and reads ours by the name the layout gives it.
        skopeo("inspect", "--raw", "oci:" + target + ":1");
        skopeo("copy", "--preserve-digests", "oci:" + target + ":team/app:1", "oci:" + dir.resolve("check") + ":x");
        assertThat(refNames(dir.resolve("check"))).containsExactly(Map.entry("x", ours.digest()));
    }

    private static Map<String, String> refNames(Path layout) {
        return OciLayoutRegistry.open(layout).references().stream().collect(Collectors.toMap(
                OciLayoutRegistry.NamedManifest::refName, n -> n.descriptor().digest()));
    }

    private void skopeo(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--insecure-policy"));
        all.addAll(List.of(args));
        Tools.run(dir, Duration.ofSeconds(120), Tools.require("skopeo", "apt-get install -y skopeo"),
                all.toArray(String[]::new));
    }
}
