package org.ocitransfer.testkit.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertTag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.ReferrersSupport;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.random.Seeds;

/**
 * IncludeReferrers with several requested artifacts naming one image (two tags, or a tag and the digest), against
 * real Distribution registries (referrers through the tag-schema fallback): each requested name is exported and
 * imported, the image's referrers and shared content go into the archive once, and the run counts the requested
 * artifacts.
 */
class ReferrersOfSeveralRootsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void twoTagsOrATagAndTheDigestOfOneImageCarryItsReferrersOnce() throws IOException {
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry source = HttpRegistry.builder().uri(a.url()).build();
             HttpRegistry target = HttpRegistry.builder().uri(b.url()).build();
             TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                     // Default retries: Distribution answers 500 now and then when two tags of one manifest are
                     // put at once (the import tags in parallel), and a retry is what a user's client does.
                     .registryFactory(new HttpRegistryFactory(f -> f.credentials(CredentialProvider.ANONYMOUS)))
                     .buildClient()) {
            ContentGenerator gen = new ContentGenerator(Seeds.seed(8));
            GeneratedArtifact image = gen.image(1500, 700);
            image.pushTo(source.repository("umoci/app"), "1.0");
            image.pushTo(source.repository("umoci/app"), "latest");
            GeneratedArtifact sbom = gen.sbom(image.root());
            sbom.pushTo(source.repository("umoci/app"));
            GeneratedArtifact signature = gen.signature(image.root());
            signature.pushTo(source.repository("umoci/app"));
            StorageContainer container = StorageContainer.of(Files.createDirectories(dir.resolve("container")).toUri());
            client.createOrUpdateExportPipeline(new ExportPipeline("exporter", a.url(), container,
                    EnumSet.of(PipelineOption.IncludeReferrers)));
            client.createOrUpdateImportPipeline(new ImportPipeline("importer", b.url(), container, Set.of()));

            PipelineRun tags = client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter",
                    "tags.tar", List.of("umoci/app:1.0", "umoci/app:latest")), null);

            assertThat(tags.status()).as(tags.response().pipelineRunErrorMessage()).isEqualTo(RunStatus.Succeeded);
            assertThat(tags.response().artifactResults()).extracting(ArtifactResult::artifact, ArtifactResult::status)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("umoci/app:1.0",
                                    ArtifactResult.Status.Succeeded),
                            org.assertj.core.groups.Tuple.tuple("umoci/app:latest", ArtifactResult.Status.Succeeded));
            assertThat(tags.response().progress().artifactsDone()).isEqualTo(2);
            assertThat(tags.response().progress().artifactsTotal()).isEqualTo(2);
            Path archive = dir.resolve("container/tags.tar");
            assertThat(refNames(archive)).containsExactlyInAnyOrder("umoci/app:1.0", "umoci/app:latest",
                    "umoci/app@" + sbom.digest(), "umoci/app@" + signature.digest());
            assertThat(entryNames(archive)).doesNotHaveDuplicates();

            PipelineRun imported = client.createOrUpdatePipelineRun("import1",
                    PipelineRunRequest.importBlob("importer", "tags.tar"), null);
            assertThat(imported.status()).as(imported.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertTag(target.repository("umoci/app"), "1.0", image.digest());
            assertTag(target.repository("umoci/app"), "latest", image.digest());
            assertThat(((ReferrersSupport) target.repository("umoci/app")).referrers(image.root()))
                    .extracting(Descriptor::digest).containsExactlyInAnyOrder(sbom.digest(), signature.digest());

            PipelineRun tagAndDigest = client.createOrUpdatePipelineRun("export2", PipelineRunRequest.export(
                    "exporter", "mixed.tar", List.of("umoci/app:1.0", "umoci/app@" + image.digest())), null);
            assertThat(tagAndDigest.status()).as(tagAndDigest.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertThat(refNames(dir.resolve("container/mixed.tar"))).containsExactlyInAnyOrder("umoci/app:1.0",
                    "umoci/app@" + image.digest(), "umoci/app@" + sbom.digest(), "umoci/app@" + signature.digest());
            assertThat(entryNames(dir.resolve("container/mixed.tar"))).doesNotHaveDuplicates();
        }
    }

    /** The ref names of the archive's index.json, in order. */
    private static List<String> refNames(Path archive) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().equals("index.json")) {
                    for (JsonNode m : JSON.readTree(tar.readAllBytes()).get("manifests")) {
                        names.add(m.get("annotations").get("org.opencontainers.image.ref.name").asText());
                    }
                }
            }
        }
        return names;
    }

    private static List<String> entryNames(Path archive) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
