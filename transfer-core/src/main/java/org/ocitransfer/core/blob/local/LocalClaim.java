package org.ocitransfer.core.blob.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.ocitransfer.core.blob.BlobClaim;
import org.ocitransfer.core.blob.BlobStoreException;

/**
 * A claim on a blob of a local directory: a file {@code .claims/<name>.claim} holding the owner's id and the expiry,
 * created with CREATE_NEW (atomic). An expired claim is taken over by renaming it aside first (only one taker's
 * rename succeeds), so two processes never both hold a claim.
 */
final class LocalClaim implements BlobClaim {

    private final Path file;
    private final String blobName;
    private final String owner;
    private volatile Instant expiresAt;
    private volatile boolean released;

    private LocalClaim(Path file, String blobName, String owner, Instant expiresAt) {
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
            for (int attempt = 0; attempt < 2; attempt++) {
                Instant expires = Instant.now().plus(ttl);
                try {
                    Files.write(file, (owner + " " + expires.toEpochMilli()).getBytes(StandardCharsets.UTF_8),
                            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    return Optional.of(new LocalClaim(file, blobName, owner, expires));
                } catch (FileAlreadyExistsException taken) {
                    Instant current = readExpiry(file);
                    if (current != null && current.isAfter(Instant.now())) {
                        return Optional.empty();
                    }
                    // Expired (or vanished): move it aside; only one taker's move succeeds.
                    Path aside = dir.resolve("." + UUID.randomUUID() + ".expired");
                    try {
                        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
                        Files.deleteIfExists(aside);
                    } catch (NoSuchFileException gone) {
                        // Someone else moved it first or released it: try to create ours once more.
                        continue;
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new BlobStoreException("Cannot claim blob '" + blobName + "' (" + file + "): " + e.getMessage(), e);
        }
    }

    private static Instant readExpiry(Path file) throws IOException {
        try {
            String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
            return parts.length == 2 ? Instant.ofEpochMilli(Long.parseLong(parts[1])) : Instant.EPOCH;
        } catch (NoSuchFileException e) {
            return null;
        } catch (NumberFormatException e) {
            return Instant.EPOCH;
        }
    }

    private boolean stillMine() throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).startsWith(owner + " ");
        } catch (NoSuchFileException e) {
            return false;
        }
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
        try {
            if (released || !stillMine()) {
                return false;
            }
            Instant expires = Instant.now().plus(ttl);
            Path temp = file.resolveSibling("." + UUID.randomUUID() + ".renew");
            Files.write(temp, (owner + " " + expires.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            expiresAt = expires;
            return true;
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
            if (stillMine()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new BlobStoreException("Cannot release the claim on blob '" + blobName + "': " + e.getMessage(), e);
        }
    }
}
