package io.distill4j.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file whole or not at all: to a hidden temporary sibling, then an atomic move. A reader never sees half a
 * file, and a failure (full disk, permissions) deletes the temporary file and raises a {@link StorageException}
 * that names the path and the OS's reason.
 */
public final class AtomicFiles {
    /** Writes the content of one file to a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void write(Path file, byte[] bytes) {
        write(file, out -> out.write(bytes));
    }

    public static void writeString(Path file, String text) {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void write(Path file, Content content) {
        Path tmp = temporarySibling(file);
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw StorageException.of("write", file, e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** The temporary name used while {@code file} is written ({@code .<name>.tmp} in the same folder). */
    public static Path temporarySibling(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".tmp");
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // nothing more can be done; the name starts with a dot and is never read
        }
    }
}
