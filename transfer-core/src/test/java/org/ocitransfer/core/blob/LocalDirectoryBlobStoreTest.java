package org.ocitransfer.core.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStore;

/** The local directory container: atomic commits, overwrite refusal, ranges, metadata, claims. */
class LocalDirectoryBlobStoreTest {

    @TempDir
    Path dir;

    private static void write(BlobStore store, String name, String content, UploadOptions options) throws IOException {
        try (BlobUpload upload = store.upload(name, options)) {
            upload.output().write(content.getBytes(StandardCharsets.UTF_8));
            upload.commit();
        }
    }

    @Test
    void aBlobIsInvisibleUntilCommittedAndDiscardedWhenNot() throws IOException {
        BlobStore store = LocalDirectoryBlobStore.open(dir);
        try (BlobUpload upload = store.upload("a.tar", UploadOptions.create())) {
            upload.output().write(new byte[1000]);
            assertThat(store.list()).isEmpty();
            assertThat(store.properties("a.tar")).isEmpty();
        }
        assertThat(store.list()).isEmpty();
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
        }
    }

    @Test
    void withoutOverwriteAnExistingBlobIsRefusedAndUntouched() throws IOException {
        BlobStore store = LocalDirectoryBlobStore.open(dir);
        write(store, "a.tar", "first", new UploadOptions(false, Map.of("category", "x"), 5));
        assertThatThrownBy(() -> store.upload("a.tar", UploadOptions.create()))
                .isInstanceOf(BlobAlreadyExistsException.class).hasMessageContaining("'a.tar' already exists")
                .hasMessageContaining("OverwriteBlobs");

        // A blob that appears while an upload is going is refused at commit, atomically.
        BlobUpload late = store.upload("b.tar", UploadOptions.create());
        late.output().write("late".getBytes(StandardCharsets.UTF_8));
        write(store, "b.tar", "winner", UploadOptions.create());
        assertThatThrownBy(late::commit).isInstanceOf(BlobAlreadyExistsException.class);
        late.close();
        try (InputStream in = store.read("b.tar")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("winner");
        }

        write(store, "a.tar", "second", new UploadOptions(true, Map.of("category", "y"), -1));
        assertThat(store.properties("a.tar").orElseThrow().metadata()).containsEntry("category", "y");
    }

    @Test
    void readsRangesListsWithMetadataAndDeletes() throws IOException {
        BlobStore store = LocalDirectoryBlobStore.open(dir);
        write(store, "dir/x.tar", "0123456789", new UploadOptions(false, Map.of("catalogdigest", "sha256:1"), 10));
        try (InputStream in = store.read("dir/x.tar", 3, 4)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("3456");
        }
        assertThatThrownBy(() -> store.read("dir/x.tar", 8, 5)).hasMessageContaining("outside blob");
        BlobItem item = store.list().get(0);
        assertThat(item.name()).isEqualTo("dir/x.tar");
        assertThat(item.size()).isEqualTo(10);
        assertThat(item.metadata()).containsEntry("catalogdigest", "sha256:1");
        store.setMetadata("dir/x.tar", Map.of("imported", "yes"));
        assertThat(store.properties("dir/x.tar").orElseThrow().metadata()).containsOnlyKeys("imported");
        assertThat(store.delete("dir/x.tar")).isTrue();
        assertThat(store.delete("dir/x.tar")).isFalse();
        assertThatThrownBy(() -> store.read("dir/x.tar")).isInstanceOf(BlobNotFoundException.class);
        assertThatThrownBy(() -> store.upload("../escape", UploadOptions.create()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSizeOtherThanPromisedIsNotCommitted() throws IOException {
        BlobStore store = LocalDirectoryBlobStore.open(dir);
        try (BlobUpload upload = store.upload("a.tar", new UploadOptions(false, Map.of(), 10))) {
            upload.output().write(new byte[9]);
            assertThatThrownBy(upload::commit).hasMessageContaining("expected 10");
        }
        assertThat(store.list()).isEmpty();
    }

    @Test
    void claimsAreExclusiveUntilReleasedOrExpired() throws InterruptedException {
        BlobStore one = LocalDirectoryBlobStore.open(dir);
        BlobStore two = LocalDirectoryBlobStore.open(dir);
        Optional<BlobClaim> claim = one.tryClaim("a.tar", Duration.ofMinutes(1));
        assertThat(claim).isPresent();
        assertThat(two.tryClaim("a.tar", Duration.ofMinutes(1))).isEmpty();
        assertThat(claim.get().renew(Duration.ofMinutes(1))).isTrue();
        claim.get().close();
        Optional<BlobClaim> second = two.tryClaim("a.tar", Duration.ofMillis(50));
        assertThat(second).isPresent();
        Thread.sleep(120);
        Optional<BlobClaim> takeover = one.tryClaim("a.tar", Duration.ofMinutes(1));
        assertThat(takeover).isPresent();
        assertThat(second.get().renew(Duration.ofMinutes(1))).as("an expired, taken-over claim is lost").isFalse();
        takeover.get().close();
    }

    @Test
    void aMissingContainerDirectoryIsAnErrorNamingItAndIsNotCreated() {
        Path missing = dir.resolve("no/such/dir");
        assertThatThrownBy(() -> LocalDirectoryBlobStore.open(missing.toUri()))
                .isInstanceOf(BlobStoreException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist").hasMessageContaining("create it first");
        assertThat(missing.getParent().getParent()).doesNotExist();
    }

    @Test
    void aSymlinkedFolderOrFileLeavingTheContainerIsNeitherWrittenNorReadThrough() throws IOException {
        Path container = Files.createDirectory(dir.resolve("container"));
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(container.resolve("team"), outside);
        Files.createSymbolicLink(container.resolve("escape.tar"), outside.resolve("secret.txt"));
        Files.createDirectory(container.resolve("real"));
        Files.createSymbolicLink(container.resolve("inside"), container.resolve("real"));
        BlobStore store = LocalDirectoryBlobStore.open(container);

        assertThatThrownBy(() -> write(store, "team/app.tar", "written", UploadOptions.create()))
                .isInstanceOf(BlobStoreException.class).hasMessageContaining("team/app.tar")
                .hasMessageContaining("symbolic link").hasMessageContaining(outside.toRealPath().toString());
        assertThatThrownBy(() -> write(store, "team/deeper/app.tar", "written", UploadOptions.create()))
                .isInstanceOf(BlobStoreException.class).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> store.read("team/secret.txt")).isInstanceOf(BlobStoreException.class)
                .hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> store.read("escape.tar", 0, 3)).isInstanceOf(BlobStoreException.class)
                .hasMessageContaining("escape.tar");
        assertThatThrownBy(() -> store.properties("escape.tar")).isInstanceOf(BlobStoreException.class);
        assertThatThrownBy(() -> store.setMetadata("team/secret.txt", Map.of("a", "b")))
                .isInstanceOf(BlobStoreException.class);
        try (var files = Files.list(outside)) {
            assertThat(files.toList()).containsExactly(outside.resolve("secret.txt"));
        }
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("outside");

        // A link that stays inside the container is followed.
        write(store, "inside/app.tar", "kept", UploadOptions.create());
        assertThat(Files.readString(container.resolve("real/app.tar"))).isEqualTo("kept");
    }

    @Test
    void aHiddenFolderLinkedOutsideTheContainerIsNotWrittenThrough() throws IOException {
        Path container = Files.createDirectory(dir.resolve("container"));
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Files.createSymbolicLink(container.resolve(".uploads"), outside);
        BlobStore store = LocalDirectoryBlobStore.open(container);

        assertThatThrownBy(() -> write(store, "a.tar", "x", UploadOptions.create()))
                .isInstanceOf(BlobStoreException.class).hasMessageContaining("symbolic link");
        try (var files = Files.list(outside)) {
            assertThat(files.toList()).isEmpty();
        }
    }
}
