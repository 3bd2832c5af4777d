package org.ocitransfer.core.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.internal.io.AtomicFiles;

/**
 * Records in a local state directory: {@code <dir>/<collection>/<name>.json}, replaced atomically; conditional
 * writes are serialised by a lock file, so threads and processes sharing the directory never lose an update.
 * The ETag of a record is the sha256 of its bytes.
 */
public final class LocalRecordStore implements RecordStore {

    private final Path root;

    /** Opens (creating when absent) the state directory. */
    public LocalRecordStore(Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new TransferException("Cannot create the state directory " + root + ": " + e.getMessage()
                    + " (choose another with --state-dir or TRANSFER_HOME)", e);
        }
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String location() {
        return root.toString();
    }

    private Path file(String collection, String name) {
        return root.resolve(collection).resolve(name + ".json");
    }

    @Override
    public Optional<StoredRecord> get(String collection, String name) {
        try {
            byte[] bytes = Files.readAllBytes(file(collection, name));
            return Optional.of(new StoredRecord(name, bytes, etag(bytes)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new TransferException("Cannot read record " + collection + "/" + name + " in " + root + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<StoredRecord> list(String collection) {
        Path dir = root.resolve(collection);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<StoredRecord> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String fileName = f.getFileName().toString();
                if (fileName.endsWith(".json") && !fileName.startsWith(".")) {
                    get(collection, fileName.substring(0, fileName.length() - 5)).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new TransferException("Cannot list records " + collection + " in " + root + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public String put(String collection, String name, byte[] content, String expectedEtag) {
        Path target = file(collection, name);
        try {
            Files.createDirectories(target.getParent());
            AtomicFiles.withLock(root.resolve(".lock"), () -> {
                if (expectedEtag != null) {
                    Optional<StoredRecord> current = get(collection, name);
                    boolean ok = expectedEtag.equals(ABSENT) ? current.isEmpty()
                            : current.isPresent() && current.get().etag().equals(expectedEtag);
                    if (!ok) {
                        throw new RecordConflictException(collection, name);
                    }
                }
                AtomicFiles.write(target, content);
                return null;
            });
            return etag(content);
        } catch (IOException e) {
            throw new TransferException("Cannot write record " + collection + "/" + name + " in " + root + ": "
                    + e.getMessage() + " (check free space and permissions)", e);
        }
    }

    @Override
    public boolean delete(String collection, String name) {
        try {
            return Files.deleteIfExists(file(collection, name));
        } catch (IOException e) {
            throw new TransferException("Cannot delete record " + collection + "/" + name + " in " + root + ": "
                    + e.getMessage(), e);
        }
    }

    private static String etag(byte[] bytes) {
        return Digest.sha256(bytes).hex().substring(0, 32);
    }
}
