package org.ocitransfer.core.blob.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.ocitransfer.core.blob.BlobClaim;
import org.ocitransfer.core.blob.BlobStoreException;
import org.ocitransfer.core.internal.io.AtomicFiles;

/**
 * A claim on a blob of a local directory: a file {@code .claims/<name>.claim} holding the owner's id and the expiry.
 * Taking, renewing and releasing a claim each read and write that file holding the claims directory's lock (which
 * excludes this JVM's threads and other processes), so two holders never overlap: a claim file is only ever replaced
 * by its owner, or by a taker once it has expired.
 */
final class LocalClaim implements BlobClaim {

    private final Path dir;
    private final Path file;
    private final String blobName;
    private final String owner;
    private volatile Instant expiresAt;
    private volatile boolean released;

    private LocalClaim(Path dir, Path file, String blobName, String owner, Instant expiresAt) {
        this.dir = dir;
        this.file = file;
        this.blobName = blobName;
        this.owner = owner;
        this.expiresAt = expiresAt;
    }

    static Optional<BlobClaim> tryClaim(Path dir, String blobName, Duration ttl) {
        Path file = dir.resolve(blobName.replace('/', '%') + ".claim");
        String owner = UUID.randomUUID().toString();
        try {
            Files.createDirectories(dir);
            return locked(dir, () -> {
                String[] current = read(file);
                if (current != null && expiry(current).isAfter(Instant.now())) {
                    return Optional.empty();
                }
                Instant expires = Instant.now().plus(ttl);
                write(file, owner, expires);
                return Optional.of(new LocalClaim(dir, file, blobName, owner, expires));
            });
        } catch (IOException e) {
            throw new BlobStoreException("Cannot claim blob '" + blobName + "' (" + file + "): " + e.getMessage(), e);
        }
    }

    private static <T> T locked(Path dir, AtomicFiles.LockedAction<T> action) throws IOException {
        return AtomicFiles.withLock(dir.resolve(".lock"), action);
    }

    /** The claim file's owner and expiry, or null when there is none. */
    private static String[] read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static Instant expiry(String[] content) {
        try {
            return content.length == 2 ? Instant.ofEpochMilli(Long.parseLong(content[1])) : Instant.EPOCH;
        } catch (NumberFormatException e) {
            return Instant.EPOCH; // not a claim we wrote: treated as lapsed
        }
    }

    private static void write(Path file, String owner, Instant expires) throws IOException {
        AtomicFiles.write(file, (owner + " " + expires.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
    }

    private boolean stillMine(String[] content) {
        return content != null && content[0].equals(owner);
    }

    @Override
    public String blobName() {
        return blobName;
    }

    @Override
    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public synchronized boolean renew(Duration ttl) {
        if (released) {
            return false;
        }
        try {
            return locked(dir, () -> {
                if (!stillMine(read(file))) {
                    return false;
                }
                Instant expires = Instant.now().plus(ttl);
                write(file, owner, expires);
                expiresAt = expires;
                return true;
            });
        } catch (IOException e) {
            throw new BlobStoreException("Cannot renew the claim on blob '" + blobName + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            locked(dir, () -> {
                if (stillMine(read(file))) {
                    Files.deleteIfExists(file);
                }
                return null;
            });
        } catch (IOException e) {
            throw new BlobStoreException("Cannot release the claim on blob '" + blobName + "': " + e.getMessage(), e);
        }
    }
}
