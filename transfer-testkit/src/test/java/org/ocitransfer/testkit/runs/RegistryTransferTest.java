package org.ocitransfer.testkit.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;
import org.ocitransfer.core.registry.http.RetryPolicy;
import org.ocitransfer.testkit.assertions.SpecDocuments;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.proxy.Fault;
import org.ocitransfer.testkit.proxy.FaultProxy;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.random.Seeds;

import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertSameGraph;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertTag;

/**
 * Export from one real Distribution registry, import into another, through an archive in a local directory
 * container: every kind of content, every auth mode, and the failures users meet.
 */
class RegistryTransferTest {

    @TempDir
    Path dir;

    /** Every archive the runs wrote holds only fields the OCI specs (and docs/archive-format.md) define. */
    @AfterEach
    void archivesHoldOnlySpecFields() {
        SpecDocuments.assertArchives(dir.resolve("container"));
    }

    private static CredentialProvider credentialsOf(DistributionRegistry... registries) {
        return host -> {
            for (DistributionRegistry r : registries) {
                if (r.host().equals(host) && r.username() != null) {
                    return Optional.of(RegistryCredential.basic(r.username(), r.password()));
                }
            }
            return Optional.empty();
        };
    }

    private TransferClient client(CredentialProvider credentials) {
        return new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                .registryFactory(new HttpRegistryFactory(b -> b.credentials(credentials)
                        .retry(RetryPolicy.none())))
                .buildClient();
    }

    private void pipelines(TransferClient client, String source, String target, Set<PipelineOption> exportOptions,
                           Set<PipelineOption> importOptions) {
        Path directory = dir.resolve("container");
        try {
            Files.createDirectories(directory); // a container is not created by writing to it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StorageContainer container = StorageContainer.of(directory.toUri());
        client.createOrUpdateExportPipeline(new ExportPipeline("exporter", source, container, exportOptions));
        client.createOrUpdateImportPipeline(new ImportPipeline("importer", target, container, importOptions));
    }

    private static HttpRegistry open(DistributionRegistry registry) {
        return HttpRegistry.builder().uri(registry.url()).credentials(credentialsOf(registry)).build();
    }

    @ParameterizedTest
    @EnumSource(AuthMode.class)
    void everyKindOfContentArrivesWithTheSameDigests(AuthMode mode) {
        try (DistributionRegistry a = DistributionRegistry.start(mode);
             DistributionRegistry b = DistributionRegistry.start(mode);
             HttpRegistry source = open(a); HttpRegistry target = open(b);
             TransferClient client = client(credentialsOf(a, b))) {
            ContentGenerator gen = new ContentGenerator(Seeds.seed(7));
            GeneratedArtifact multi = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 3000, 2000);
            multi.pushTo(source.repository("lib/multi"), "1");
            GeneratedArtifact docker = gen.dockerImage(1500, 2500);
            docker.pushTo(source.repository("legacy/app"), "v2");
            GeneratedArtifact artifact = gen.artifact("application/vnd.example.config", 700);
            artifact.pushTo(source.repository("art/data"), "1");
            GeneratedArtifact sbom = gen.sbom(multi.root());
            sbom.pushTo(source.repository("lib/multi"));
            GeneratedArtifact untagged = gen.image(1200);
            untagged.pushTo(source.repository("by/digest"));
            GeneratedArtifact deep = gen.image(900, 800);
            deep.pushTo(source.repository("a/b/c/d/deep"), "1.0");

            pipelines(client, a.url(), b.url(), EnumSet.of(PipelineOption.IncludeReferrers), Set.of());
            PipelineRun exported = client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter",
                    "bundle.tar", List.of("lib/multi:1", "legacy/app:v2", "art/data:1", "by/digest@"
                            + untagged.digest(), "a/b/c/d/deep:1.0")), null);
            assertThat(exported.status()).as(exported.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            PipelineRun imported = client.createOrUpdatePipelineRun("import1",
                    PipelineRunRequest.importBlob("importer", "bundle.tar"), null);
            assertThat(imported.status()).as(imported.response().pipelineRunErrorMessage())
                    .isEqualTo(RunStatus.Succeeded);
            assertThat(imported.response().catalogDigest()).isEqualTo(exported.response().catalogDigest());

            assertSameGraph(source.repository("lib/multi"), "1", target.repository("lib/multi"), "1");
            assertSameGraph(source.repository("legacy/app"), "v2", target.repository("legacy/app"), "v2");
            assertSameGraph(source.repository("art/data"), "1", target.repository("art/data"), "1");
            assertSameGraph(source.repository("a/b/c/d/deep"), "1.0", target.repository("a/b/c/d/deep"), "1.0");
            assertSameGraph(source.repository("by/digest"), untagged.digest(), target.repository("by/digest"),
                    untagged.digest());
            assertTag(target.repository("legacy/app"), "v2", docker.digest());
            assertThat(target.repository("legacy/app").resolve("v2").mediaType())
                    .isEqualTo(docker.root().mediaType());
            List<Descriptor> referrers = ((ReferrersSupport) target.repository("lib/multi")).referrers(multi.root());
            assertThat(referrers).extracting(Descriptor::digest).contains(sbom.digest());
            assertThat(target.repository("lib/multi").exists(sbom.root())).isTrue();
        }
    }

    @Test
    void aWrongPasswordIsAClearAuthError() {
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.BASIC);
             TransferClient client = client(host -> Optional.of(RegistryCredential.basic(a.username(), "wrong")))) {
            pipelines(client, a.url(), a.url(), Set.of(), Set.of());
            PipelineRun run = client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter",
                    "x.tar", List.of("app:1")), null);
            assertThat(run.status()).isEqualTo(RunStatus.Failed);
            assertThat(run.response().pipelineRunErrorMessage()).contains("app:1").contains("(source)")
                    .containsIgnoringCase("credentials").doesNotContain("wrong");
            assertThat(dir.resolve("container/x.tar")).doesNotExist();
        }
    }

    @Test
    void aMissingTagIsNamedAndContinueOnErrorsMovesTheOthers() {
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry source = open(a); HttpRegistry target = open(b);
             TransferClient client = client(CredentialProvider.ANONYMOUS)) {
            GeneratedArtifact image = new ContentGenerator(Seeds.seed(3)).image(1000);
            image.pushTo(source.repository("app"), "1");
            pipelines(client, a.url(), b.url(), Set.of(), Set.of());
            PipelineRun stopped = client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter",
                    "x.tar", List.of("app:1", "app:nosuchtag")), null);
            assertThat(stopped.status()).isEqualTo(RunStatus.Failed);
            assertThat(stopped.response().pipelineRunErrorMessage()).contains("app:nosuchtag");

            pipelines(client, a.url(), b.url(), EnumSet.of(PipelineOption.ContinueOnErrors), Set.of());
            PipelineRun partial = client.createOrUpdatePipelineRun("export2", PipelineRunRequest.export("exporter",
                    "x.tar", List.of("app:1", "app:nosuchtag")), null);
            assertThat(partial.status()).isEqualTo(RunStatus.CompletedWithErrors);
            assertThat(partial.response().artifactResults()).filteredOn(r -> r.status() == ArtifactResult.Status.Failed)
                    .singleElement().satisfies(r -> assertThat(r.artifact()).isEqualTo("app:nosuchtag"));
            assertThat(client.createOrUpdatePipelineRun("import1", PipelineRunRequest.importBlob("importer", "x.tar"),
                    null).status()).isEqualTo(RunStatus.Succeeded);
            assertTag(target.repository("app"), "1", image.digest());
        }
    }

    @Test
    void corruptedBytesAreDetectedAndNothingIsTagged() throws Exception {
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry source = open(a); HttpRegistry target = open(b);
             FaultProxy proxy = FaultProxy.start(a.host());
             TransferClient client = client(CredentialProvider.ANONYMOUS)) {
            GeneratedArtifact image = new ContentGenerator(Seeds.seed(5)).image(64 * 1024);
            image.pushTo(source.repository("app"), "1");
            Descriptor layer = image.blobs().stream().max(java.util.Comparator.comparingLong(Descriptor::size))
                    .orElseThrow();
            proxy.inject(Fault.corruptAt(1000).minBodyBytes(layer.size()).times(100));
            pipelines(client, proxy.url(), b.url(), Set.of(), Set.of());

            PipelineRun run = client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter",
                    "x.tar", List.of("app:1")), null);
            assertThat(run.status()).isEqualTo(RunStatus.Failed);
            assertThat(run.response().pipelineRunErrorMessage()).contains(layer.digest());
            assertThat(proxy.faultsInjected(Fault.Kind.CORRUPT)).isPositive();
            assertThat(Files.exists(dir.resolve("container/x.tar"))).as("no partial archive is committed").isFalse();
            try (var files = Files.list(dir.resolve("container"))) {
                assertThat(files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()).isEmpty();
            }
            assertThat(target.repository("app").exists(image.root())).isFalse();
        }
    }
}
