package org.ocitransfer.core.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.api.ErrorCategory;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.archive.OfflineArchive;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.memory.MemoryRegistry;

/** A part set's layout, its metadata read back, and what the source trigger makes of a listing. */
class PartSetTest {

    @TempDir
    Path dir;

    private static BlobItem item(String name, long size, Map<String, String> metadata) {
        return new BlobItem(name, size, Instant.EPOCH, metadata, "etag-" + name);
    }

    @Test
    void anArchiveIsCutEveryPartSizeWithTheRestInTheLastPart() {
        PartSet parts = PartSet.plan("bundle.tar", 2_500, 1_000);
        assertThat(parts.count()).isEqualTo(3);
        assertThat(List.of(parts.partName(1), parts.partName(2), parts.partName(3)))
                .containsExactly("bundle.tar.001", "bundle.tar.002", "bundle.tar.003");
        assertThat(List.of(parts.partOffset(1), parts.partOffset(2), parts.partOffset(3)))
                .containsExactly(0L, 1_000L, 2_000L);
        assertThat(List.of(parts.partLength(1), parts.partLength(2), parts.partLength(3)))
                .containsExactly(1_000L, 1_000L, 500L);
        assertThat(PartSet.plan("small.tar", 999, 1_000).count()).isEqualTo(1);
        assertThat(PartSet.plan("exact.tar", 2_000, 1_000).partLength(2)).isEqualTo(1_000);
        assertThatThrownBy(() -> parts.partName(4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void moreThan999PartsIsRefusedNamingTheSmallestPartSizeThatFits() {
        assertThatThrownBy(() -> PartSet.plan("big.tar", 1_000_000, 1_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("would need 1000 parts of 1000 bytes, more than the 999")
                .hasMessageContaining("at least 1002 bytes");
        assertThat(PartSet.plan("big.tar", 1_000_000, 1_002).count()).isEqualTo(999);
    }

    @Test
    void theFirstPartsMetadataDescribesTheSetAndMalformedMetadataIsRefusedNamingTheBlob() {
        PartSet parts = PartSet.plan("bundle.tar", 2_500, 1_000);
        assertThat(PartSet.describedBy(item("bundle.tar.001", 1_000, parts.metadata(1)))).contains(parts);
        assertThat(PartSet.describedBy(item("bundle.tar.002", 1_000, parts.metadata(2)))).isEmpty();
        assertThat(PartSet.describedBy(item("plain.tar.001", 1_000, Map.of()))).isEmpty();
        Map<String, String> wrong = new HashMap<>(parts.metadata(1));
        wrong.put(PartSet.PART_COUNT_KEY, "4");
        assertThatThrownBy(() -> PartSet.describedBy(item("bundle.tar.001", 1_000, wrong)))
                .isInstanceOf(BlobStoreException.class)
                .hasMessageContaining("Blob 'bundle.tar.001' is the first part of archive 'bundle.tar'")
                .hasMessageContaining("says it has 4 parts, but 2500 bytes in parts of 1000 make 3");
    }

    @Test
    void aTriggerImportsASetByItsNameOnlyOnceEveryPartIsListedWhole() {
        PartSet parts = PartSet.plan("bundle.tar", 2_500, 1_000);
        BlobItem first = item("bundle.tar.001", 1_000, parts.metadata(1));
        BlobItem second = item("bundle.tar.002", 1_000, parts.metadata(2));
        BlobItem last = item("bundle.tar.003", 500, parts.metadata(3));
        BlobItem shortLast = item("bundle.tar.003", 499, parts.metadata(3));
        assertThat(PartSet.importedAs(first, List.of(first, last))).isEmpty();
        assertThat(PartSet.importedAs(first, List.of(first, second, shortLast))).isEmpty();
        assertThat(PartSet.importedAs(first, List.of(last, second, first))).contains("bundle.tar");
        assertThat(PartSet.importedAs(second, List.of(first, second, last))).isEmpty();
        BlobItem plain = item("other.tar", 10, Map.of("catalogdigest", "sha256:00"));
        assertThat(PartSet.importedAs(plain, List.of(plain))).contains("other.tar");
    }

    @Test
    void partsWhoseFirstLostItsMetadataAreRefusedNamingWhatIsThereAndWhatToDo() throws Exception {
        Path containerDir = Files.createDirectories(dir.resolve("container"));
        PartSet parts = PartSet.plan("bundle.tar", 2_500, 1_000);
        try (LocalDirectoryBlobStore store = LocalDirectoryBlobStore.open(containerDir)) {
            for (int i = 1; i <= parts.count(); i++) {
                write(store, parts.partName(i), (int) parts.partLength(i), parts.metadata(i));
            }
            assertThat(PartSet.find(store, "bundle.tar")).contains(parts);
            assertThat(PartSet.find(store, "absent.tar")).isEmpty();

            // A copy that dropped the blob metadata (only the first part's counts): the set is not guessed.
            store.setMetadata("bundle.tar.001", Map.of());
            String expected = "Blob 'bundle.tar' does not exist in " + store.location() + ", but 'bundle.tar.001'"
                    + " to 'bundle.tar.003' exist and 'bundle.tar.001' carries no part-set metadata (partcount,"
                    + " partsize, archivesize, partindex)";
            assertThatThrownBy(() -> PartSet.find(store, "bundle.tar")).isInstanceOf(BlobStoreException.class)
                    .hasMessageContaining(expected)
                    .hasMessageContaining("Copy every part again with a tool that keeps blob metadata")
                    .hasMessageContaining("cat bundle.tar.0* > bundle.tar")
                    .extracting(e -> ((BlobStoreException) e).category()).isEqualTo(ErrorCategory.INVALID_INPUT);
            // What the user meets: offline inspection, and an import run, which writes nothing.
            assertThatThrownBy(() -> OfflineArchive.of(store, "bundle.tar")).hasMessageContaining(expected);
            MemoryRegistry target = new MemoryRegistry("target");
            try (TransferClient client = new TransferClientBuilder().stateDirectory(dir.resolve("state"))
                    .registry("memory:target", target).buildClient()) {
                client.createOrUpdateImportPipeline(new ImportPipeline("importer", "memory:target",
                        StorageContainer.of(containerDir.toUri()), Set.of()));
                PipelineRun run = client.createOrUpdatePipelineRun("import1", PipelineRunRequest.importBlob(
                        "importer", "bundle.tar"), null);
                assertThat(run.status()).isEqualTo(RunStatus.Failed);
                assertThat(run.response().pipelineRunErrorMessage()).contains(expected);
                assertThat(run.response().errorCategory()).isEqualTo(ErrorCategory.INVALID_INPUT);
                assertThat(run.response().importedArtifacts()).isEmpty();
            }
            // A lone NAME.001 without metadata is named as such.
            write(store, "single.tar.001", 10, Map.of());
            assertThatThrownBy(() -> PartSet.find(store, "single.tar"))
                    .hasMessageContaining("but 'single.tar.001' exists and 'single.tar.001' carries no part-set");
        }
    }

    private static void write(BlobStore store, String name, int size, Map<String, String> metadata)
            throws Exception {
        try (BlobUpload upload = store.upload(name, new UploadOptions(false, metadata, size))) {
            upload.output().write(name.repeat(size).substring(0, size).getBytes(StandardCharsets.US_ASCII));
            upload.commit();
        }
    }
}
