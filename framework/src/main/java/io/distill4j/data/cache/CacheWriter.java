package io.distill4j.data.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.data.DataException;
import io.distill4j.data.user.FeatureSink;
import io.distill4j.data.user.Part;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;

/**
 * Writes a cache: rows and labels per part into a temporary folder, then {@link #commit} writes {@code meta.json}
 * last and renames the folder into place. Closed without a commit (an exception, a stop), it deletes the temporary
 * folder; killed, it leaves one, which no reader trusts. Obtained from {@link FeatureCache#writer}.
 */
public final class CacheWriter implements FeatureSink, AutoCloseable {
    /** Rows are buffered per part and written in 1 MB blocks: a write call per row would dominate a parse. */
    private static final int BUFFER = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

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

    CacheWriter(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.toAbsolutePath().getParent());
        this.temp = CacheFiles.temporaryFolder(dir);
        Files.createDirectory(temp);
    }

    @Override
    public void begin(int width) throws IOException {
        if (this.width >= 0) throw new IllegalStateException("begin was called already");
        if (width < 1) throw new IllegalArgumentException("width must be >= 1, got " + width);
        this.width = width;
        for (Part p : Part.values()) {
            rowFiles.put(p, FileChannel.open(CacheFiles.rows(temp, p), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            labelFiles.put(p, FileChannel.open(CacheFiles.labels(temp, p), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
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
     * {@code meta.json} comes last because its presence is what makes a folder a cache.
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
        writeMeta(metaJson(numClasses, meta));
        CacheFiles.syncFolder(temp);
        if (Files.exists(dir)) {
            // a damaged cache in the way: moved aside (one rename), then deleted
            Path aside = CacheFiles.asideFolder(dir);
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
            CacheFiles.deleteTree(aside);
        }
        Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
        CacheFiles.syncFolder(dir.toAbsolutePath().getParent());
        committed = true;
    }

    /** The layout's own fields first; a caller's field of the same name does not replace one. */
    private ObjectNode metaJson(int numClasses, Object meta) {
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FeatureCache.FORMAT_VERSION);
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
        return m;
    }

    private void writeMeta(ObjectNode m) throws IOException {
        try (FileChannel ch = FileChannel.open(temp.resolve(CacheFiles.META), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
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
        CacheFiles.deleteTree(temp);
    }
}
