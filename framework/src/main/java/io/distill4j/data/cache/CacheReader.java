package io.distill4j.data.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.data.LabeledSplit;
import io.distill4j.data.user.Part;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;

import static io.distill4j.data.cache.CacheFiles.META;

/**
 * Reads a committed cache and checks every file against {@code meta.json}: format, sizes, label range. Any mismatch
 * throws with the reason, which {@link FeatureCache#open} turns into "no cache" (prepare it again) and
 * {@link FeatureCache#problem} into a log line; a truncated or garbled cache is never trained on.
 */
final class CacheReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CacheReader() {
    }

    static FeatureCache read(Path dir, long segmentBytes) throws IOException {
        JsonNode meta = JSON.readTree(dir.resolve(META).toFile());
        if (meta == null || !meta.isObject()) throw new IOException(dir.resolve(META) + ": not a JSON object");
        if (meta.path("format").asInt(-1) != FeatureCache.FORMAT_VERSION) {
            throw new IOException(dir.resolve(META) + ": format " + meta.path("format") + ", expected " + FeatureCache.FORMAT_VERSION);
        }
        int width = positive(meta, "width");
        int numClasses = positive(meta, "numClasses");
        Map<Part, LabeledSplit> parts = new EnumMap<>(Part.class);
        for (Part p : Part.values()) {
            JsonNode rowsNode = meta.path("rows").path(p.key());
            if (!rowsNode.canConvertToInt() || rowsNode.asInt() < 0) throw new IOException(dir.resolve(META) + ": no row count for " + p.key());
            int rows = rowsNode.asInt();
            int[] labels = readLabels(CacheFiles.labels(dir, p), rows, numClasses);
            parts.put(p, new LabeledSplit(MappedRows.map(CacheFiles.rows(dir, p), rows, width, segmentBytes), labels, numClasses));
        }
        return new FeatureCache(dir, meta, width, numClasses, parts);
    }

    private static int positive(JsonNode meta, String field) throws IOException {
        JsonNode n = meta.path(field);
        if (!n.canConvertToInt() || n.asInt() < 1) throw new IOException(META + ": " + field + " must be a positive integer, got " + n);
        return n.asInt();
    }

    /** Labels are read onto the heap, not mapped: 4 bytes a row, and every one is range-checked on the way in. */
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
}
