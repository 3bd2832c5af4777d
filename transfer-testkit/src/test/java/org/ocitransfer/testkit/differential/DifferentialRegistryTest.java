// Differential archives between real Distribution registries: only the new content travels; the import needs the base.
package org.ocitransfer.testkit.differential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ocitransfer.testkit.assertions.RunAssertions.succeeded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.assertions.RegistryAssertions;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.content.GeneratedContent;
import org.ocitransfer.testkit.random.Seeds;
import org.ocitransfer.testkit.registry.RegistryExtension;

/**
 * A full export from a real registry, one new image pushed (sharing a layer with the set, in a repository of its
 * own), a differential export with the full one as base: the archive holds only the new image's unique content.
 * Imported into a registry that had the first import, every tag of both lands with equal digests (the shared layer
 * mounted from the repository that has it); into an empty registry the import fails before any write, naming the
 * base, and the registry's storage is unchanged.
 */
@Timeout(120) // a hang guard, not a performance assertion
class DifferentialRegistryTest {

    @RegisterExtension
    static RegistryExtension source = RegistryExtension.open();
    @RegisterExtension
    static RegistryExtension target = RegistryExtension.open();
    @RegisterExtension
    static RegistryExtension empty = RegistryExtension.open();

    @TempDir
    Path dir;

    @Test
    void onlyTheNewImageTravelsAndItsImportNeedsTheBase() throws IOException {
        ContentGenerator generator = new ContentGenerator(Seeds.seed(1616));
        List<GeneratedContent> sharedLayers = generator.layers(70_000);
        GeneratedArtifact app = generator.image(sharedLayers, 50_000);
        GeneratedArtifact tool = generator.image(30_000, 20_000);
        GeneratedArtifact multi = generator.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 10_000);
        GeneratedArtifact fresh = generator.image(sharedLayers, 40_000, 1_500_000);
        try (HttpRegistry registry = HttpRegistry.builder().uri(source.registry().url()).build()) {
            app.pushTo(registry.repository("diff/app"), "1.0");
            tool.pushTo(registry.repository("diff/tool"), "1.0");
            multi.pushTo(registry.repository("diff/multi"), "1.0");
        }
        Path container = Files.createDirectories(dir.resolve("container"));
        StorageContainer c = StorageContainer.of(container.toUri());
        try (TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state")).buildClient()) {
            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", source.registry().url(), c, Set.of()));
            client.createOrUpdateImportPipeline(new ImportPipeline("intotarget", target.registry().url(), c,
                    Set.of()));
            client.createOrUpdateImportPipeline(new ImportPipeline("intoempty", empty.registry().url(), c,
                    Set.of()));
            List<String> set = List.of("diff/app:1.0", "diff/tool:1.0", "diff/multi:1.0");
            PipelineRun full = client.createOrUpdatePipelineRun("fullrun",
                    PipelineRunRequest.export("exporter", "full.tar", set), null);
            succeeded(full);
            succeeded(client.createOrUpdatePipelineRun("importfull",
                    PipelineRunRequest.importBlob("intotarget", "full.tar"), null));

            try (HttpRegistry registry = HttpRegistry.builder().uri(source.registry().url()).build()) {
                fresh.pushTo(registry.repository("diff/fresh"), "1.0");
            }
            List<String> all = new ArrayList<>(set);
            all.add("diff/fresh:1.0");
            PipelineRun diff = client.createOrUpdatePipelineRun("diffrun",
                    PipelineRunRequest.export("exporter", "diff.tar", all).withBaseBlobs(List.of("full.tar")), null);
            succeeded(diff);

            List<String> unique = fresh.descriptors().stream().map(Descriptor::digest)
                    .filter(d -> sharedLayers.stream().noneMatch(s -> s.descriptor().digest().equals(d))).toList();
            assertThat(blobEntries(container.resolve("diff.tar"))).containsExactlyInAnyOrderElementsOf(unique);
            long uniqueBytes = fresh.descriptors().stream().filter(d -> unique.contains(d.digest()))
                    .mapToLong(Descriptor::size).sum();
            assertThat(Files.size(container.resolve("diff.tar"))).isLessThan(uniqueBytes + 16 * 1024);

            // Into an empty registry: refused before any write, naming the base.
            long filesBefore = empty.registry().storedFiles();
            PipelineRun refused = client.createOrUpdatePipelineRun("importdiffempty",
                    PipelineRunRequest.importBlob("intoempty", "diff.tar"), null);
            assertThat(refused.status()).isEqualTo(RunStatus.Failed);
            assertThat(refused.response().pipelineRunErrorMessage()).contains("full.tar",
                    full.response().catalogDigest(), "Nothing was imported");
            assertThat(empty.registry().storedFiles()).as("files in the empty registry's storage")
                    .isEqualTo(filesBefore);
            try (HttpRegistry registry = HttpRegistry.builder().uri(empty.registry().url()).build()) {
                for (String repository : List.of("diff/app", "diff/tool", "diff/multi", "diff/fresh")) {
                    RegistryAssertions.assertNoTag(registry.repository(repository), "1.0");
                }
                assertThat(registry.repository("diff/fresh").exists(fresh.root())).isFalse();
            }

            // Into the registry that had the first import: every tag of both, equal digests.
            PipelineRun imported = client.createOrUpdatePipelineRun("importdiff",
                    PipelineRunRequest.importBlob("intotarget", "diff.tar"), null);
            succeeded(imported);
            try (HttpRegistry from = HttpRegistry.builder().uri(source.registry().url()).build();
                 HttpRegistry into = HttpRegistry.builder().uri(target.registry().url()).build()) {
                for (String repository : List.of("diff/app", "diff/tool", "diff/multi", "diff/fresh")) {
                    RegistryAssertions.assertSameGraph(from.repository(repository), "1.0",
                            into.repository(repository), "1.0");
                }
            }
        }
    }

    private static List<String> blobEntries(Path archive) throws IOException {
        List<String> digests = new ArrayList<>();
        try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().startsWith("blobs/")) {
                    digests.add(e.getName().substring("blobs/".length()).replace('/', ':'));
                }
            }
        }
        return digests;
    }
}
