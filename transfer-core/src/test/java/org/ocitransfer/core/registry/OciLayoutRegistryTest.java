package org.ocitransfer.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;

/** The OCI layout directory registry: verified pushes, tags in index.json, bare-tag layouts. */
class OciLayoutRegistryTest {

    @TempDir
    Path dir;

    @Test
    void aPushWhoseBytesDoNotMatchLeavesNothing() throws IOException {
        OciLayoutRegistry layout = OciLayoutRegistry.open(dir);
        Repository repo = layout.repository("app");
        byte[] bytes = "hello".getBytes(StandardCharsets.UTF_8);
        Descriptor claimed = Descriptor.of(MediaTypes.OCI_LAYER, "sha256:" + "0".repeat(64), bytes.length);
        assertThatThrownBy(() -> repo.push(claimed, ContentSource.of(bytes)))
                .isInstanceOf(RegistryException.class).hasMessageContaining("does not match its digest");
        try (var files = Files.walk(dir.resolve("blobs"))) {
            assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
        }
        Descriptor real = Descriptor.of(MediaTypes.OCI_LAYER, bytes);
        repo.push(real, ContentSource.of(bytes));
        assertThat(repo.exists(real)).isTrue();
    }

    @Test
    void concurrentTagsAreAllKept() throws Exception {
        OciLayoutRegistry layout = OciLayoutRegistry.open(dir);
        Repository repo = layout.repository("app");
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:"
                + "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},\"layers\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        Descriptor m = Descriptor.of(MediaTypes.OCI_MANIFEST, manifest);
        repo.push(m, ContentSource.of(manifest));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String tag = "t" + i;
            futures.add(pool.submit(() -> repo.tag(m, tag)));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(((TagListSupport) repo).tags()).hasSize(40);
        assertThat(layout.references()).allMatch(r -> r.refName().startsWith("app:"));
    }

    @Test
    void aBareRefNameIsNoRepositorysTagAndTaggingLeavesItAlone() throws IOException {
        OciLayoutRegistry layout = OciLayoutRegistry.open(dir);
        Descriptor theirs = manifest(layout, "theirs");
        Descriptor ours = manifest(layout, "ours");
        // As `skopeo copy ... oci:DIR:1` writes it: the ref.name is the bare tag.
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + theirs.digest() + "\",\"size\":" + theirs.size()
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1\"}}]}");
        Repository app = layout.repository("team/app");
        assertThatThrownBy(() -> app.resolve("1")).isInstanceOf(RegistryException.class)
                .hasMessageContaining("team/app:1").hasMessageContaining("team/app@" + theirs.digest())
                .satisfies(e -> assertThat(((RegistryException) e).reason())
                        .isEqualTo(RegistryException.Reason.NOT_FOUND));
        assertThat(((TagListSupport) app).tags()).isEmpty();
        assertThat(app.resolve(theirs.digest())).as("by digest, any repository reaches it").isEqualTo(theirs);

        app.tag(ours, "1");
        assertThat(app.resolve("1")).isEqualTo(ours);
        assertThat(((TagListSupport) app).tags()).containsExactly("1");
        assertThat(layout.references()).extracting(r -> r.refName() + "=" + r.descriptor().digest())
                .containsExactly("1=" + theirs.digest(), "team/app:1=" + ours.digest());
    }

    @Test
    void aBatchWritesIndexJsonOnceWithEveryTagFromConcurrentTaggers() throws Exception {
        OciLayoutRegistry layout = OciLayoutRegistry.open(dir);
        Descriptor m = manifest(layout, "batched");
        layout.repository("keep").tag(m, "old");
        byte[] before = Files.readAllBytes(dir.resolve("index.json"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (TagBatchSupport.TagBatch batch = TagBatchSupport.open(layout, List.of("a", "b"))) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                Repository repo = layout.repository(i % 2 == 0 ? "a" : "b");
                String tag = "t" + i;
                futures.add(pool.submit(() -> {
                    repo.tag(m, tag);
                    assertThat(repo.resolve(tag)).isEqualTo(m);
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            assertThat(Files.readAllBytes(dir.resolve("index.json"))).as("nothing written inside the batch")
                    .isEqualTo(before);
            assertThat(((TagListSupport) layout.repository("a")).tags()).hasSize(200);
        } finally {
            pool.shutdown();
        }
        OciLayoutRegistry reopened = OciLayoutRegistry.open(dir);
        assertThat(reopened.references()).hasSize(401);
        assertThat(((TagListSupport) reopened.repository("b")).tags()).hasSize(200);
        assertThat(reopened.repository("keep").resolve("old")).isEqualTo(m);
    }

    @Test
    void aBatchThatCannotWriteSaysSoAndLeavesIndexJsonAsItWas() throws IOException {
        OciLayoutRegistry layout = OciLayoutRegistry.open(dir);
        Descriptor m = manifest(layout, "unwritten");
        byte[] before = Files.readAllBytes(dir.resolve("index.json"));
        Files.createDirectory(dir.resolve(".index.lock")); // the lock file cannot be opened
        TagBatchSupport.TagBatch batch = TagBatchSupport.open(layout, List.of("app"));
        layout.repository("app").tag(m, "1");
        assertThatThrownBy(batch::close).isInstanceOf(RegistryException.class)
                .hasMessageContaining("index.json").hasMessageContaining("app:1");
        assertThat(Files.readAllBytes(dir.resolve("index.json"))).isEqualTo(before);
        assertThat(((TagListSupport) layout.repository("app")).tags()).as("the failed tags are dropped").isEmpty();
    }

    private static Descriptor manifest(OciLayoutRegistry layout, String nonce) {
        byte[] bytes = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:"
                + "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},\"layers\":[],"
                + "\"annotations\":{\"n\":\"" + nonce + "\"}}").getBytes(StandardCharsets.UTF_8);
        Descriptor d = Descriptor.of(MediaTypes.OCI_MANIFEST, bytes);
        layout.repository("x").push(d, ContentSource.of(bytes));
        return d;
    }

    @Test
    void aDirectoryThatIsNotALayoutIsRefused() throws IOException {
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"9\"}");
        assertThatThrownBy(() -> OciLayoutRegistry.open(dir)).hasMessageContaining("not an OCI image layout");
    }
}
