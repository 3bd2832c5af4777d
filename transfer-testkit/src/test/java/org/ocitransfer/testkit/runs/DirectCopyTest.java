// TransferClient.copy against real Distribution registries and OCI layouts: registry -> registry, layout <-> registry.
package org.ocitransfer.testkit.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertNoTag;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertSameGraph;
import static org.ocitransfer.testkit.assertions.RegistryAssertions.assertTag;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ArtifactEvent;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.CopyRequest;
import org.ocitransfer.api.CopyResult;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.ProgressListener;
import org.ocitransfer.api.RunPhase;
import org.ocitransfer.api.RunProgress;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.ReferrersSupport;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.DistributionRegistry;

/**
 * The direct copy (the connected case, no archive): every content kind the kit generates, tags and digests equal on
 * both sides, referrers once each, OverwriteTags, ContinueOnErrors, and a failure that moves no tag; between real
 * Distribution registries and OCI layouts.
 */
class DirectCopyTest {

    @TempDir
    Path dir;

    private TransferClient client() {
        return new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                .registryFactory(new HttpRegistryFactory(f -> f.credentials(CredentialProvider.ANONYMOUS)))
                .buildClient();
    }

    @Test
    void everyContentKindArrivesWithItsTagsDigestsAndReferrersOnce() {
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry source = HttpRegistry.builder().uri(a.url()).build();
             HttpRegistry target = HttpRegistry.builder().uri(b.url()).build();
             TransferClient client = client()) {
            ContentGenerator gen = new ContentGenerator(21);
            GeneratedArtifact image = gen.image(3 * 1024 * 1024, 700);
            image.pushTo(source.repository("team/app"), "1.0");
            image.pushTo(source.repository("team/app"), "latest");
            GeneratedArtifact docker = gen.dockerImage(900, 300);
            docker.pushTo(source.repository("team/docker"), "v1");
            GeneratedArtifact multi = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 1200, 400);
            multi.pushTo(source.repository("team/multi"), "2.0");
            GeneratedArtifact artifact = gen.artifact("application/vnd.example.config+json", 500, 64);
            artifact.pushTo(source.repository("team/artifact"), "cfg");
            GeneratedArtifact sbom = gen.sbom(image.root());
            sbom.pushTo(source.repository("team/app"));
            GeneratedArtifact signature = gen.signature(image.root());
            signature.pushTo(source.repository("team/app"));

            List<RunPhase> phases = new ArrayList<>();
            List<ArtifactEvent> events = new ArrayList<>();
            RunProgress[] last = new RunProgress[1];
            ProgressListener listener = new ProgressListener() {
                @Override
                public void onProgress(String run, RunProgress progress) {
                    last[0] = progress;
                }

                @Override
                public void onArtifact(String run, ArtifactEvent event) {
                    events.add(event);
                }

                @Override
                public void onPhase(String run, RunPhase phase) {
                    phases.add(phase);
                }
            };
            CopyResult result = client.copy(CopyRequest.of(a.url(), b.url(), List.of("team/app:1.0",
                    "team/app:latest", "team/docker:v1", "team/multi:2.0", "team/artifact:cfg"),
                    EnumSet.of(PipelineOption.IncludeReferrers)), listener);

            assertThat(result.status()).as(result.message()).isEqualTo(RunStatus.Succeeded);
            assertThat(result.artifactResults()).extracting(ArtifactResult::artifact, ArtifactResult::status)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("team/app:1.0", ArtifactResult.Status.Succeeded),
                            org.assertj.core.groups.Tuple.tuple("team/app:latest", ArtifactResult.Status.Succeeded),
                            org.assertj.core.groups.Tuple.tuple("team/docker:v1", ArtifactResult.Status.Succeeded),
                            org.assertj.core.groups.Tuple.tuple("team/multi:2.0", ArtifactResult.Status.Succeeded),
                            org.assertj.core.groups.Tuple.tuple("team/artifact:cfg",
                                    ArtifactResult.Status.Succeeded),
                            org.assertj.core.groups.Tuple.tuple("team/app@" + sbom.digest(),
                                    ArtifactResult.Status.Succeeded),
                            org.assertj.core.groups.Tuple.tuple("team/app@" + signature.digest(),
                                    ArtifactResult.Status.Succeeded));
            assertSameGraph(source.repository("team/app"), "1.0", target.repository("team/app"), "1.0", true);
            assertTag(target.repository("team/app"), "latest", image.digest());
            assertSameGraph(source.repository("team/docker"), "v1", target.repository("team/docker"), "v1");
            assertSameGraph(source.repository("team/multi"), "2.0", target.repository("team/multi"), "2.0");
            assertSameGraph(source.repository("team/artifact"), "cfg", target.repository("team/artifact"), "cfg");
            assertThat(((ReferrersSupport) target.repository("team/app")).referrers(image.root()))
                    .extracting(Descriptor::digest).containsExactlyInAnyOrder(sbom.digest(), signature.digest());
            assertThat(phases).containsSubsequence(RunPhase.PLANNING, RunPhase.COPYING, RunPhase.TAGGING,
                    RunPhase.DONE);
            assertThat(events).filteredOn(e -> e.kind() == ArtifactEvent.Kind.SUCCEEDED).hasSize(7);
            assertThat(last[0].artifactsDone()).isEqualTo(7);
            assertThat(last[0].bytesDone()).isEqualTo(last[0].bytesTotal()).isPositive();
        }
    }

    @Test
    void withoutOverwriteTagsADifferingTagIsKeptAndWithItTheTagMoves() {
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry source = HttpRegistry.builder().uri(a.url()).build();
             HttpRegistry target = HttpRegistry.builder().uri(b.url()).build();
             TransferClient client = client()) {
            ContentGenerator gen = new ContentGenerator(22);
            GeneratedArtifact wanted = gen.image(800);
            wanted.pushTo(source.repository("team/app"), "1.0");
            GeneratedArtifact other = gen.image(600);
            other.pushTo(target.repository("team/app"), "1.0");

            CopyResult kept = client.copy(CopyRequest.of(a.url(), b.url(), List.of("team/app:1.0"), Set.of()));

            assertThat(kept.status()).as(kept.message()).isEqualTo(RunStatus.Succeeded);
            assertThat(kept.artifactResults().get(0).status()).isEqualTo(ArtifactResult.Status.TagKept);
            assertThat(kept.artifactResults().get(0).message()).contains("already points at " + other.digest(),
                    "set OverwriteTags");
            assertTag(target.repository("team/app"), "1.0", other.digest());
            assertSameGraph(source.repository("team/app"), wanted.digest(), target.repository("team/app"),
                    wanted.digest());

            CopyResult moved = client.copy(CopyRequest.of(a.url(), b.url(), List.of("team/app:1.0"),
                    Set.of(PipelineOption.OverwriteTags)));

            assertThat(moved.status()).as(moved.message()).isEqualTo(RunStatus.Succeeded);
            assertThat(moved.artifactResults().get(0).status()).isEqualTo(ArtifactResult.Status.Succeeded);
            assertTag(target.repository("team/app"), "1.0", wanted.digest());
        }
    }

    @Test
    void aMissingReferenceFailsTheCopyUnlessContinueOnErrorsCopiesTheOthers() {
        try (DistributionRegistry a = DistributionRegistry.start(AuthMode.OPEN);
             DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry source = HttpRegistry.builder().uri(a.url()).build();
             HttpRegistry target = HttpRegistry.builder().uri(b.url()).build();
             TransferClient client = client()) {
            GeneratedArtifact image = new ContentGenerator(23).image(900);
            image.pushTo(source.repository("team/app"), "1.0");
            List<String> refs = List.of("team/app:1.0", "team/app:0.0.404");

            CopyResult stopped = client.copy(CopyRequest.of(a.url(), b.url(), refs, Set.of()));

            assertThat(stopped.status()).isEqualTo(RunStatus.Failed);
            assertThat(stopped.message()).contains("team/app:0.0.404", "(source)", "ContinueOnErrors");
            assertThat(stopped.artifactResults()).extracting(ArtifactResult::status)
                    .containsExactly(ArtifactResult.Status.Skipped, ArtifactResult.Status.Failed);
            assertThat(stopped.artifactResults().get(1).category()).isNotNull();
            assertNoTag(target.repository("team/app"), "1.0");

            CopyResult partial = client.copy(CopyRequest.of(a.url(), b.url(), refs,
                    Set.of(PipelineOption.ContinueOnErrors)));

            assertThat(partial.status()).isEqualTo(RunStatus.CompletedWithErrors);
            assertThat(partial.artifactResults()).extracting(ArtifactResult::status)
                    .containsExactly(ArtifactResult.Status.Succeeded, ArtifactResult.Status.Failed);
            assertThat(partial.artifactResults().get(1).message()).contains(a.url(), "(source)");
            assertThat(partial.message()).contains("1 of 2 artifacts failed", "team/app:0.0.404");
            assertTag(target.repository("team/app"), "1.0", image.digest());
        }
    }

    @Test
    void layoutToRegistryAndBackKeepsEveryDigest() {
        try (DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry registry = HttpRegistry.builder().uri(b.url()).build();
             OciLayoutRegistry layout = OciLayoutRegistry.open(dir.resolve("from"));
             TransferClient client = client()) {
            ContentGenerator gen = new ContentGenerator(24);
            GeneratedArtifact image = gen.image(2000, 500);
            image.pushTo(layout.repository("team/app"), "1.0");
            GeneratedArtifact multi = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 700);
            multi.pushTo(layout.repository("team/multi"), "2.0");
            List<String> refs = List.of("team/app:1.0", "team/multi:2.0");

            CopyResult in = client.copy(CopyRequest.of("oci-layout:" + dir.resolve("from"), b.url(), refs,
                    Set.of()));
            assertThat(in.status()).as(in.message()).isEqualTo(RunStatus.Succeeded);
            assertSameGraph(layout.repository("team/app"), "1.0", registry.repository("team/app"), "1.0");
            assertSameGraph(layout.repository("team/multi"), "2.0", registry.repository("team/multi"), "2.0");

            CopyResult out = client.copy(CopyRequest.of(b.url(), "oci-layout:" + dir.resolve("to"), refs,
                    Set.of()));
            assertThat(out.status()).as(out.message()).isEqualTo(RunStatus.Succeeded);
            try (OciLayoutRegistry back = OciLayoutRegistry.open(dir.resolve("to"))) {
                assertSameGraph(registry.repository("team/app"), "1.0", back.repository("team/app"), "1.0");
                assertSameGraph(registry.repository("team/multi"), "2.0", back.repository("team/multi"), "2.0");
            }
        }
    }

    @Test
    void aBlobMissingFromTheSourceFailsTheCopyNamingTheSourceAndMovesNoTag() throws IOException {
        try (DistributionRegistry b = DistributionRegistry.start(AuthMode.OPEN);
             HttpRegistry registry = HttpRegistry.builder().uri(b.url()).build();
             OciLayoutRegistry layout = OciLayoutRegistry.open(dir.resolve("broken"));
             TransferClient client = client()) {
            ContentGenerator gen = new ContentGenerator(25);
            GeneratedArtifact good = gen.image(900);
            good.pushTo(layout.repository("team/good"), "1.0");
            GeneratedArtifact broken = gen.image(1100);
            broken.pushTo(layout.repository("team/broken"), "1.0");
            Descriptor lost = broken.blobs().get(broken.blobs().size() - 1);
            Files.delete(dir.resolve("broken/blobs/sha256").resolve(lost.digest().substring("sha256:".length())));
            List<String> refs = List.of("team/good:1.0", "team/broken:1.0");

            CopyResult stopped = client.copy(CopyRequest.of("oci-layout:" + dir.resolve("broken"), b.url(), refs,
                    Set.of()));

            assertThat(stopped.status()).isEqualTo(RunStatus.Failed);
            assertThat(stopped.message()).contains("team/broken:1.0", "reading blob " + lost.digest(), "(source)",
                    "No tag was touched");
            assertThat(stopped.artifactResults()).extracting(ArtifactResult::status)
                    .containsExactly(ArtifactResult.Status.Skipped, ArtifactResult.Status.Failed);
            assertNoTag(registry.repository("team/good"), "1.0");
            assertNoTag(registry.repository("team/broken"), "1.0");

            CopyResult partial = client.copy(CopyRequest.of("oci-layout:" + dir.resolve("broken"), b.url(), refs,
                    Set.of(PipelineOption.ContinueOnErrors)));

            assertThat(partial.status()).isEqualTo(RunStatus.CompletedWithErrors);
            assertTag(registry.repository("team/good"), "1.0", good.digest());
            assertNoTag(registry.repository("team/broken"), "1.0");
        }
    }

    @Test
    void optionsThatDoNotApplyToACopyAreRefused() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> CopyRequest.of("http://a:1", "http://b:2",
                List.of("team/app:1.0"), Set.of(PipelineOption.OverwriteBlobs))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OverwriteBlobs does not apply to a copy");
    }
}
