package org.ocitransfer.testkit.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.MountSupport;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.content.GeneratedContent;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;
import org.ocitransfer.testkit.random.Seeds;

import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertSameGraph;

/**
 * Import reuses what the target registry has: blobs it holds are not sent again (HEAD), and a blob shared by two
 * repositories of the run is sent once and mounted into the other. The target is the real registry; the client's
 * calls into it are counted by a thin decorator over the real HTTP client.
 */
class ImportReuseTest {

    @TempDir
    Path dir;

    @Test
    void sharedBlobsAreMountedAndPresentBlobsAreNotSentAgain() throws IOException {
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry source = HttpRegistry.builder().uri(a.url()).build();
             HttpRegistry target = HttpRegistry.builder().uri(b.url()).build()) {
            ContentGenerator gen = new ContentGenerator(Seeds.seed(11));
            List<GeneratedContent> base = gen.layers(200_000);
            GeneratedArtifact one = gen.image(base, 1000);
            GeneratedArtifact two = gen.image(base, 2000);
            one.pushTo(source.repository("team/one"), "1");
            two.pushTo(source.repository("team/two"), "1");
            CountingRegistry counting = new CountingRegistry(target);
            try (TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                    .registry("counted:b", counting).buildClient()) {
                StorageContainer container = StorageContainer.of(Files.createDirectories(dir.resolve("container"))
                        .toUri());
                client.createOrUpdateExportPipeline(new ExportPipeline("exporter", a.url(), container, Set.of()));
                client.createOrUpdateImportPipeline(new ImportPipeline("importer", "counted:b", container, Set.of()));
                assertThat(client.createOrUpdatePipelineRun("export1", PipelineRunRequest.export("exporter", "x.tar",
                        List.of("team/one:1", "team/two:1")), null).status()).isEqualTo(RunStatus.Succeeded);

                assertThat(client.createOrUpdatePipelineRun("import1", PipelineRunRequest.importBlob("importer",
                        "x.tar"), null).status()).isEqualTo(RunStatus.Succeeded);
                String shared = base.get(0).descriptor().digest();
                assertThat(counting.pushes.get(shared).get()).as("the shared layer is sent once").isEqualTo(1);
                assertThat(counting.mounts()).as("and mounted into the other repository").isEqualTo(1);
                assertSameGraph(source.repository("team/one"), "1", target.repository("team/one"), "1");
                assertSameGraph(source.repository("team/two"), "1", target.repository("team/two"), "1");

                int pushesBefore = counting.totalPushes();
                assertThat(client.createOrUpdatePipelineRun("import2", PipelineRunRequest.importBlob("importer",
                        "x.tar"), null).status()).isEqualTo(RunStatus.Succeeded);
                assertThat(counting.totalPushes()).as("a second import sends nothing the target has")
                        .isEqualTo(pushesBefore);
            }
        }
    }

    /** Counts pushes and mounts made through the real HTTP registry client. */
    private static final class CountingRegistry implements Registry {
        private final Registry real;
        final ConcurrentMap<String, AtomicInteger> pushes = new ConcurrentHashMap<>();
        private final ConcurrentMap<String, AtomicInteger> mountsByDigest = new ConcurrentHashMap<>();

        CountingRegistry(Registry real) {
            this.real = real;
        }

        int mounts() {
            return mountsByDigest.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        int totalPushes() {
            return pushes.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        @Override
        public Repository repository(String name) {
            Repository repo = real.repository(name);
            return new CountingRepository(repo);
        }

        @Override
        public String location() {
            return real.location();
        }

        private final class CountingRepository implements Repository, MountSupport {
            private final Repository repo;

            CountingRepository(Repository repo) {
                this.repo = repo;
            }

            @Override
            public String name() {
                return repo.name();
            }

            @Override
            public String registryLocation() {
                return repo.registryLocation();
            }

            @Override
            public Descriptor resolve(String reference) {
                return repo.resolve(reference);
            }

            @Override
            public InputStream fetch(Descriptor descriptor) {
                return repo.fetch(descriptor);
            }

            @Override
            public boolean exists(Descriptor descriptor) {
                return repo.exists(descriptor);
            }

            @Override
            public void push(Descriptor expected, ContentSource content) {
                pushes.computeIfAbsent(expected.digest(), d -> new AtomicInteger()).incrementAndGet();
                repo.push(expected, content);
            }

            @Override
            public void tag(Descriptor manifest, String tag) {
                repo.tag(manifest, tag);
            }

            @Override
            public boolean mount(Descriptor blob, String fromRepository) {
                boolean mounted = ((MountSupport) repo).mount(blob, fromRepository);
                if (mounted) {
                    mountsByDigest.computeIfAbsent(blob.digest(), d -> new AtomicInteger()).incrementAndGet();
                }
                return mounted;
            }
        }
    }
}
