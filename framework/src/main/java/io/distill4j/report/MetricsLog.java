package io.distill4j.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.runtime.AtomicFiles;
import io.distill4j.runtime.StorageException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Appends one JSON object per line to {@code metrics.jsonl}: {@code type=start} with the models of a fresh run,
 * {@code type=step} every {@code logEvery} steps (losses of the models that stepped) and {@code type=eval} for every
 * evaluation. The loop's listener that feeds it lives with the loop's other listeners.
 */
public final class MetricsLog implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final BufferedWriter out;
    private final int logEvery;
    private final Path file;

    public MetricsLog(Path file, int logEvery) {
        this.logEvery = logEvery;
        this.file = file;
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw StorageException.of("open", file, e);
        }
    }

    /**
     * Drops every line of {@code file} logged after {@code step} (resume continues from a checkpoint at that
     * step, so those lines will be logged again), and lines that cannot be read, and returns the evaluations kept,
     * oldest first. The file is replaced whole or not at all.
     */
    public static List<EvaluationRecord> truncateAfter(Path file, long step) {
        return truncateAfter(file, step, false);
    }

    /**
     * As {@link #truncateAfter(Path, long)}; {@code dropEvaluationAtStep}: also drops the evaluation of step {@code step}
     * itself (a resume from the final checkpoint evaluates the last step again).
     */
    public static List<EvaluationRecord> truncateAfter(Path file, long step, boolean dropEvaluationAtStep) {
        MetricsHistory kept = MetricsHistory.read(file, step);
        StringBuilder text = new StringBuilder();
        List<EvaluationRecord> evaluations = new java.util.ArrayList<>(kept.evaluations());
        if (dropEvaluationAtStep) evaluations.removeIf(e -> e.step() == step);
        for (String line : kept.lines()) {
            if (dropEvaluationAtStep && isEvaluationOf(line, step)) continue;
            text.append(line).append('\n');
        }
        AtomicFiles.writeString(file, text.toString());
        return evaluations;
    }

    private static boolean isEvaluationOf(String line, long step) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
            return "eval".equals(node.path("type").asText()) && node.path("step").asLong(-1) == step;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** One model of the run as the start line lists it ({@code twinOf}: the student a twin mirrors, else null). */
    public record Model(String name, String role, String family, long params, String learnsFrom, String twinOf) {
    }

    /** A fresh run announces its models, so a report can be drawn while it is still training. */
    public void start(long totalSteps, List<Model> models) {
        ObjectNode line = json.createObjectNode().put("type", "start").put("step", 0).put("totalSteps", totalSteps);
        com.fasterxml.jackson.databind.node.ArrayNode list = line.putArray("models");
        for (Model m : models) {
            ObjectNode node = list.addObject().put("name", m.name()).put("role", m.role()).put("family", m.family())
                    .put("params", m.params()).put("learnsFrom", m.learnsFrom());
            if (m.twinOf() != null) node.put("twinOf", m.twinOf());
        }
        write(line);
    }

    /** The losses of step {@code step} (the models that stepped, in step order), if it is one to log. */
    public void step(long step, long totalSteps, int epoch, boolean burnIn, boolean published, Map<String, Double> losses) {
        step(step, totalSteps, epoch, burnIn, published, losses, Map.of());
    }

    /** A step line; {@code terms}: per model that tracks them, each loss term's unweighted value ({@code "terms"}). */
    public void step(long step, long totalSteps, int epoch, boolean burnIn, boolean published, Map<String, Double> losses,
                     Map<String, Map<String, Double>> terms) {
        if (step % logEvery != 0 && step != totalSteps) return;
        ObjectNode line = json.createObjectNode().put("type", "step").put("step", step).put("epoch", epoch)
                .put("burnIn", burnIn).put("published", published);
        ObjectNode node = line.putObject("loss");
        losses.forEach(node::put);
        if (!terms.isEmpty()) {
            ObjectNode t = line.putObject("terms");
            terms.forEach((model, values) -> {
                ObjectNode m = t.putObject(model);
                values.forEach(m::put);
            });
        }
        write(line);
    }

    public void onEvaluation(EvaluationRecord record) {
        ObjectNode line = json.createObjectNode().put("type", "eval").put("split", "validation").put("step", record.step());
        ObjectNode models = line.putObject("models");
        for (Map.Entry<String, ModelEvaluation> e : record.models().entrySet()) {
            ObjectNode m = models.putObject(e.getKey()).put("accuracy", e.getValue().accuracy()).put("loss", e.getValue().loss())
                    .put("examples", e.getValue().examples()).put("macroF1", e.getValue().macroF1());
            if (e.getValue().agreement() != null) m.put("agreement", e.getValue().agreement());
        }
        write(line);
    }

    private void write(ObjectNode line) {
        try {
            out.write(json.writeValueAsString(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw StorageException.of("append to", file, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw StorageException.of("close", file, e);
        }
    }
}
