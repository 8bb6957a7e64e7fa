package io.distill4j.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Makes a folder refuse new files for the length of a test: read-only permissions, and for root (whom permissions do
 * not stop) the immutable attribute via chattr. Skips the test where neither works; {@link #close()} undoes it so the
 * temporary folder can be deleted.
 */
final class ReadOnlyFolder implements AutoCloseable {
    private final Path dir;
    private final Set<PosixFilePermission> before;
    private boolean immutable;

    private ReadOnlyFolder(Path dir) throws IOException {
        this.dir = dir;
        this.before = Files.getPosixFilePermissions(dir);
    }

    static ReadOnlyFolder lock(Path dir) throws IOException, InterruptedException {
        ReadOnlyFolder f = new ReadOnlyFolder(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (!f.refusesNewFiles()) f.immutable = chattr("+i", dir);
        if (!f.refusesNewFiles()) {
            f.close();
            assumeTrue(false, "cannot make " + dir + " read-only here");
        }
        return f;
    }

    private boolean refusesNewFiles() {
        Path probe = dir.resolve("probe");
        try {
            Files.createFile(probe);
            Files.delete(probe);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean chattr(String flag, Path dir) throws InterruptedException {
        try {
            return new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;   // no chattr on this system
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (immutable) chattr("-i", dir);
        Files.setPosixFilePermissions(dir, before);
    }
}
