package org.ocitransfer.core.blob.local;

import org.ocitransfer.core.internal.io.BoundedInputStream;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobClaim;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.RegionUpload;
import org.ocitransfer.core.blob.RegionUploadSupport;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.internal.io.AtomicFiles;

/**
 * A local directory as a container ({@code file:///path/dir}). Blobs are plain files (names may hold {@code /});
 * an upload goes to a hidden file under {@code .uploads/} and is renamed (or, without overwrite, hard-linked, which
 * fails atomically when the name is taken) into place on commit, so readers never see a partial blob. Metadata lives
 * in {@code .metadata/<name>.json}; claims are files under {@code .claims/} created atomically. Names starting with
 * {@code .} are hidden from listings.
 *
 * <p>Supports {@link RegionUploadSupport}: the regions of a blob are written at their positions (positional writes,
 * from any thread) into the same kind of hidden file, committed the same way once every region is complete.
 */
public final class LocalDirectoryBlobStore implements BlobStore, RegionUploadSupport {

    /** How many bytes a region write moves per positional write. */
    private static final int REGION_BUFFER = 256 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Path root;
    /** The directory with every symbolic link resolved: no blob, metadata or upload file may resolve outside it. */
    private final Path realRoot;

    private LocalDirectoryBlobStore(Path root, Path realRoot) {
        this.root = root;
        this.realRoot = realRoot;
    }

    /**
     * Opens the directory, which must exist (a container is not created by writing to it, as in the storage service).
     *
     * @throws BlobStoreException naming the directory when it does not exist, is not a directory or cannot be read
     */
    public static LocalDirectoryBlobStore open(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new BlobStoreException("Storage container " + absolute.toUri() + " does not exist"
                    + (Files.exists(absolute) ? " as a directory (it is a file)" : "")
                    + "; create it first (mkdir -p " + absolute + ")");
        }
        try {
            return new LocalDirectoryBlobStore(absolute, absolute.toRealPath());
        } catch (IOException e) {
            throw new BlobStoreException("Cannot open the container directory " + absolute + ": " + e.getMessage()
                    + " (check the path and its permissions)", e);
        }
    }

    /** Opens a {@code file:///path/dir} container URI. */
    public static LocalDirectoryBlobStore open(URI uri) {
        if (!"file".equals(uri.getScheme())) {
            throw new IllegalArgumentException("Not a local directory container URI: '" + uri
                    + "'; write file:///absolute/path/dir");
        }
        return open(Path.of(uri));
    }

    @Override
    public String location() {
        return root.toUri().toString().replaceAll("/$", "");
    }

    /** The directory. */
    public Path root() {
        return root;
    }

    private Path blobPath(String name) {
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

    private Path metadataPath(String name) {
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
    private Path contained(Path path, String name) {
        Path existing = path;
        while (existing != null) {
            try {
                Path real = existing.toRealPath();
                if (!real.startsWith(realRoot)) {
                    throw new BlobStoreException("Blob '" + name + "' in " + location() + " leads through a symbolic"
                            + " link to " + real + ", outside the container: refused. Remove the link, or point the"
                            + " container at the directory itself");
                }
                return path;
            } catch (NoSuchFileException e) {
                existing = existing.getParent(); // not there yet (or a dangling link): check what holds it
            } catch (IOException e) {
                throw new BlobStoreException("Cannot resolve blob '" + name + "' in " + location() + ": "
                        + e.getMessage(), e);
            }
        }
        return path;
    }

    @Override
    public List<BlobItem> list() {
        List<BlobItem> items = new ArrayList<>();
        try {
            // Hidden directories (uploads, claims, metadata) are not walked: their files come and go while listing.
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    return dir.equals(root) || !dir.getFileName().toString().startsWith(".")
                            ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && !file.getFileName().toString().startsWith(".")) {
                        properties(root.relativize(file).toString().replace('\\', '/')).ifPresent(items::add);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // deleted while listing: not a blob any more
                    }
                    throw e;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new BlobStoreException("Cannot list container " + location() + ": " + e.getMessage(), e);
        }
        items.sort(java.util.Comparator.comparing(BlobItem::name));
        return items;
    }

    @Override
    public Optional<BlobItem> properties(String name) {
        Path path = blobPath(name);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            Instant modified = attributes.lastModifiedTime().toInstant();
            String etag = "\"" + Long.toHexString(attributes.size()) + "-" + Long.toHexString(modified.getEpochSecond())
                    + "-" + Integer.toHexString(modified.getNano()) + "-" + attributes.fileKey() + "\"";
            return Optional.of(new BlobItem(name, attributes.size(), modified, readMetadata(name), etag));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BlobStoreException("Cannot read blob '" + name + "' in " + location() + ": " + e.getMessage(), e);
        }
    }

    private Map<String, String> readMetadata(String name) throws IOException {
        Path path = metadataPath(name);
        if (!Files.exists(path)) {
            return Map.of();
        }
        return MAPPER.readValue(Files.readAllBytes(path), new TypeReference<Map<String, String>>() { });
    }

    @Override
    public InputStream read(String name) {
        try {
            return Files.newInputStream(blobPath(name));
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(location(), name);
        } catch (IOException e) {
            throw new BlobStoreException("Cannot read blob '" + name + "' in " + location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream read(String name, long offset, long length) {
        try {
            SeekableByteChannel channel = Files.newByteChannel(blobPath(name), StandardOpenOption.READ);
            if (offset < 0 || length < 0 || offset + length > channel.size()) {
                long size = channel.size();
                channel.close();
                throw new BlobStoreException("Range " + offset + "+" + length + " is outside blob '" + name
                        + "' in " + location() + " (" + size + " bytes)");
            }
            channel.position(offset);
            return new BoundedInputStream(Channels.newInputStream(channel), length);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(location(), name);
        } catch (IOException e) {
            throw new BlobStoreException("Cannot read blob '" + name + "' in " + location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public BlobUpload upload(String name, UploadOptions options) {
        Path target = startUpload(name, options);
        Path temp = newTempFile(name);
        try {
            return new LocalUpload(name, target, temp, Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW),
                    options);
        } catch (IOException e) {
            throw cannotStart(name, e);
        }
    }

    @Override
    public RegionUpload uploadRegions(String name, List<Long> regionLengths, UploadOptions options) {
        long size = RegionUploadSupport.checkLayout(name, regionLengths, options.expectedSize(), maxRegions());
        Path target = startUpload(name, options);
        Path temp = newTempFile(name);
        try {
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new LocalRegionUpload(name, target, temp, channel, regionLengths, size, options);
        } catch (IOException e) {
            throw cannotStart(name, e);
        }
    }

    /** Checks the name and the overwrite rule; returns the blob's final path. */
    private Path startUpload(String name, UploadOptions options) {
        Path target = blobPath(name);
        if (!options.overwrite() && Files.exists(target)) {
            throw new BlobAlreadyExistsException(location(), name);
        }
        return target;
    }

    /** A fresh path under {@code .uploads/} (the directory is created; the file is not). */
    private Path newTempFile(String name) {
        try {
            Path uploads = contained(root.resolve(".uploads"), name);
            Files.createDirectories(uploads);
            return contained(uploads, name).resolve(UUID.randomUUID() + ".part");
        } catch (IOException e) {
            throw cannotStart(name, e);
        }
    }

    private BlobStoreException cannotStart(String name, IOException e) {
        return new BlobStoreException("Cannot start writing blob '" + name + "' in " + location() + ": "
                + e.getMessage() + " (check free space and permissions)", e);
    }

    /**
     * Moves a complete temporary file into place with its metadata: renamed over the target with overwrite, else
     * hard-linked (which fails atomically when the name is taken) and the temporary name removed.
     */
    private void commitFile(String name, Path target, Path temp, UploadOptions options) throws IOException {
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
            Files.write(metaTemp, MAPPER.writeValueAsBytes(new java.util.TreeMap<>(options.metadata())));
        }
        if (options.overwrite()) {
            AtomicFiles.move(temp, target);
        } else {
            try {
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                throw new BlobAlreadyExistsException(location(), name);
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
    private void discard(String name, Path temp) {
        try {
            Files.deleteIfExists(temp);
            Files.deleteIfExists(temp.resolveSibling(temp.getFileName() + ".meta"));
        } catch (IOException e) {
            throw new BlobStoreException("Cannot discard the unfinished upload of '" + name + "' (" + temp + "): "
                    + e.getMessage(), e);
        }
    }

    private final class LocalUpload implements BlobUpload {
        private final String name;
        private final Path target;
        private final Path temp;
        private final OutputStream out;
        private final UploadOptions options;
        private boolean committed;

        LocalUpload(String name, Path target, Path temp, OutputStream out, UploadOptions options) {
            this.name = name;
            this.target = target;
            this.temp = temp;
            this.out = out;
            this.options = options;
        }

        @Override
        public OutputStream output() {
            return out;
        }

        @Override
        public void commit() {
            try {
                out.close();
                commitFile(name, target, temp, options);
                committed = true;
            } catch (IOException e) {
                throw new BlobStoreException("Cannot commit blob '" + name + "' in " + location() + ": "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (committed) {
                return;
            }
            try {
                out.close();
            } catch (IOException e) {
                throw new BlobStoreException("Cannot discard the unfinished upload of '" + name + "' ("
                        + temp + "): " + e.getMessage(), e);
            } finally {
                discard(name, temp);
            }
        }
    }

    /** Regions written at their positions into one hidden file; committed like a plain upload when all are done. */
    private final class LocalRegionUpload implements RegionUpload {
        private final String name;
        private final Path target;
        private final Path temp;
        private final FileChannel channel;
        private final long[] offsets;
        private final long[] lengths;
        private final long size;
        private final UploadOptions options;
        /** Per region: 0 not started, 1 being written, 2 complete. */
        private final AtomicIntegerArray states;
        private final AtomicBoolean finished = new AtomicBoolean();
        private volatile boolean committed;

        LocalRegionUpload(String name, Path target, Path temp, FileChannel channel, List<Long> regionLengths,
                          long size, UploadOptions options) {
            this.name = name;
            this.target = target;
            this.temp = temp;
            this.channel = channel;
            this.size = size;
            this.options = options;
            this.lengths = new long[regionLengths.size()];
            this.offsets = new long[regionLengths.size()];
            long offset = 0;
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = regionLengths.get(i);
                offsets[i] = offset;
                offset += lengths[i];
            }
            this.states = new AtomicIntegerArray(lengths.length);
        }

        @Override
        public int regionCount() {
            return lengths.length;
        }

        @Override
        public long regionOffset(int index) {
            return offsets[index];
        }

        @Override
        public long regionLength(int index) {
            return lengths[index];
        }

        @Override
        public void write(int index, InputStream content) throws IOException {
            Objects.checkIndex(index, lengths.length);
            if (finished.get()) {
                throw new IllegalStateException("The upload of blob '" + name + "' was already "
                        + (committed ? "committed" : "discarded") + "; region " + index + " cannot be written");
            }
            if (!states.compareAndSet(index, 0, 1)) {
                throw new IllegalStateException("Region " + index + " of blob '" + name + "' is already written");
            }
            long position = offsets[index];
            long end = position + lengths[index];
            byte[] buffer = new byte[(int) Math.min(REGION_BUFFER, lengths[index])];
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            while (position < end) {
                int n = content.read(buffer, 0, (int) Math.min(buffer.length, end - position));
                if (n < 0) {
                    throw new IOException("Region " + index + " of blob '" + name + "' ended after "
                            + (position - offsets[index]) + " of its " + lengths[index] + " bytes");
                }
                wrapped.limit(n).position(0);
                while (wrapped.hasRemaining()) {
                    position += channel.write(wrapped, position);
                }
            }
            if (content.read() >= 0) {
                throw new IOException("Region " + index + " of blob '" + name + "' is longer than its "
                        + lengths[index] + " bytes");
            }
            states.set(index, 2);
        }

        @Override
        public void commit() {
            if (finished.get()) {
                throw new IllegalStateException("The upload of blob '" + name + "' was already "
                        + (committed ? "committed" : "discarded"));
            }
            List<Integer> incomplete = new ArrayList<>();
            for (int i = 0; i < lengths.length && incomplete.size() < 10; i++) {
                if (states.get(i) != 2) {
                    incomplete.add(i);
                }
            }
            if (!incomplete.isEmpty()) {
                throw new BlobStoreException("Blob '" + name + "' in " + location() + " was not committed: region(s) "
                        + incomplete + " of " + lengths.length + " are incomplete; write every region first");
            }
            try {
                channel.close();
                if (Files.size(temp) != size) {
                    throw new BlobStoreException("Blob '" + name + "' was " + Files.size(temp) + " bytes after its"
                            + " regions were written, expected " + size + ": not committed");
                }
                commitFile(name, target, temp, options);
                committed = true;
                finished.set(true);
            } catch (IOException e) {
                throw new BlobStoreException("Cannot commit blob '" + name + "' in " + location() + ": "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (committed || !finished.compareAndSet(false, true)) {
                return;
            }
            try {
                channel.close();
            } catch (IOException e) {
                throw new BlobStoreException("Cannot discard the unfinished upload of '" + name + "' (" + temp
                        + "): " + e.getMessage(), e);
            } finally {
                discard(name, temp);
            }
        }
    }

    @Override
    public boolean delete(String name) {
        try {
            boolean existed = Files.deleteIfExists(blobPath(name));
            Files.deleteIfExists(metadataPath(name));
            return existed;
        } catch (IOException e) {
            throw new BlobStoreException("Cannot delete blob '" + name + "' in " + location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void setMetadata(String name, Map<String, String> metadata) {
        if (!Files.exists(blobPath(name))) {
            throw new BlobNotFoundException(location(), name);
        }
        try {
            Path target = metadataPath(name);
            Files.createDirectories(target.getParent());
            contained(target, name);
            AtomicFiles.write(target, MAPPER.writeValueAsBytes(new java.util.TreeMap<>(metadata)));
        } catch (IOException e) {
            throw new BlobStoreException("Cannot set metadata of blob '" + name + "' in " + location() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Optional<BlobClaim> tryClaim(String name, Duration ttl) {
        return LocalClaim.tryClaim(contained(root.resolve(".claims"), name), name, ttl);
    }
}
