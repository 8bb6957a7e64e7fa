package io.distill4j.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.runtime.AtomicFiles;
import io.distill4j.runtime.StorageException;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.RunListener;
import io.distill4j.train.StepRecord;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Appends one JSON object per line to {@code metrics.jsonl}: {@code type=step} every {@code logEvery} steps
 * (losses of the models that stepped) and {@code type=eval} for every evaluation.
 */
public final class MetricsLog implements RunListener, AutoCloseable {
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
        MetricsHistory kept = MetricsHistory.read(file, step);
        StringBuilder text = new StringBuilder();
        for (String line : kept.lines()) text.append(line).append('\n');
        AtomicFiles.writeString(file, text.toString());
        return kept.evaluations();
    }

    /** A fresh run announces its models, so a report can be drawn while it is still training. */
    @Override
    public void onStart(OnlineTrainer trainer) {
        if (trainer.step() != 0) return;
        ObjectNode line = json.createObjectNode().put("type", "start").put("step", 0).put("totalSteps", trainer.totalSteps());
        com.fasterxml.jackson.databind.node.ArrayNode models = line.putArray("models");
        for (io.distill4j.train.Participant p : trainer.participants()) {
            models.addObject().put("name", p.name()).put("role", p.role().id()).put("family", p.spec().family())
                    .put("params", p.parameterCount()).put("learnsFrom", p.source() == null ? "labels" : p.source());
            if (p.role() == io.distill4j.train.Role.TWIN) ((ObjectNode) models.get(models.size() - 1)).put("twinOf", p.identity());
        }
        write(line);
    }

    @Override
    public void onStep(OnlineTrainer trainer, StepRecord r) {
        if (r.step() % logEvery != 0 && r.step() != r.totalSteps()) return;
        ObjectNode line = json.createObjectNode().put("type", "step").put("step", r.step()).put("epoch", r.epoch())
                .put("burnIn", r.burnIn()).put("published", r.published());
        ObjectNode losses = line.putObject("loss");
        r.losses().forEach(losses::put);
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
