// Region uploads into a local directory: positional writes from many threads, committed whole or not at all.
package org.ocitransfer.core.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStore;
import org.ocitransfer.core.testing.Seeds;

/** {@link RegionUploadSupport} of {@link LocalDirectoryBlobStore}. */
class LocalRegionUploadTest {

    @TempDir
    Path dir;

    private static final List<Long> LENGTHS = List.of(1000L, 300_000L, 1L, 70_000L, 512L);

    private static byte[] content() {
        return Seeds.bytes((int) LENGTHS.stream().mapToLong(Long::longValue).sum(), 7);
    }

    private static InputStream part(byte[] content, RegionUpload upload, int index) {
        return new ByteArrayInputStream(content, (int) upload.regionOffset(index), (int) upload.regionLength(index));
    }

    private List<Path> leftovers() throws IOException {
        Path uploads = dir.resolve(".uploads");
        if (!Files.exists(uploads)) {
            return List.of();
        }
        try (var files = Files.list(uploads)) {
            return files.toList();
        }
    }

    @Test
    void regionsWrittenConcurrentlyInAnyOrderGiveTheBlobOnlyAtCommit() throws Exception {
        LocalDirectoryBlobStore store = LocalDirectoryBlobStore.open(dir);
        byte[] content = content();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (RegionUpload upload = store.uploadRegions("out/a.tar", LENGTHS,
                new UploadOptions(false, Map.of("category", "test"), content.length))) {
            assertThat(upload.regionCount()).isEqualTo(5);
            assertThat(upload.regionOffset(3)).isEqualTo(301_001L);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = LENGTHS.size() - 1; i >= 0; i--) {
                int index = i;
                futures.add(pool.submit(() -> {
                    upload.write(index, part(content, upload, index));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(store.properties("out/a.tar")).isEmpty();
            assertThat(store.list()).isEmpty();
            upload.commit();
        } finally {
            pool.shutdownNow();
        }
        assertThat(Files.readAllBytes(dir.resolve("out/a.tar"))).isEqualTo(content);
        assertThat(store.properties("out/a.tar").orElseThrow().metadata()).containsEntry("category", "test");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void anIncompleteRegionRefusesTheCommitAndClosingDiscardsEverything() throws IOException {
        LocalDirectoryBlobStore store = LocalDirectoryBlobStore.open(dir);
        byte[] content = content();
        RegionUpload upload = store.uploadRegions("a.tar", LENGTHS, UploadOptions.create());
        for (int i = 0; i < LENGTHS.size(); i++) {
            if (i != 3) {
                upload.write(i, part(content, upload, i));
            }
        }
        assertThatThrownBy(upload::commit).isInstanceOf(BlobStoreException.class)
                .hasMessageContaining("region(s) [3] of 5 are incomplete").hasMessageContaining("not committed");
        assertThat(store.properties("a.tar")).isEmpty();
        upload.close();
        upload.close();
        assertThat(leftovers()).isEmpty();
        assertThat(store.list()).isEmpty();
        assertThatThrownBy(() -> upload.write(3, part(content, upload, 3))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("discarded");
    }

    @Test
    void contentShorterOrLongerThanItsRegionFailsAndLeavesTheRegionIncomplete() throws IOException {
        LocalDirectoryBlobStore store = LocalDirectoryBlobStore.open(dir);
        byte[] content = content();
        try (RegionUpload upload = store.uploadRegions("a.tar", LENGTHS, UploadOptions.create())) {
            assertThatThrownBy(() -> upload.write(0, new ByteArrayInputStream(content, 0, 999)))
                    .isInstanceOf(IOException.class).hasMessageContaining("ended after 999 of its 1000 bytes");
            assertThatThrownBy(() -> upload.write(4, new ByteArrayInputStream(content, 0, 513)))
                    .isInstanceOf(IOException.class).hasMessageContaining("longer than its 512 bytes");
            assertThatThrownBy(() -> upload.write(0, part(content, upload, 0)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already written");
            for (int i = 1; i < 4; i++) {
                upload.write(i, part(content, upload, i));
            }
            assertThatThrownBy(upload::commit).hasMessageContaining("[0, 4]");
            assertThatThrownBy(() -> upload.write(5, part(content, upload, 0)))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
        assertThat(store.list()).isEmpty();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void closingWhileARegionIsBeingWrittenAbortsItAndCommitsNothing() throws Exception {
        LocalDirectoryBlobStore store = LocalDirectoryBlobStore.open(dir);
        byte[] content = content();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RegionUpload upload = store.uploadRegions("a.tar", LENGTHS, UploadOptions.create());
        // Region 1 (300,000 bytes) hands over its first 1,000 bytes, then waits until the upload is closed.
        InputStream stalling = new InputStream() {
            private int position;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position == 1000) {
                    started.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
                int n = Math.min(len, position < 1000 ? 1000 - position : 300_000 - position);
                if (n <= 0) {
                    return -1;
                }
                System.arraycopy(content, 1000 + position, b, off, n);
                position += n;
                return n;
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> writer = pool.submit(() -> {
                upload.write(1, stalling);
                return null;
            });
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            upload.close();
            release.countDown();
            assertThatThrownBy(() -> writer.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        } finally {
            pool.shutdownNow();
        }
        assertThatThrownBy(upload::commit).isInstanceOf(IllegalStateException.class);
        assertThat(store.list()).isEmpty();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void withoutOverwriteAnExistingBlobIsRefusedAtTheStartAndAtCommit() throws IOException {
        LocalDirectoryBlobStore store = LocalDirectoryBlobStore.open(dir);
        byte[] content = content();
        Files.writeString(dir.resolve("taken.tar"), "precious");
        assertThatThrownBy(() -> store.uploadRegions("taken.tar", LENGTHS, UploadOptions.create()))
                .isInstanceOf(BlobAlreadyExistsException.class);

        RegionUpload late = store.uploadRegions("late.tar", LENGTHS, UploadOptions.create());
        for (int i = 0; i < LENGTHS.size(); i++) {
            late.write(i, part(content, late, i));
        }
        Files.writeString(dir.resolve("late.tar"), "winner");
        assertThatThrownBy(late::commit).isInstanceOf(BlobAlreadyExistsException.class);
        late.close();
        assertThat(dir.resolve("late.tar")).hasContent("winner");
        assertThat(dir.resolve("taken.tar")).hasContent("precious");
        assertThat(leftovers()).isEmpty();

        try (RegionUpload replace = store.uploadRegions("taken.tar", LENGTHS,
                new UploadOptions(true, Map.of(), content.length))) {
            for (int i = 0; i < LENGTHS.size(); i++) {
                replace.write(i, part(content, replace, i));
            }
            replace.commit();
        }
        assertThat(Files.readAllBytes(dir.resolve("taken.tar"))).isEqualTo(content);
    }

    @Test
    void badLayoutsAreRefusedBeforeAnythingIsWritten() {
        LocalDirectoryBlobStore store = LocalDirectoryBlobStore.open(dir);
        assertThatThrownBy(() -> store.uploadRegions("a.tar", List.of(), UploadOptions.create()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one region");
        assertThatThrownBy(() -> store.uploadRegions("a.tar", List.of(10L, 0L), UploadOptions.create()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Region 1")
                .hasMessageContaining("at least one byte");
        assertThatThrownBy(() -> store.uploadRegions("a.tar", List.of(10L, 5L),
                new UploadOptions(false, Map.of(), 16)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("add up to 15 bytes")
                .hasMessageContaining("expected to be 16");
        assertThat(dir.resolve(".uploads")).doesNotExist();
    }
}
