// Source trigger parts on local storage: a local directory container and a state directory every client shares.
package org.ocitransfer.testkit.trigger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.core.state.LocalRecordStore;

/**
 * A {@link TriggerFixture} on local parts: archives land in the directory {@link #container}, every client's records
 * are in the directory {@link #state}, watchers claim blobs for 3 s.
 */
public final class LocalTriggerFixture extends TriggerFixture {

    /** How long the fixture's watchers claim a blob. */
    public static final Duration CLAIM = Duration.ofSeconds(3);

    /** The local directory container archives land in. */
    public final Path container;
    /** The state directory every client shares. */
    public final Path state;

    /** Parts under {@code dir}, the import pipeline with these options. */
    public LocalTriggerFixture(Path dir, Set<PipelineOption> importOptions) {
        super(dir, StorageContainer.of(createDirectories(dir.resolve("container")).toUri()),
                () -> new LocalRecordStore(dir.resolve("state")), null, CLAIM, importOptions);
        this.container = dir.resolve("container");
        this.state = dir.resolve("state");
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The claim files held in the container now. */
    public List<Path> claims() throws IOException {
        Path claims = container.resolve(".claims");
        if (!Files.isDirectory(claims)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(claims)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".claim")).toList();
        }
    }
}
