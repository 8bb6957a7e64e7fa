package io.distill4j.runtime;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * A file the run needs could not be read or written (permissions, a full disk, a path that is a file, /proc ...):
 * a user's environment problem, not a bug, so the CLI prints one line naming the path and the OS's reason.
 */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "cannot {@code action} {@code path}: {@code reason}", the reason in the OS's words. */
    public static StorageException of(String action, Path path, IOException e) {
        return new StorageException("cannot " + action + " " + path.toAbsolutePath() + ": " + reason(e), e);
    }

    /** The OS's reason for an I/O failure in a few words (no Java class names for the common cases). */
    public static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof FileSystemException fs && fs.getReason() != null) m = fs.getReason();
        if (e instanceof AccessDeniedException) return m == null || m.equals(((FileSystemException) e).getFile()) ? "permission denied" : m;
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof FileAlreadyExistsException) return "a file of that name exists already";
        if (e instanceof NotDirectoryException) return "not a directory";
        if (m != null && m.contains("No space left")) return "no space left on device";
        if (m != null && m.contains("Read-only file system")) return "read-only file system";
        if (m != null && !m.isBlank()) return m;
        return e.getClass().getSimpleName();
    }
}
