package io.distill4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code metrics.jsonl} says about a run: its models, planned steps, evaluations and the last logged step. */
public record MetricsHistory(List<ModelInfo> models, long totalSteps, List<EvaluationRecord> evaluations, long lastStep,
                             List<String> lines) {
    /** A model as announced by the {@code start} line. */
    public record ModelInfo(String name, String role, String family, long params, String learnsFrom, String twinOf) {
    }

    /** Reads the lines at or before {@code maxStep}; a line cut short by a kill is skipped. */
    public static MetricsHistory read(Path file, long maxStep) {
        ObjectMapper json = new ObjectMapper();
        List<ModelInfo> models = new ArrayList<>();
        List<EvaluationRecord> evaluations = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        long totalSteps = 0;
        long lastStep = 0;
        if (!Files.exists(file)) return new MetricsHistory(models, 0, evaluations, 0, kept);
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode node;
                try {
                    node = json.readTree(line);
                } catch (IOException e) {
                    continue;
                }
                if (node == null || !node.has("step") || node.get("step").asLong() > maxStep) continue;
                kept.add(line);
                lastStep = Math.max(lastStep, node.get("step").asLong());
                switch (node.path("type").asText()) {
                    case "start" -> {
                        totalSteps = node.path("totalSteps").asLong();
                        models.clear();
                        for (JsonNode m : node.path("models")) {
                            models.add(new ModelInfo(m.get("name").asText(), m.get("role").asText(), m.get("family").asText(),
                                    m.get("params").asLong(), m.get("learnsFrom").asText(),
                                    m.hasNonNull("twinOf") ? m.get("twinOf").asText() : null));
                        }
                    }
                    case "eval" -> evaluations.add(evaluation(node));
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new MetricsHistory(models, totalSteps, evaluations, lastStep, kept);
    }

    private static EvaluationRecord evaluation(JsonNode node) {
        Map<String, ModelEvaluation> models = new LinkedHashMap<>();
        node.get("models").fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            models.put(e.getKey(), new ModelEvaluation(v.get("accuracy").asDouble(), v.get("loss").asDouble(),
                    v.path("examples").asLong(), v.path("macroF1").asDouble(), v.has("agreement") ? v.get("agreement").asDouble() : null,
                    null, null));
        });
        return new EvaluationRecord(node.get("step").asLong(), models);
    }
}
