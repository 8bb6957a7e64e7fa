package io.distill4j.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of a run (schema documented in docs/report-schema.md): every model's figures at the last
 * evaluation, the learning curves, and how the run was made. {@code status} is {@code complete} or
 * {@code in-progress} (rendered from the latest evaluation of a run still training or stopped).
 */
public record RunReport(int schemaVersion, String run, String dataset, String status, long steps, long totalSteps,
                        double trainingSeconds, List<ModelSummary> models, List<Curve> curves, Provenance provenance) {
    public static final int SCHEMA_VERSION = 2;
    public static final String COMPLETE = "complete";
    public static final String IN_PROGRESS = "in-progress";

    /** Learning curves from an evaluation history. */
    public static List<Curve> curves(List<EvaluationRecord> history) {
        Map<String, Curve> byModel = new LinkedHashMap<>();
        for (EvaluationRecord r : history) {
            r.models().forEach((name, e) -> {
                Curve c = byModel.computeIfAbsent(name, n -> new Curve(n, new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
                c.steps().add(r.step());
                c.accuracy().add(e.accuracy());
                c.loss().add(e.loss());
            });
        }
        return new ArrayList<>(byModel.values());
    }
}
