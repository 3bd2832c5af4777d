package org.ocitransfer.core.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * File helpers for state kept on local disk: atomic replacement (write aside, then rename) and a lock that excludes
 * both other threads of this JVM and other processes (a JVM lock per path, then an OS file lock).
 */
public final class AtomicFiles {

    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private AtomicFiles() {
    }

    /** Something done while holding a lock. */
    @FunctionalInterface
    public interface LockedAction<T> {
        /** Does it. */
        T run() throws IOException;
    }

    /** Replaces {@code target} with {@code bytes} so readers see the old or the new content, never a mix. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.write(temp, bytes);
        move(temp, target);
    }

    /** Renames {@code from} onto {@code to}, atomically where the file system can. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Runs {@code action} holding the lock file {@code lockFile}, excluding this JVM's threads and other processes. */
    public static <T> T withLock(Path lockFile, LockedAction<T> action) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock lock = LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try (FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return action.run();
        } finally {
            lock.unlock();
        }
    }
}
