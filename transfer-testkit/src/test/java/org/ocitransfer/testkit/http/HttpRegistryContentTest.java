// The HTTP registry client against the REAL Distribution registry (open mode): push, resolve, fetch, exists, tags
// and their pages, catalog, ranged reads, chunked and monolithic uploads with absolute and relative Locations,
// mounts, the referrers tag fallback, and the errors for missing or corrupt content.
package org.ocitransfer.testkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.core.registry.http.HttpRepository;
import org.ocitransfer.testkit.assertions.RegistryAssertions;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.content.GeneratedContent;
import org.ocitransfer.testkit.registry.RegistryExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.ocitransfer.testkit.random.Seeds;

class HttpRegistryContentTest {

    @RegisterExtension
    static RegistryExtension absolute = RegistryExtension.open();
    @RegisterExtension
    static RegistryExtension relative = RegistryExtension.with(b -> b.relativeUrls(true));

    private static HttpRegistry registry;
    private static HttpRegistry relativeRegistry;
    private ContentGenerator gen;

    /** Content of its own for each test (the registry is shared), the same again on a rerun with the seed. */
    @BeforeEach
    void generator(TestInfo test) {
        gen = new ContentGenerator(Seeds.seed((test.getTestMethod().orElseThrow().getName() + test.getDisplayName())
                .hashCode()));
    }

    @BeforeAll
    static void connect() {
        // Small pages and a low chunked-upload threshold, so paging and chunked uploads run on small content.
        registry = HttpRegistry.builder().uri(absolute.registry().url()).pageSize(2)
                .chunkedUploadThreshold(1024 * 1024).chunkSize(300_000).build();
        relativeRegistry = HttpRegistry.builder().uri(relative.registry().url())
                .chunkedUploadThreshold(1024 * 1024).chunkSize(300_000).build();
    }

    @AfterAll
    static void disconnect() {
        registry.close();
        relativeRegistry.close();
    }

    @Test
    void anImagePushedIsResolvedFetchedAndVerified() throws IOException {
        registry.ping();
        HttpRepository repo = registry.repository("team/sub/app");
        GeneratedArtifact image = gen.image(1000, 2000);

        image.pushTo(repo, "v1");

        RegistryAssertions.assertTag(repo, "v1", image.root());
        assertThat(repo.resolve(image.digest())).isEqualTo(image.root());
        assertThat(repo.fetchManifest(image.root())).isEqualTo(image.rootBytes());
        for (Descriptor d : image.descriptors()) {
            assertThat(repo.exists(d)).as("exists %s", d).isTrue();
            assertThat(readVerified(repo, d)).isTrue();
        }
        assertThat(repo.exists(gen.layer(10).descriptor())).isFalse();
    }

    @Test
    void dockerImagesMultiArchIndexesAndDigestOnlyArtifactsKeepTheirMediaTypes() {
        HttpRepository repo = registry.repository("kinds");
        GeneratedArtifact docker = gen.dockerImage(500);
        GeneratedArtifact index = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 700);
        GeneratedArtifact list = gen.dockerManifestList(List.of("linux/amd64", "linux/arm64"), 300);
        GeneratedArtifact artifact = gen.artifact("application/vnd.example.config", 64);

        docker.pushTo(repo, "docker");
        index.pushTo(repo, "multi");
        list.pushTo(repo, "list");
        artifact.pushTo(repo);

        assertThat(repo.resolve("docker").mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(repo.resolve("multi")).isEqualTo(index.root());
        assertThat(repo.resolve("list").mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
        for (GeneratedArtifact child : index.children()) {
            assertThat(repo.resolve(child.digest()).mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        }
        assertThat(repo.resolve(artifact.digest()).digest()).isEqualTo(artifact.digest());
        assertThat(repo.fetchManifest(artifact.root())).isEqualTo(artifact.rootBytes());
    }

    @Test
    void tagsAreListedAndTheCatalogIsReadAcrossPages() {
        HttpRepository repo = registry.repository("paged");
        GeneratedArtifact image = gen.image(10);
        image.pushTo(repo);
        for (String tag : List.of("t0", "t1", "t2", "t3", "t4")) {
            repo.tag(image.root(), tag);
        }
        for (String name : List.of("cat/a", "cat/b", "cat/c")) {
            gen.image(10).pushTo(registry.repository(name), "x");
        }

        // Distribution 2.8 answers the whole tag list at once, in its own order (paging tags came in 3.0); the
        // Link-following code is the same as the catalog's, which it does page.
        assertThat(repo.tags()).containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4");
        List<String> catalog = registry.catalog(); // pages of 2
        assertThat(catalog).contains("cat/a", "cat/b", "cat/c", "paged").doesNotHaveDuplicates();
    }

    @Test
    void aRangeOfABlobIsRead() throws IOException {
        HttpRepository repo = registry.repository("ranges");
        GeneratedContent layer = gen.layer(3 * 1024 * 1024 + 17);
        repo.push(layer.descriptor(), layer.source());

        byte[] expected;
        try (InputStream all = layer.source().open()) {
            all.skipNBytes(1_000_000);
            expected = all.readNBytes(70_000);
        }
        try (InputStream part = repo.fetchRange(layer.descriptor(), 1_000_000, 70_000)) {
            assertThat(part.readAllBytes()).isEqualTo(expected);
        }
        try (InputStream tail = repo.fetchRange(layer.descriptor(), layer.descriptor().size() - 5, 5)) {
            assertThat(tail.readAllBytes()).hasSize(5);
        }
    }

    @Test
    void largeBlobsAreUploadedInChunksAndSmallerOnesInOnePutWithAbsoluteOrRelativeLocations() {
        for (HttpRegistry target : List.of(registry, relativeRegistry)) {
            HttpRepository repo = target.repository("uploads");
            GeneratedContent chunked = gen.layer(2 * 1024 * 1024 + 1); // over the 1 MiB threshold: 300 KB PATCHes
            GeneratedContent single = gen.layer(900_000);             // under it: streamed in one PUT
            GeneratedContent small = gen.layer(0);                     // the empty blob

            for (GeneratedContent c : List.of(chunked, single, small)) {
                repo.push(c.descriptor(), c.source());
                assertThat(repo.exists(c.descriptor())).as("%s in %s", c.descriptor(), target).isTrue();
                assertThat(readVerified(repo, c.descriptor())).isTrue();
            }
        }
    }

    @Test
    void aOneShotStreamIsPushed() {
        HttpRepository repo = registry.repository("oneshot");
        GeneratedContent layer = gen.layer(1536 * 1024);
        ContentSource once = ContentSource.reopenable(() -> layer.source().open());
        try {
            repo.push(layer.descriptor(), ContentSource.once(once.open()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(readVerified(repo, layer.descriptor())).isTrue();
    }

    @Test
    void aBlobIsMountedFromAnotherRepositoryAndADeclinedMountContinuesAsAnUpload() {
        HttpRepository source = registry.repository("mount/src");
        HttpRepository target = registry.repository("mount/dst");
        GeneratedContent shared = gen.layer(5000);
        source.push(shared.descriptor(), shared.source());

        assertThat(target.mount(shared.descriptor(), "mount/src")).isTrue();
        assertThat(target.exists(shared.descriptor())).isTrue();

        GeneratedContent elsewhere = gen.layer(1_200_000);
        assertThat(target.mount(elsewhere.descriptor(), "mount/src")).isFalse(); // the source does not have it
        // Another handle on the same repository continues the upload the declined mount opened.
        registry.repository("mount/dst").push(elsewhere.descriptor(), elsewhere.source());
        assertThat(readVerified(target, elsewhere.descriptor())).isTrue();
    }

    @Test
    void referrersAreRecordedAndListedThroughTheTagFallback() {
        HttpRepository repo = registry.repository("signed");
        GeneratedArtifact image = gen.image(100);
        image.pushTo(repo, "v1");
        GeneratedArtifact sbom = gen.sbom(image.root());
        GeneratedArtifact signature = gen.signature(image.root());

        sbom.pushTo(repo);        // adds it to the fallback index
        signature.pushTo(repo);
        String fallbackTag = "sha256-" + image.root().parsedDigest().hex();
        Descriptor indexBefore = repo.resolve(fallbackTag);
        repo.addReferrer(image.root(), sbom.root()); // already listed: nothing changes

        List<Descriptor> referrers = repo.referrers(image.root());
        assertThat(referrers).extracting(Descriptor::digest).containsExactly(sbom.digest(), signature.digest());
        assertThat(referrers).extracting(Descriptor::artifactType)
                .containsExactly("application/spdx+json", "application/vnd.cncf.notary.signature");
        assertThat(repo.resolve(fallbackTag)).isEqualTo(indexBefore);
        assertThat(indexBefore.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(repo.referrers(sbom.root())).isEmpty();
    }

    @Test
    void missingTagsRepositoriesAndBlobsAreNamed() {
        HttpRepository repo = registry.repository("present");
        gen.image(10).pushTo(repo, "v1");
        Descriptor absentBlob = gen.layer(33).descriptor();

        assertThatThrownBy(() -> repo.resolve("v9")).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
            assertThat(e.getMessage()).contains("tag 'v9'", "repository 'present'", "MANIFEST_UNKNOWN");
        });
        assertThatThrownBy(() -> registry.repository("no/such/repo").resolve("v1"))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
                    assertThat(e.getMessage()).contains("no/such/repo", "v1");
                });
        assertThatThrownBy(() -> repo.fetch(absentBlob)).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
            assertThat(e.getMessage()).contains(absentBlob.digest(), "BLOB_UNKNOWN");
        });
        assertThatThrownBy(() -> registry.repository("no/such/repo").tags())
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
                    assertThat(e.getMessage()).contains("Repository 'no/such/repo' does not exist");
                });
    }

    @Test
    void contentThatDoesNotMatchItsDescriptorIsRefusedAndNothingIsLeft() {
        HttpRepository repo = registry.repository("corrupt");
        GeneratedContent claimed = gen.layer(2 * 1024 * 1024);
        GeneratedContent actual = gen.layer(2 * 1024 * 1024); // same size, other bytes: found at the last byte
        GeneratedContent small = gen.layer(100);
        byte[] manifest = gen.image(10).rootBytes();
        Descriptor wrongManifest = Descriptor.of(MediaTypes.OCI_MANIFEST, gen.image(10).rootBytes());

        // The default client streams a blob in one PUT (over its blob wire); this one uploads it in chunks.
        HttpRegistry oneStream = HttpRegistry.builder().uri(absolute.registry().url()).build();
        for (Runnable push : List.<Runnable>of(
                () -> oneStream.repository("corrupt").push(claimed.descriptor(), actual.source()),
                () -> repo.push(claimed.descriptor(), actual.source()),
                () -> repo.push(small.descriptor(), ContentSource.of(new byte[100])),
                () -> repo.push(wrongManifest, ContentSource.of(manifest)))) {
            assertThatThrownBy(push::run).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
                assertThat(e.getMessage()).containsAnyOf(claimed.descriptor().digest(), small.descriptor().digest(),
                        wrongManifest.digest());
            });
        }
        oneStream.close();
        assertThat(repo.exists(claimed.descriptor())).isFalse();
        assertThat(repo.exists(actual.descriptor())).isFalse();
        assertThat(repo.exists(small.descriptor())).isFalse();
        assertThat(repo.exists(wrongManifest)).isFalse();
    }

    /** Reads the content to the end through the client's verifying stream. */
    private static boolean readVerified(HttpRepository repo, Descriptor d) {
        try (InputStream in = repo.fetch(d)) {
            in.transferTo(OutputStreamSink.INSTANCE);
            return in instanceof VerifyingInputStream v && v.isVerified();
        } catch (IOException e) {
            throw RegistryException.fromIo("read " + d.digest(), repo.registryLocation(), e);
        }
    }

    /** Discards bytes. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
            // discarded: the test only needs the stream read to its end
        }

        @Override
        public void write(byte[] b, int off, int len) {
            // discarded
        }
    }
}
