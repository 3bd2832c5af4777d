package org.ocitransfer.core.internal.archive;

import org.ocitransfer.core.internal.io.BoundedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** An archive in a local file: each range is a fresh channel positioned at its offset (a seek, never a read). */
final class FileArchiveSource implements ArchiveSource {

    private final Path file;
    private final long size;

    FileArchiveSource(Path file) {
        this.file = file;
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ArchiveFormatException("Archive " + file + " is not a readable regular file: check the path");
        }
        try {
            this.size = Files.size(file);
        } catch (IOException e) {
            throw new ArchiveFormatException("Archive " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream open(long offset, long length) throws IOException {
        ArchiveSource.checkRange(this, offset, length);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            channel.position(offset);
            return new BoundedInputStream(Channels.newInputStream(channel), length);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return file.toString();
    }
}
