package io.distill4j.data.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A user's dataset parsed and preprocessed once into binary files, then read memory-mapped, so a dataset larger than the
 * heap trains. One folder per {@link #key}: per part ({@code train}, {@code validation}, {@code test}) a little-endian
 * float32 row file ({@code <part>.f32}) and an int32 label file ({@code <part>.i32}), and {@code meta.json}.
 * <p>
 * A cache is written by a {@link Writer} into a temporary folder beside the final one ({@code .<key>.tmp-<random>});
 * {@code meta.json} is written last, everything is fsynced, and the folder is renamed to its final name atomically.
 * A temporary folder is never read: an interrupted parse leaves only that, and the next {@link #prepare} deletes it
 * and parses again. {@link #prepare} holds a lock file ({@code <key>.lock} in the cache root) while writing, so a second
 * process preparing the same cache waits, then opens the committed one. A cache folder whose files do not match its
 * {@code meta.json} (truncated, garbled) is treated as absent, never trained on.
 */
public final class FeatureCache {
    /** Version of the layout; part of every key, so a new layout never reads an old cache. */
    public static final int FORMAT_VERSION = 1;
    static final String META = "meta.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Threads of this JVM preparing a key: a file lock excludes other processes, not other threads of the holder. */
    private static final Map<Path, ReentrantLock> PREPARING = new ConcurrentHashMap<>();

    private final Path dir;
    private final JsonNode meta;
    private final int width;
    private final int numClasses;
    private final Map<Part, LabeledSplit> parts;

    private FeatureCache(Path dir, JsonNode meta, int width, int numClasses, Map<Part, LabeledSplit> parts) {
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

    // ---------------------------------------------------------------- where, and under which key

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

    /**
     * SHA-256 hex over the cache format version, the sources' fingerprint ({@link #fingerprint}) and the preprocessing
     * settings as canonical JSON ({@link #canonicalJson}). Cheap: no source byte is read.
     */
    public static String key(List<Path> sources, Object settings) {
        MessageDigest md = Sha256.digest();
        md.update(("distill4j feature cache\nformat " + FORMAT_VERSION + "\n").getBytes(StandardCharsets.UTF_8));
        md.update(fingerprint(sources).getBytes(StandardCharsets.UTF_8));
        md.update(("settings " + canonicalJson(settings) + "\n").getBytes(StandardCharsets.UTF_8));
        return Sha256.hex(md);
    }

    /**
     * One line per file of every source, in order ({@code source <i>} first): its path relative to the source (a file's
     * own name; a folder's files sorted by relative path), size and last-modified time. A changed, added or removed file
     * changes it; reading 2 GB of CSV to find its cache is not needed.
     */
    public static String fingerprint(List<Path> sources) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sources.size(); i++) {
            Path source = sources.get(i);
            b.append("source ").append(i).append('\n');
            try {
                TreeMap<String, BasicFileAttributes> files = new TreeMap<>();
                if (Files.isDirectory(source)) {
                    try (Stream<Path> s = Files.walk(source)) {
                        for (Path f : (Iterable<Path>) s::iterator) {
                            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                            if (a.isRegularFile()) files.put(Sha256.relative(source, f), a);
                        }
                    }
                } else {
                    files.put(String.valueOf(source.getFileName()), Files.readAttributes(source, BasicFileAttributes.class));
                }
                files.forEach((rel, a) -> b.append(rel).append('\t').append(a.size()).append('\t')
                        .append(a.lastModifiedTime().toInstant()).append('\n'));
            } catch (NoSuchFileException e) {
                throw new DataException(source + ": no such file or folder");
            } catch (IOException e) {
                throw StorageException.of("read", source, e);
            }
        }
        return b.toString();
    }

    /** {@code settings} (a JsonNode, Map, record ... Jackson can convert) as JSON with every object's keys sorted. */
    public static String canonicalJson(Object settings) {
        try {
            return JSON.writeValueAsString(sorted(JSON.valueToTree(settings)));
        } catch (IOException e) {
            throw new IllegalArgumentException("settings are not JSON-able: " + e.getMessage(), e);
        }
    }

    private static JsonNode sorted(JsonNode n) {
        if (n == null) return JsonNodeFactory.instance.nullNode();
        if (n.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            n.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
            fields.forEach((k, v) -> out.set(k, sorted(v)));
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            n.forEach(v -> out.add(sorted(v)));
            return out;
        }
        return n;
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
        String key = key(sources, settings);
        Path dir = root.resolve(key);
        Optional<FeatureCache> done = open(dir);
        if (done.isPresent()) return done.get();
        ReentrantLock local = PREPARING.computeIfAbsent(dir.toAbsolutePath().normalize(), k -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(root);
            try (FileChannel lockFile = FileChannel.open(root.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                done = open(dir);   // another process may have committed it while this one waited
                if (done.isPresent()) return done.get();
                removeStale(root, key);
                ObjectNode meta = JSON.createObjectNode();
                meta.put("key", key);
                ArrayNode hashed = meta.putArray("sources");
                for (Path s : sources) {
                    hashed.addObject().put("name", String.valueOf(s.getFileName())).put("sha256", Sha256.ofTree(s));
                }
                meta.set("settings", sorted(JSON.valueToTree(settings)));
                try (Writer w = new Writer(dir)) {
                    Outcome o = work.write(w);
                    meta.set("extra", sorted(JSON.valueToTree(o.meta())));
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
            s.filter(p -> p.getFileName().toString().startsWith("." + key + ".")).forEach(stale::add);
        }
        if (Files.exists(root.resolve(key))) stale.add(root.resolve(key));
        for (Path p : stale) deleteTree(p);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }

    /** {@link #open(Path)} with mappings of at most {@code segmentBytes} (tests cross segment boundaries with small ones). */
    static Optional<FeatureCache> open(Path dir, long segmentBytes) {
        try {
            return Optional.of(read(dir, segmentBytes));
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
            read(dir, MappedRows.MAX_SEGMENT_BYTES);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    private static FeatureCache read(Path dir, long segmentBytes) throws IOException {
        JsonNode meta = JSON.readTree(dir.resolve(META).toFile());
        if (meta == null || !meta.isObject()) throw new IOException(dir.resolve(META) + ": not a JSON object");
        if (meta.path("format").asInt(-1) != FORMAT_VERSION) {
            throw new IOException(dir.resolve(META) + ": format " + meta.path("format") + ", expected " + FORMAT_VERSION);
        }
        int width = positive(meta, "width");
        int numClasses = positive(meta, "numClasses");
        Map<Part, LabeledSplit> parts = new EnumMap<>(Part.class);
        for (Part p : Part.values()) {
            JsonNode rowsNode = meta.path("rows").path(p.key());
            if (!rowsNode.canConvertToInt() || rowsNode.asInt() < 0) throw new IOException(dir.resolve(META) + ": no row count for " + p.key());
            int rows = rowsNode.asInt();
            int[] labels = readLabels(dir.resolve(p.key() + ".i32"), rows, numClasses);
            parts.put(p, new LabeledSplit(MappedRows.map(dir.resolve(p.key() + ".f32"), rows, width, segmentBytes), labels, numClasses));
        }
        return new FeatureCache(dir, meta, width, numClasses, parts);
    }

    private static int positive(JsonNode meta, String field) throws IOException {
        JsonNode n = meta.path(field);
        if (!n.canConvertToInt() || n.asInt() < 1) throw new IOException(META + ": " + field + " must be a positive integer, got " + n);
        return n.asInt();
    }

    private static int[] readLabels(Path file, int rows, int numClasses) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() != (long) rows * Integer.BYTES) {
                throw new IOException(file + ": " + ch.size() + " bytes, expected " + rows + " labels x 4");
            }
            ByteBuffer b = ByteBuffer.allocate(rows * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) throw new IOException(file + ": ended early");
            }
            b.flip();
            int[] labels = new int[rows];
            b.asIntBuffer().get(labels);
            for (int i = 0; i < rows; i++) {
                if (labels[i] < 0 || labels[i] >= numClasses) {
                    throw new IOException(file + ": label " + labels[i] + " at row " + i + " outside 0.." + (numClasses - 1));
                }
            }
            return labels;
        }
    }

    // ---------------------------------------------------------------- writing

    /** A writer for a cache committed as {@code dir}, writing into a temporary folder beside it. */
    public static Writer writer(Path dir) throws IOException {
        return new Writer(dir);
    }

    /**
     * Writes a cache: rows and labels per part into a temporary folder, then {@link #commit} writes {@code meta.json}
     * last and renames the folder into place. Closed without a commit (an exception, a stop), it deletes the temporary
     * folder; killed, it leaves one, which no reader trusts.
     */
    public static final class Writer implements FeatureSink, AutoCloseable {
        private static final int BUFFER = 1 << 20;
        private final Path dir;
        private final Path temp;
        private final Map<Part, FileChannel> rowFiles = new EnumMap<>(Part.class);
        private final Map<Part, FileChannel> labelFiles = new EnumMap<>(Part.class);
        private final Map<Part, ByteBuffer> rowBuffers = new EnumMap<>(Part.class);
        private final Map<Part, ByteBuffer> labelBuffers = new EnumMap<>(Part.class);
        private final Map<Part, Integer> counts = new EnumMap<>(Part.class);
        private int width = -1;
        private int maxLabel = -1;
        private boolean committed;

        Writer(Path dir) throws IOException {
            this.dir = dir;
            Path parent = dir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            this.temp = parent.resolve("." + dir.getFileName() + ".tmp-" + UUID.randomUUID());
            Files.createDirectory(temp);
        }

        /** The temporary folder being written (tests). */
        Path temp() {
            return temp;
        }

        @Override
        public void begin(int width) throws IOException {
            if (this.width >= 0) throw new IllegalStateException("begin was called already");
            if (width < 1) throw new IllegalArgumentException("width must be >= 1, got " + width);
            this.width = width;
            for (Part p : Part.values()) {
                rowFiles.put(p, FileChannel.open(temp.resolve(p.key() + ".f32"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
                labelFiles.put(p, FileChannel.open(temp.resolve(p.key() + ".i32"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
                rowBuffers.put(p, ByteBuffer.allocateDirect(Math.max(BUFFER, width * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN));
                labelBuffers.put(p, ByteBuffer.allocateDirect(BUFFER / 4).order(ByteOrder.LITTLE_ENDIAN));
                counts.put(p, 0);
            }
        }

        @Override
        public void add(Part part, float[] row, int label) throws IOException {
            if (width < 0) throw new IllegalStateException("begin(width) must come before the first row");
            if (committed) throw new IllegalStateException("the cache is committed");
            if (row.length != width) throw new IllegalArgumentException("a row of " + row.length + " features; expected " + width);
            if (label < 0) throw new IllegalArgumentException("label " + label + " is negative");
            int n = counts.get(part);
            if (n == Integer.MAX_VALUE) throw new DataException(part.key() + ": more than " + Integer.MAX_VALUE + " examples");
            ByteBuffer rb = rowBuffers.get(part);
            if (rb.remaining() < width * Float.BYTES) drain(rb, rowFiles.get(part));
            for (float v : row) rb.putFloat(v);
            ByteBuffer lb = labelBuffers.get(part);
            if (lb.remaining() < Integer.BYTES) drain(lb, labelFiles.get(part));
            lb.putInt(label);
            counts.put(part, n + 1);
            if (label > maxLabel) maxLabel = label;
        }

        private static void drain(ByteBuffer b, FileChannel ch) throws IOException {
            b.flip();
            while (b.hasRemaining()) ch.write(b);
            b.clear();
        }

        /**
         * Flushes and fsyncs every file, writes {@code meta.json} (format, width, rows per part, numClasses, and
         * {@code meta}'s fields when it is an object, else under {@code "meta"}) last, and renames the folder into place.
         */
        public void commit(int numClasses, Object meta) throws IOException {
            if (committed) throw new IllegalStateException("committed already");
            if (width < 0) throw new IllegalStateException("nothing was begun");
            if (numClasses < 1 || maxLabel >= numClasses) {
                throw new IllegalArgumentException("numClasses " + numClasses + " does not cover label " + maxLabel);
            }
            for (Part p : Part.values()) {
                finish(rowBuffers.get(p), rowFiles.get(p));
                finish(labelBuffers.get(p), labelFiles.get(p));
            }
            ObjectNode m = JSON.createObjectNode();
            m.put("format", FORMAT_VERSION);
            m.put("width", width);
            ObjectNode rows = m.putObject("rows");
            for (Part p : Part.values()) rows.put(p.key(), counts.get(p));
            m.put("numClasses", numClasses);
            m.put("byteOrder", "little-endian");
            JsonNode extra = meta == null ? null : JSON.valueToTree(meta);
            if (extra != null && extra.isObject()) {
                extra.fields().forEachRemaining(e -> {
                    if (!m.has(e.getKey())) m.set(e.getKey(), e.getValue());
                });
            } else if (extra != null && !extra.isNull()) {
                m.set("meta", extra);
            }
            try (FileChannel ch = FileChannel.open(temp.resolve(META), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            syncFolder(temp);
            if (Files.exists(dir)) {
                // a damaged cache in the way: moved aside (one rename), then deleted
                Path aside = dir.resolveSibling("." + dir.getFileName() + ".old-" + UUID.randomUUID());
                Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(aside);
            }
            Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
            syncFolder(dir.toAbsolutePath().getParent());
            committed = true;
        }

        private static void finish(ByteBuffer b, FileChannel ch) throws IOException {
            drain(b, ch);
            ch.force(true);
            ch.close();
        }

        /** Without a commit: closes the files and deletes the temporary folder. */
        @Override
        public void close() throws IOException {
            if (committed) return;
            for (FileChannel ch : rowFiles.values()) ch.close();
            for (FileChannel ch : labelFiles.values()) ch.close();
            deleteTree(temp);
        }
    }

    /** fsync of a folder, so a rename in it is durable; not every OS can open a folder for that, which is then skipped. */
    private static void syncFolder(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory: the rename is as durable as that OS makes it
        }
    }
}
