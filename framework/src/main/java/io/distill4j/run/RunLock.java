package io.distill4j.run;

import io.distill4j.runtime.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock of a run (or study) folder, held by the one process that may write into it, from before its first
 * write to its end. It is an OS file lock ({@link FileChannel#tryLock()}) on {@value #FILE_NAME}: the OS releases it when
 * the process dies, so the lock of a killed run is taken over without any staleness heuristics. The file holds the
 * holder's PID and start time, so the process that is refused can say who holds the folder.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE_NAME = ".distill4j.lock";
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    /** The locks this process holds, by lock file. */
    private static final Map<Path, RunLock> HELD = new ConcurrentHashMap<>();
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code folder} (which must exist) or throws {@link RunLockedException} naming the holder. */
    public static RunLock acquire(Path folder) {
        Path file = folder.resolve(FILE_NAME).toAbsolutePath().normalize();
        // POSIX locks belong to the process and closing any descriptor of the file drops them: a lock this JVM holds
        // must be recognised without opening the file again
        if (HELD.containsKey(file)) throw locked(folder, HELD.get(file).holder());
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw StorageException.of("lock", file, e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = read(channel);
                channel.close();
                throw locked(folder, holder.isEmpty() ? "unknown process" : holder);
            }
            String previous = read(channel);
            if (!previous.isEmpty()) LOG.info("took over the lock of {}: its holder ({}) was killed", folder, previous);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", started "
                    + OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS) + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            RunLock held = new RunLock(file, channel, lock);
            HELD.put(file, held);
            return held;
        } catch (IOException | OverlappingFileLockException e) {
            closeQuietly(channel);
            if (e instanceof IOException io) throw StorageException.of("lock", file, io);
            throw locked(folder, "this process");
        }
    }

    private static RunLockedException locked(Path folder, String holder) {
        return new RunLockedException(folder.toAbsolutePath() + " is in use by another distill4j process (" + holder
                + "); wait for it to end or stop it, then try again");
    }

    /** Whether {@code name} (a file directly in a run folder) is this lock's file. */
    public static boolean isLockFile(Path name) {
        return name.getFileName().toString().equals(FILE_NAME);
    }

    /** The file's text, read through {@code channel} (never through a second descriptor: see {@link #acquire}). */
    private static String read(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(512);
        int n = channel.read(buf, 0);
        return n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).strip();
    }

    private String holder() {
        try {
            return read(channel);
        } catch (IOException e) {
            return "this process";
        }
    }

    public Path file() {
        return file;
    }

    /**
     * Releases the lock. The file stays (deleting it would race with a process that has just opened it) but is emptied,
     * so that only a killed holder leaves its PID behind.
     */
    @Override
    public void close() {
        HELD.remove(file, this);
        try {
            if (lock.isValid()) {
                channel.truncate(0);
                lock.release();
            }
        } catch (IOException e) {
            LOG.warn("cannot release the lock {}: {}", file, e.getMessage());
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing releases the lock as well; nothing else to do
        }
    }
}
