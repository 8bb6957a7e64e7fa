package io.distill4j.data.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.data.DataException;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads a {@link Preprocessor} back from the entries an export carries, by the {@code kind} its
 * {@link Preprocessor#ENTRY} names. Each kind registers its reader here (one line).
 */
public final class Preprocessors {
    /** Builds a kind's preprocessor from its JSON and the other entries (a tokenizer file, a vocabulary). */
    @FunctionalInterface
    public interface Reader {
        Preprocessor read(JsonNode json, Map<String, byte[]> entries, String source);
    }

    private static final Map<String, Reader> BY_KIND = new TreeMap<>(Map.of(
            // registered kinds: one entry each
            io.distill4j.data.user.image.ImagePreprocessor.KIND, io.distill4j.data.user.image.ImagePreprocessor::read,
            io.distill4j.data.user.text.TextPreprocessor.KIND, io.distill4j.data.user.text.TextPreprocessor::fromEntries,
            "table", io.distill4j.data.user.table.TablePreprocessor::read
    ));

    private Preprocessors() {
    }

    /**
     * The preprocessing described by {@code entries} (entry name → bytes, as a model zip holds them), or empty when
     * there is no {@link Preprocessor#ENTRY} (a model exported before it existed).
     *
     * @param source the zip or folder the entries come from, for messages
     * @throws DataException when the entry is malformed, of a newer version, or of an unknown kind
     */
    public static Optional<Preprocessor> read(Map<String, byte[]> entries, String source) {
        byte[] bytes = entries.get(Preprocessor.ENTRY);
        if (bytes == null) return Optional.empty();
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new DataException(source + ": entry " + Preprocessor.ENTRY + " is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (json == null || !json.isObject()) throw new DataException(source + ": entry " + Preprocessor.ENTRY + " must be a JSON object");
        int version = json.path("version").asInt(-1);
        if (version < 1 || version > Preprocessor.FORMAT_VERSION) {
            throw new DataException(source + ": entry " + Preprocessor.ENTRY + " has version " + json.path("version")
                    + "; this Distill4J reads versions 1.." + Preprocessor.FORMAT_VERSION + (version > Preprocessor.FORMAT_VERSION
                    ? " (the model was exported by a newer Distill4J)" : ""));
        }
        String kind = json.path("kind").asText(null);
        Reader reader = kind == null ? null : BY_KIND.get(kind);
        if (reader == null) {
            throw new DataException(source + ": entry " + Preprocessor.ENTRY + " has kind " + json.path("kind")
                    + ", expected one of " + BY_KIND.keySet());
        }
        return Optional.of(reader.read(json, entries, source));
    }
}
