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
    void aLayoutWithBareTagsReadsAsOneRepository() throws IOException {
        OciLayoutRegistry layout = OciLayoutRegistry.open(dir);
        byte[] manifest = "{\"schemaVersion\":2,\"layers\":[]}".getBytes(StandardCharsets.UTF_8);
        Descriptor m = Descriptor.of(MediaTypes.OCI_MANIFEST, manifest);
        layout.repository("x").push(m, ContentSource.of(manifest));
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + m.digest() + "\",\"size\":" + m.size()
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}");
        assertThat(layout.repository("anything").resolve("v1")).isEqualTo(m);
        assertThatThrownBy(() -> layout.repository("anything").resolve("v2"))
                .isInstanceOf(RegistryException.class).hasMessageContaining("anything:v2");
    }

    @Test
    void aDirectoryThatIsNotALayoutIsRefused() throws IOException {
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"9\"}");
        assertThatThrownBy(() -> OciLayoutRegistry.open(dir)).hasMessageContaining("not an OCI image layout");
    }
}
