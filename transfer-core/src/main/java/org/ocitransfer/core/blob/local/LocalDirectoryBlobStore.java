package org.ocitransfer.core.blob.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ocitransfer.core.blob.BlobClaim;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobNotFoundException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.blob.BlobUpload;
import org.ocitransfer.core.blob.RegionUpload;
import org.ocitransfer.core.blob.RegionUploadSupport;
import org.ocitransfer.core.blob.UploadOptions;
import org.ocitransfer.core.internal.io.BoundedInputStream;

/**
 * A local directory as a container ({@code file:///path/dir}). Blobs are plain files (names may hold {@code /});
 * an upload goes to a hidden file under {@code .uploads/} and is renamed (or, without overwrite, hard-linked, which
 * fails atomically when the name is taken) into place on commit, so readers never see a partial blob. Metadata lives
 * in {@code .metadata/<name>.json}; claims are files under {@code .claims/} created atomically. Names starting with
 * {@code .} are hidden from listings.
 *
 * <p>Supports {@link RegionUploadSupport}: the regions of a blob are written at their positions (positional writes,
 * from any thread) into the same kind of hidden file, committed the same way once every region is complete.
 *
 * <p>The store's operations are here; {@code LocalFiles} keeps the file layout (and every path inside the
 * directory), {@code LocalUpload} and {@code LocalRegionUpload} are the uploads, {@code LocalClaim} a claim.
 */
public final class LocalDirectoryBlobStore implements BlobStore, RegionUploadSupport {

    private final Path root;
    private final String location;
    private final LocalFiles files;

    private LocalDirectoryBlobStore(Path root, Path realRoot) {
        this.root = root;
        this.location = root.toUri().toString().replaceAll("/$", "");
        this.files = new LocalFiles(root, realRoot, location);
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
        return location;
    }

    /** The directory. */
    public Path root() {
        return root;
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
        items.sort(Comparator.comparing(BlobItem::name));
        return items;
    }

    @Override
    public Optional<BlobItem> properties(String name) {
        Path path = files.blobPath(name);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            Instant modified = attributes.lastModifiedTime().toInstant();
            String etag = "\"" + Long.toHexString(attributes.size()) + "-" + Long.toHexString(modified.getEpochSecond())
                    + "-" + Integer.toHexString(modified.getNano()) + "-" + attributes.fileKey() + "\"";
            return Optional.of(new BlobItem(name, attributes.size(), modified, files.readMetadata(name), etag));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BlobStoreException("Cannot read blob '" + name + "' in " + location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream read(String name) {
        try {
            return Files.newInputStream(files.blobPath(name));
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(location(), name);
        } catch (IOException e) {
            throw new BlobStoreException("Cannot read blob '" + name + "' in " + location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream read(String name, long offset, long length) {
        try {
            SeekableByteChannel channel = Files.newByteChannel(files.blobPath(name), StandardOpenOption.READ);
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
        Path target = files.startUpload(name, options);
        Path temp = files.newTempFile(name);
        try {
            return new LocalUpload(files, name, target, temp, Files.newOutputStream(temp,
                    StandardOpenOption.CREATE_NEW), options);
        } catch (IOException e) {
            throw files.cannotStart(name, e);
        }
    }

    @Override
    public RegionUpload uploadRegions(String name, List<Long> regionLengths, UploadOptions options) {
        long size = RegionUploadSupport.checkLayout(name, regionLengths, options.expectedSize(), maxRegions());
        Path target = files.startUpload(name, options);
        Path temp = files.newTempFile(name);
        try {
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new LocalRegionUpload(files, location, name, target, temp, channel, regionLengths, size, options);
        } catch (IOException e) {
            throw files.cannotStart(name, e);
        }
    }

    @Override
    public boolean delete(String name) {
        try {
            boolean existed = Files.deleteIfExists(files.blobPath(name));
            Files.deleteIfExists(files.metadataPath(name));
            return existed;
        } catch (IOException e) {
            throw new BlobStoreException("Cannot delete blob '" + name + "' in " + location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void setMetadata(String name, Map<String, String> metadata) {
        if (!Files.exists(files.blobPath(name))) {
            throw new BlobNotFoundException(location(), name);
        }
        try {
            files.writeMetadata(name, metadata);
        } catch (IOException e) {
            throw new BlobStoreException("Cannot set metadata of blob '" + name + "' in " + location() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Optional<BlobClaim> tryClaim(String name, Duration ttl) {
        return LocalClaim.tryClaim(files.contained(root.resolve(".claims"), name), name, ttl);
    }
}
