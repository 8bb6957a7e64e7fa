package io.distill4j.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.distill4j.model.TrainableModel;
import io.distill4j.runtime.AtomicFiles;
import io.distill4j.runtime.StorageException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The layout of one run folder ({@code runs/<name>-<yyyyMMdd-HHmmss>/}) and its ownership: a process writes into a run
 * folder only while it holds the folder's {@link RunLock}. Files are written to a temporary name and moved into place,
 * so a reader never sees half a report.
 */
public final class RunDirectory implements AutoCloseable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path root;
    private RunLock lock;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /**
     * Creates and locks {@code runs/<name>-<timestamp>} (with a numeric suffix if that exists already), or the explicit
     * folder, which must not exist or be empty: a user's files in it are never overwritten. Throws
     * {@link IllegalArgumentException} for an unusable {@code explicit} folder (a usage error), {@link RunLockedException}
     * if another process took the folder first, {@link StorageException} if the file system refuses.
     */
    public static RunDirectory create(Path runsFolder, String name, Path explicit) {
        RunDirectory run = new RunDirectory(explicit == null ? unusedFolder(runsFolder, name) : explicit);
        Path dir = run.root;
        boolean check = explicit != null;
        if (check && Files.isRegularFile(dir.resolve(RunLock.FILE_NAME))) {
            run.lock = RunLock.acquire(dir);  // a folder some process is (or was) using: name that process if it still runs
        }
        run.prepare(check, false);
        if (run.lock == null) run.lock = RunLock.acquire(dir);
        // checked again under the lock: another process may have filled the same folder a moment ago
        run.prepare(check, true);
        return run;
    }

    /** Refuses an unusable folder (if {@code check}), then creates it or its sub-folders; releases the lock on failure. */
    private void prepare(boolean check, boolean subFolders) {
        try {
            if (check) refuseUnusable(root);
            Files.createDirectories(root);
            if (subFolders) {
                Files.createDirectories(root.resolve("logs"));
                Files.createDirectories(root.resolve("students"));
            }
        } catch (IOException e) {
            close();
            throw StorageException.of("create the run folder", root, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static void refuseUnusable(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is a file, not a folder; choose another --run-dir");
        }
        if (Files.isRegularFile(dir.resolve("config.yaml"))) {
            throw new IllegalArgumentException(dir + " already holds a run (config.yaml exists); choose another --run-dir, "
                    + "or continue it with: distill4j resume " + dir);
        }
        List<String> other = contentOtherThanTheLock(dir);
        if (!other.isEmpty()) {
            throw new IllegalArgumentException(dir + " is not empty (holds " + String.join(", ", other.subList(0, Math.min(3, other.size())))
                    + (other.size() > 3 ? " ..." : "") + "); a run folder must be new or empty, choose another --run-dir");
        }
    }

    /**
     * What the folder holds besides the lock and the empty {@code logs/} and {@code students/} a run creates first: a
     * run that died before it wrote anything (a native crash, SIGKILL while loading data) leaves just those, and its
     * folder may be given to {@code train --run-dir} again (its lock went with the process).
     */
    private static List<String> contentOtherThanTheLock(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> !RunLock.isLockFile(f) && !isEmptySkeleton(f)).map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw StorageException.of("list", dir, e);
        }
    }

    private static boolean isEmptySkeleton(Path f) {
        String name = f.getFileName().toString();
        if (!(name.equals("logs") || name.equals("students")) || !Files.isDirectory(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return false;
        try (Stream<Path> inside = Files.list(f)) {
            return inside.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code <runsFolder>/<prefix>-<yyyyMMdd-HHmmss>}, with a numeric suffix if that exists already (not created). */
    public static Path unusedFolder(Path runsFolder, String prefix) {
        String base = prefix + "-" + LocalDateTime.now().format(STAMP);
        Path dir = runsFolder.resolve(base);
        for (int i = 2; Files.exists(dir); i++) dir = runsFolder.resolve(base + "-" + i);
        return dir;
    }

    /** An existing run folder, for reading (report, compare); {@link #lock()} it before writing. */
    public static RunDirectory open(Path dir) {
        return new RunDirectory(dir);
    }

    /** Takes the folder's {@link RunLock} (throws {@link RunLockedException} if another process holds it). */
    public RunDirectory lock() {
        if (lock == null) lock = RunLock.acquire(root);
        return this;
    }

    /** Releases the lock, if held. */
    @Override
    public void close() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    /**
     * Whether the folder holds nothing but logs (and its lock and empty sub-folders): a run that failed before it
     * wrote anything, so the folder is noise that would only puzzle {@code report} and {@code compare}.
     */
    public boolean holdsNothingButLogs() {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .allMatch(f -> RunLock.isLockFile(f) && f.getParent().equals(root) || f.startsWith(root.resolve("logs")));
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes the whole folder (only ever called on a folder for which {@link #holdsNothingButLogs()} held). */
    public void delete() {
        close();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException e) {
            throw StorageException.of("remove", root, e);
        }
    }

    public Path root() {
        return root;
    }

    public Path configFile() {
        return root.resolve("config.yaml");
    }

    public Path provenanceFile() {
        return root.resolve("provenance.json");
    }

    /** A user dataset's record: sources and their SHA-256, split, classes and counts, preprocessing (data/user). */
    public Path dataFile() {
        return root.resolve("data.json");
    }

    /** Positions of the test examples in a user dataset's training source, one a line (a split by data.testFraction). */
    public Path testExamplesFile() {
        return root.resolve("test-examples.txt");
    }

    public Path metricsFile() {
        return root.resolve("metrics.jsonl");
    }

    public Path reportFile() {
        return root.resolve("report.json");
    }

    public Path logFile() {
        return root.resolve("logs").resolve("run.log");
    }

    public Path studentFile(String name) {
        return root.resolve("students").resolve(name + ".zip");
    }

    public void writeText(Path file, String text) {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    public void writeJson(Path file, Object value) {
        try {
            write(file, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + file.getFileName(), e);
        }
    }

    /** Exports a model (without optimizer state: exports are for inference) atomically. */
    public void writeModel(Path file, TrainableModel model) {
        writeModel(file, model, Map.of());
    }

    /**
     * As {@link #writeModel(Path, TrainableModel)}, with further zip entries (name → bytes, e.g. the model's provenance)
     * that the engine's restore ignores; the zip is whole or absent, entries included.
     */
    public void writeModel(Path file, TrainableModel model, Map<String, byte[]> entries) {
        AtomicFiles.write(file, out -> model.export(out, entries));
    }

    private static void write(Path file, byte[] bytes) {
        AtomicFiles.write(file, bytes);
    }
}
