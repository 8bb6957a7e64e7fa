package io.distill4j.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.report.ReportException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code study.json} as defensively as {@code --seeds} is parsed: the file is bounded in size, every field is
 * checked for its type, and the seeds must be distinct non-negative integers, at most {@value StudyDefinition#MAX_SEEDS} of them. A
 * hand-edited or damaged definition is one line naming the file and the field (exit 8), never a run of a seed
 * {@code -1} or a "1 of 2 seeds" study of seeds [1, 1].
 */
final class StudyDefinitionReader {
    /** A definition is a few hundred bytes; a command line with many --set values a few KiB. */
    static final int MAX_BYTES = 1 << 20;
    static final int MAX_OVERRIDES = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private StudyDefinitionReader() {
    }

    static StudyDefinition read(Path file) {
        JsonNode root = parse(file);
        if (!root.isObject()) throw bad(file, "", "expected a JSON object", root);
        JsonNode version = root.get("schemaVersion");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt() || version.asInt() != StudyDefinition.SCHEMA_VERSION) {
            throw bad(file, "schemaVersion", "expected " + StudyDefinition.SCHEMA_VERSION, version);
        }
        List<Long> seeds = seeds(file, root.get("seeds"));
        String config = text(file, root, "config", true);
        String name = text(file, root, "name", true);
        List<String> overrides = texts(file, root, "overrides");
        String created = text(file, root, "created", false);
        List<String> commandLine = texts(file, root, "commandLine");
        return new StudyDefinition(StudyDefinition.SCHEMA_VERSION, name, config, overrides, seeds, created, commandLine);
    }

    private static JsonNode parse(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ReportException(file + " is not a study definition: " + Files.size(file) + " bytes, more than the "
                        + MAX_BYTES + " a study.json can hold");
            }
            try (InputStream in = Files.newInputStream(file)) {
                JsonNode tree = JSON.readTree(in);
                if (tree == null || tree.isMissingNode()) throw new ReportException(file + " is not a readable study definition (empty)");
                return tree;
            }
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new ReportException(file + " is not a readable study definition (" + why + ")");
        }
    }

    private static List<Long> seeds(Path file, JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) throw bad(file, "seeds", "expected a non-empty list of seeds", node);
        if (node.size() > StudyDefinition.MAX_SEEDS) throw bad(file, "seeds", "at most " + StudyDefinition.MAX_SEEDS + " seeds, got " + node.size(), null);
        Set<Long> seen = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode s = node.get(i);
            if (!s.isIntegralNumber() || !s.canConvertToLong() || s.asLong() < 0) {
                throw bad(file, "seeds[" + i + "]", "expected a non-negative integer", s);
            }
            if (!seen.add(s.asLong())) throw bad(file, "seeds[" + i + "]", "seed " + s.asLong() + " is listed twice", null);
        }
        return new ArrayList<>(seen);
    }

    private static String text(Path file, JsonNode root, String key, boolean required) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            if (required) throw bad(file, key, "expected a non-empty string", v);
            return null;
        }
        if (!v.isTextual() || (required && v.asText().isBlank())) throw bad(file, key, "expected a non-empty string", v);
        return v.asText();
    }

    private static List<String> texts(Path file, JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray() || v.size() > MAX_OVERRIDES) throw bad(file, key, "expected a list of at most " + MAX_OVERRIDES + " strings", v);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) throw bad(file, key + "[" + i + "]", "expected a string", v.get(i));
            out.add(v.get(i).asText());
        }
        return out;
    }

    private static ReportException bad(Path file, String key, String expected, JsonNode got) {
        String shown = got == null ? "" : ", got " + shown(got);
        return new ReportException(file + ": " + (key.isEmpty() ? "" : key + ": ") + expected + shown);
    }

    /** A value as the message shows it: JSON, cut short, one line (a hand-edited value may hold anything). */
    private static String shown(JsonNode v) {
        String s = v.toString().replaceAll("\\p{Cntrl}", "?");
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
