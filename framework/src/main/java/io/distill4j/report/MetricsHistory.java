package io.distill4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.runtime.StorageException;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code metrics.jsonl} says about a run: its models, planned steps, evaluations and the last logged step, the
 * lines kept, and how many lines could not be read ({@code skippedLines}).
 */
public record MetricsHistory(List<ModelInfo> models, long totalSteps, List<EvaluationRecord> evaluations, long lastStep,
                             List<String> lines, int skippedLines) {
    /** A model as announced by the {@code start} line. */
    public record ModelInfo(String name, String role, String family, long params, String learnsFrom, String twinOf) {
    }

    /**
     * Reads the lines at or before {@code maxStep}. A line that cannot be read (cut short by a kill, not UTF-8, not
     * JSON, or without the figures its type needs) is skipped and counted: one bad line must not block report or resume.
     */
    public static MetricsHistory read(Path file, long maxStep) {
        if (!Files.exists(file)) return new MetricsHistory(List.of(), 0, List.of(), 0, List.of(), 0);
        Utf8Lines text;
        try {
            text = Utf8Lines.read(file);
        } catch (IOException e) {
            throw StorageException.of("read", file, e);
        }
        ObjectMapper json = new ObjectMapper();
        List<ModelInfo> models = new ArrayList<>();
        List<EvaluationRecord> evaluations = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        long totalSteps = 0;
        long lastStep = 0;
        int skipped = text.undecodable();
        for (String line : text.lines()) {
            if (line.isBlank()) continue;
            try {
                JsonNode node = json.readTree(line);
                long step = integer(node, "step");
                if (step > maxStep) continue;
                switch (node.path("type").asText()) {
                    case "start" -> {
                        models = startModels(node);
                        totalSteps = integer(node, "totalSteps");
                    }
                    case "eval" -> evaluations.add(evaluation(node, step));
                    default -> { }
                }
                kept.add(line);
                lastStep = Math.max(lastStep, step);
            } catch (IOException | UnreadableLine e) {
                skipped++;
            }
        }
        if (skipped > 0) {
            LoggerFactory.getLogger(MetricsHistory.class).warn("{}: skipped {} line(s) that are not UTF-8 JSON with the expected fields",
                    file, skipped);
        }
        return new MetricsHistory(models, totalSteps, evaluations, lastStep, kept, skipped);
    }

    private static List<ModelInfo> startModels(JsonNode node) {
        List<ModelInfo> models = new ArrayList<>();
        for (JsonNode m : field(node, "models")) {
            long params = integer(m, "params");
            if (params <= 0) throw new UnreadableLine();
            models.add(new ModelInfo(text(m, "name"), text(m, "role"), text(m, "family"), params, text(m, "learnsFrom"),
                    m.hasNonNull("twinOf") ? text(m, "twinOf") : null));
        }
        return models;
    }

    private static EvaluationRecord evaluation(JsonNode node, long step) {
        Map<String, ModelEvaluation> models = new LinkedHashMap<>();
        JsonNode all = field(node, "models");
        if (!all.isObject()) throw new UnreadableLine();
        all.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            models.put(e.getKey(), new ModelEvaluation(number(v, "accuracy", 0, 1), number(v, "loss", 0, Double.MAX_VALUE),
                    v.path("examples").asLong(), v.path("macroF1").asDouble(), v.hasNonNull("agreement") ? number(v, "agreement", 0, 1) : null,
                    null, null));
        });
        return new EvaluationRecord(step, models);
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        if (v == null || v.isNull()) throw new UnreadableLine();
        return v;
    }

    private static long integer(JsonNode node, String name) {
        JsonNode v = field(node, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw new UnreadableLine();
        return v.asLong();
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = field(node, name);
        if (!v.isTextual()) throw new UnreadableLine();
        return v.asText();
    }

    private static double number(JsonNode node, String name, double min, double max) {
        JsonNode v = field(node, name);
        if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) throw new UnreadableLine();
        return v.asDouble();
    }

    /** A line that parses but lacks what its type needs; thrown often enough on a damaged file to skip the stack trace. */
    private static final class UnreadableLine extends RuntimeException {
        UnreadableLine() {
            super(null, null, false, false);
        }
    }
}
