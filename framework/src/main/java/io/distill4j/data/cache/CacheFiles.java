package io.distill4j.data.cache;

import io.distill4j.data.user.Part;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The names of a cache's files, and the file operations that make writing one safe. Kept in one place because the
 * reader, the writer and the clean-up of an interrupted preparation must agree on every name: a temporary folder is
 * recognised, and never read, only by its name.
 */
final class CacheFiles {
    static final String META = "meta.json";

    private CacheFiles() {
    }

    /** A part's little-endian float32 rows. */
    static Path rows(Path dir, Part part) {
        return dir.resolve(part.key() + ".f32");
    }

    /** A part's little-endian int32 labels. */
    static Path labels(Path dir, Part part) {
        return dir.resolve(part.key() + ".i32");
    }

    /** A fresh temporary folder name beside {@code dir}; the leading dot and the key let {@link #isLeftoverOf} find it. */
    static Path temporaryFolder(Path dir) {
        return dir.toAbsolutePath().getParent().resolve("." + dir.getFileName() + ".tmp-" + UUID.randomUUID());
    }

    /** Where a damaged cache is moved before it is deleted, so the final name is freed by one atomic rename. */
    static Path asideFolder(Path dir) {
        return dir.resolveSibling("." + dir.getFileName() + ".old-" + UUID.randomUUID());
    }

    /** The lock file of {@code key}'s preparation: outside the cache folder, which does not exist until committed. */
    static Path lockFile(Path root, String key) {
        return root.resolve(key + ".lock");
    }

    /** Whether {@code name} (in the cache root) is a temporary or set-aside folder of {@code key}. */
    static boolean isLeftoverOf(String name, String key) {
        return name.startsWith("." + key + ".");
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }

    /** fsync of a folder, so a rename in it is durable; not every OS can open a folder for that, which is then skipped. */
    static void syncFolder(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory: the rename is as durable as that OS makes it
        }
    }
}
