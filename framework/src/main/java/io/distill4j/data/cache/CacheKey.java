package io.distill4j.data.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.data.DataException;
import io.distill4j.runtime.Sha256;
import io.distill4j.runtime.StorageException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The name of a cache folder: which sources, read with which settings, in which layout. Computed from file metadata
 * only, so finding the cache of 2 GB of CSV reads none of it; the bytes are hashed once, while preparing.
 */
public final class CacheKey {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CacheKey() {
    }

    /**
     * SHA-256 hex over the cache format version ({@link FeatureCache#FORMAT_VERSION}), the sources'
     * {@link #fingerprint} and the preprocessing settings as {@link #canonicalJson}. Cheap: no source byte is read.
     */
    public static String of(List<Path> sources, Object settings) {
        MessageDigest md = Sha256.digest();
        md.update(("distill4j feature cache\nformat " + FeatureCache.FORMAT_VERSION + "\n").getBytes(StandardCharsets.UTF_8));
        md.update(fingerprint(sources).getBytes(StandardCharsets.UTF_8));
        md.update(("settings " + canonicalJson(settings) + "\n").getBytes(StandardCharsets.UTF_8));
        return Sha256.hex(md);
    }

    /**
     * One line per file of every source, in order ({@code source <i>} first): its path relative to the source (a file's
     * own name; a folder's files sorted by relative path), size and last-modified time. A changed, added or removed file
     * changes it.
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

    /**
     * {@code settings} (a JsonNode, Map, record ... Jackson can convert) as JSON with every object's keys sorted, so
     * settings built in a different order name the same cache.
     */
    public static String canonicalJson(Object settings) {
        try {
            return JSON.writeValueAsString(sortedTree(settings));
        } catch (IOException e) {
            throw new IllegalArgumentException("settings are not JSON-able: " + e.getMessage(), e);
        }
    }

    /** {@code value} as a JSON tree with every object's keys sorted (what {@code meta.json} keeps of the settings). */
    static JsonNode sortedTree(Object value) {
        return sorted(JSON.valueToTree(value));
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
}
