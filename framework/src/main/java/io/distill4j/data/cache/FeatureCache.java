package io.distill4j.data.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.data.DataException;
import io.distill4j.data.LabeledSplit;
import io.distill4j.data.user.FeatureSink;
import io.distill4j.data.user.Part;
import io.distill4j.runtime.Sha256;
import io.distill4j.runtime.StorageException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A user's dataset parsed and preprocessed once into binary files, then read memory-mapped, so a dataset larger than the
 * heap trains. One folder per {@link CacheKey}: per part ({@code train}, {@code validation}, {@code test}) a little-endian
 * float32 row file ({@code <part>.f32}) and an int32 label file ({@code <part>.i32}), and {@code meta.json}.
 * <p>
 * A cache is written by a {@link CacheWriter} into a temporary folder beside the final one ({@code .<key>.tmp-<random>});
 * {@code meta.json} is written last, everything is fsynced, and the folder is renamed to its final name atomically.
 * A temporary folder is never read: an interrupted parse leaves only that, and the next {@link #prepare} deletes it
 * and parses again. {@link #prepare} holds a lock file ({@code <key>.lock} in the cache root) while writing, so a second
 * process preparing the same cache waits, then opens the committed one. A cache folder whose files do not match its
 * {@code meta.json} (truncated, garbled) is treated as absent, never trained on ({@link CacheReader}).
 */
public final class FeatureCache {
    /** Version of the layout; part of every key, so a new layout never reads an old cache. */
    public static final int FORMAT_VERSION = 1;
    /** Threads of this JVM preparing a key: a file lock excludes other processes, not other threads of the holder. */
    private static final Map<Path, ReentrantLock> PREPARING = new ConcurrentHashMap<>();

    private final Path dir;
    private final JsonNode meta;
    private final int width;
    private final int numClasses;
    private final Map<Part, LabeledSplit> parts;

    FeatureCache(Path dir, JsonNode meta, int width, int numClasses, Map<Part, LabeledSplit> parts) {
        this.dir = dir;
        this.meta = meta;
        this.width = width;
        this.numClasses = numClasses;
        this.parts = parts;
    }

    /** The committed folder. */
    public Path dir() {
        return dir;
    }

    /** The whole {@code meta.json}. */
    public JsonNode meta() {
        return meta;
    }

    public int width() {
        return width;
    }

    public int numClasses() {
        return numClasses;
    }

    /** A part's examples, features mapped (possibly empty). */
    public LabeledSplit part(Part part) {
        return parts.get(part);
    }

    /**
     * The cache root: system property {@code distill4j.cache}, else {@code $DISTILL4J_CACHE}, else
     * {@code $XDG_CACHE_HOME/distill4j}, else {@code ~/.cache/distill4j}.
     */
    public static Path root() {
        return root(System.getProperty("distill4j.cache"), System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static Path root(String property, Map<String, String> env, Path home) {
        if (property != null && !property.isBlank()) return Path.of(property);
        String own = env.get("DISTILL4J_CACHE");
        if (own != null && !own.isBlank()) return Path.of(own);
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "distill4j");
        return home.resolve(".cache").resolve("distill4j");
    }

    // ---------------------------------------------------------------- prepare once, open after

    /** What a preparation wrote besides the rows: the number of classes and anything to keep in {@code meta.json}. */
    public record Outcome(int numClasses, Object meta) {
    }

    /** Parses the sources and writes every example to the sink (e.g. {@code UserFormat.prepare}). */
    @FunctionalInterface
    public interface Preparation {
        Outcome write(FeatureSink sink) throws IOException;
    }

    /** {@link #prepare(Path, List, Object, Preparation)} in {@link #root()}. */
    public static FeatureCache prepare(List<Path> sources, Object settings, Preparation work) {
        return prepare(root(), sources, settings, work);
    }

    /**
     * The cache of {@code sources} read with {@code settings} under {@code root}: opened if committed and intact, else
     * written by {@code work} (once, however many threads and processes ask at the same time) and opened. The
     * sources' full SHA-256 ({@link Sha256#ofTree}) is computed while preparing and kept in {@code meta.json}.
     */
    public static FeatureCache prepare(Path root, List<Path> sources, Object settings, Preparation work) {
        String key = CacheKey.of(sources, settings);
        Path dir = root.resolve(key);
        Optional<FeatureCache> done = open(dir);
        if (done.isPresent()) return done.get();
        ReentrantLock local = PREPARING.computeIfAbsent(dir.toAbsolutePath().normalize(), k -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(root);
            try (FileChannel lockFile = FileChannel.open(CacheFiles.lockFile(root, key), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                done = open(dir);   // another process may have committed it while this one waited
                if (done.isPresent()) return done.get();
                removeStale(root, key);
                ObjectNode meta = JsonNodeFactory.instance.objectNode();
                meta.put("key", key);
                ArrayNode hashed = meta.putArray("sources");
                for (Path s : sources) {
                    hashed.addObject().put("name", String.valueOf(s.getFileName())).put("sha256", Sha256.ofTree(s));
                }
                meta.set("settings", CacheKey.sortedTree(settings));
                try (CacheWriter w = new CacheWriter(dir)) {
                    Outcome o = work.write(w);
                    meta.set("extra", CacheKey.sortedTree(o.meta()));
                    w.commit(o.numClasses(), meta);
                }
            }
        } catch (IOException e) {
            throw StorageException.of("prepare the feature cache", dir, e);
        } finally {
            local.unlock();
        }
        return open(dir).orElseThrow(() -> new DataException(dir + ": the feature cache just written does not read back"));
    }

    /** Deletes what an interrupted preparation of {@code key} left (its temporary folders), and a damaged cache folder. */
    private static void removeStale(Path root, String key) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> CacheFiles.isLeftoverOf(p.getFileName().toString(), key)).forEach(stale::add);
        }
        if (Files.exists(root.resolve(key))) stale.add(root.resolve(key));
        for (Path p : stale) CacheFiles.deleteTree(p);
    }

    /** {@link #open(Path)} with mappings of at most {@code segmentBytes} (tests cross segment boundaries with small ones). */
    static Optional<FeatureCache> open(Path dir, long segmentBytes) {
        try {
            return Optional.of(CacheReader.read(dir, segmentBytes));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The committed cache in {@code dir}, its features mapped and labels read; empty when there is none, or when any
     * file does not match {@code meta.json} (a truncated or garbled cache is not trained on: prepare it again).
     */
    public static Optional<FeatureCache> open(Path dir) {
        return open(dir, MappedRows.MAX_SEGMENT_BYTES);
    }

    /** Why {@code dir} holds no usable cache, or empty when it does (for a log line). */
    public static Optional<String> problem(Path dir) {
        try {
            CacheReader.read(dir, MappedRows.MAX_SEGMENT_BYTES);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    /** A writer for a cache committed as {@code dir}, writing into a temporary folder beside it. */
    public static CacheWriter writer(Path dir) throws IOException {
        return new CacheWriter(dir);
    }
}
