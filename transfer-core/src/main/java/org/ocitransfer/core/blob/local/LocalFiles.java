// Where a local directory container keeps a blob, its metadata and an upload, and how an upload is committed.
package org.ocitransfer.core.blob.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.internal.io.AtomicFiles;

/**
 * The file layout of a {@link LocalDirectoryBlobStore}: a blob is the file at its name, its metadata
 * {@code .metadata/<name>.json}, an upload a hidden file under {@code .uploads/} moved into place on commit. Every
 * path is checked to stay inside the directory through any symbolic link ({@link #contained}).
 */
final class LocalFiles {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path root;
    /** The directory with every symbolic link resolved: no blob, metadata or upload file may resolve outside it. */
    private final Path realRoot;
    private final String location;

    LocalFiles(Path root, Path realRoot, String location) {
        this.root = root;
        this.realRoot = realRoot;
        this.location = location;
    }

    /** The blob's file. */
    Path blobPath(String name) {
        if (name == null || name.isEmpty() || name.startsWith("/") || name.contains("\\")) {
            throw new IllegalArgumentException("Invalid blob name '" + name + "'");
        }
        for (String segment : name.split("/")) {
            if (segment.isEmpty() || segment.startsWith(".")) {
                throw new IllegalArgumentException("Invalid blob name '" + name + "': no path segment may be empty"
                        + " or start with '.'");
            }
        }
        return contained(root.resolve(name), name);
    }

    /** The file of the blob's metadata. */
    Path metadataPath(String name) {
        return contained(root.resolve(".metadata").resolve(name + ".json"), name);
    }

    /**
     * Returns {@code path} when the part of it that exists resolves, through any symbolic links, inside the
     * container; a link that leaves it (a linked folder, a linked file, a linked {@code .uploads}) is refused, so
     * nothing is read or written outside the directory. A link swapped in between this check and the file's use is
     * not caught: the container's directory must not be writable by someone who may not write elsewhere.
     *
     * @throws BlobStoreException naming the blob and where the link leads
     */
    Path contained(Path path, String name) {
        Path existing = path;
        while (existing != null) {
            try {
                Path real = existing.toRealPath();
                if (!real.startsWith(realRoot)) {
                    throw new BlobStoreException("Blob '" + name + "' in " + location + " leads through a symbolic"
                            + " link to " + real + ", outside the container: refused. Remove the link, or point the"
                            + " container at the directory itself");
                }
                return path;
            } catch (NoSuchFileException e) {
                existing = existing.getParent(); // not there yet (or a dangling link): check what holds it
            } catch (IOException e) {
                throw new BlobStoreException("Cannot resolve blob '" + name + "' in " + location + ": "
                        + e.getMessage(), e);
            }
        }
        return path;
    }

    /** The blob's metadata; empty when it has none. */
    Map<String, String> readMetadata(String name) throws IOException {
        Path path = metadataPath(name);
        if (!Files.exists(path)) {
            return Map.of();
        }
        return MAPPER.readValue(Files.readAllBytes(path), new TypeReference<Map<String, String>>() { });
    }

    /** Replaces the blob's metadata, atomically. */
    void writeMetadata(String name, Map<String, String> metadata) throws IOException {
        Path target = metadataPath(name);
        Files.createDirectories(target.getParent());
        contained(target, name);
        AtomicFiles.write(target, MAPPER.writeValueAsBytes(new TreeMap<>(metadata)));
    }

    /** Checks the name and the overwrite rule; returns the blob's final path. */
    Path startUpload(String name, UploadOptions options) {
        Path target = blobPath(name);
        if (!options.overwrite() && Files.exists(target)) {
            throw new BlobAlreadyExistsException(location, name);
        }
        return target;
    }

    /** A fresh path under {@code .uploads/} (the directory is created; the file is not). */
    Path newTempFile(String name) {
        try {
            Path uploads = contained(root.resolve(".uploads"), name);
            Files.createDirectories(uploads);
            return contained(uploads, name).resolve(UUID.randomUUID() + ".part");
        } catch (IOException e) {
            throw cannotStart(name, e);
        }
    }

    BlobStoreException cannotStart(String name, IOException e) {
        return new BlobStoreException("Cannot start writing blob '" + name + "' in " + location + ": "
                + e.getMessage() + " (check free space and permissions)", e);
    }

    /**
     * Moves a complete temporary file into place with its metadata: renamed over the target with overwrite, else
     * hard-linked (which fails atomically when the name is taken) and the temporary name removed.
     */
    void commitFile(String name, Path target, Path temp, UploadOptions options) throws IOException {
        long size = Files.size(temp);
        if (options.expectedSize() >= 0 && size != options.expectedSize()) {
            throw new BlobStoreException("Blob '" + name + "' was " + size + " bytes, expected "
                    + options.expectedSize() + ": not committed");
        }
        contained(target, name); // again: a link may have appeared since the upload started
        Files.createDirectories(target.getParent());
        contained(target, name);
        Path metaTemp = null;
        if (!options.metadata().isEmpty()) {
            metaTemp = temp.resolveSibling(temp.getFileName() + ".meta");
            Files.write(metaTemp, MAPPER.writeValueAsBytes(new TreeMap<>(options.metadata())));
        }
        if (options.overwrite()) {
            AtomicFiles.move(temp, target);
        } else {
            try {
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                throw new BlobAlreadyExistsException(location, name);
            }
            Files.delete(temp);
        }
        Path metaTarget = metadataPath(name);
        Files.createDirectories(metaTarget.getParent());
        contained(metaTarget, name);
        if (metaTemp != null) {
            AtomicFiles.move(metaTemp, metaTarget);
        } else {
            Files.deleteIfExists(metaTarget);
        }
    }

    /** Removes an unfinished upload's files. */
    void discard(String name, Path temp) {
        try {
            Files.deleteIfExists(temp);
            Files.deleteIfExists(temp.resolveSibling(temp.getFileName() + ".meta"));
        } catch (IOException e) {
            throw cannotDiscard(name, temp, e);
        }
    }

    /** The blob could not be committed: names it, the container and why. */
    BlobStoreException cannotCommit(String name, IOException e) {
        return new BlobStoreException("Cannot commit blob '" + name + "' in " + location + ": " + e.getMessage(), e);
    }

    /** The unfinished upload could not be discarded: names it, its file and why. */
    static BlobStoreException cannotDiscard(String name, Path temp, IOException e) {
        return new BlobStoreException("Cannot discard the unfinished upload of '" + name + "' (" + temp + "): "
                + e.getMessage(), e);
    }
}
