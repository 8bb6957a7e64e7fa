package io.distill4j.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of a run (schema documented in docs/report-schema.md): every model's figures at the last
 * evaluation, what distillation bought each student over its scratch twin ({@code gains}), the learning curves (on
 * the validation split), and how the run was made. {@code status} is {@code complete} or {@code in-progress}
 * (rendered from the latest evaluation of a run still training or stopped).
 */
public record RunReport(int schemaVersion, String run, String dataset, String status, long steps, long totalSteps,
                        double trainingSeconds, List<ModelSummary> models, List<StudentGain> gains, List<Curve> curves,
                        Provenance provenance) {
    public static final int SCHEMA_VERSION = 3;

    public RunReport {
        if (gains == null) gains = List.of();
    }

    /** Which split the figures of {@link ModelSummary#figures()} come from: {@code test}, or {@code validation} in progress. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String evaluatedOn() {
        return models.stream().allMatch(m -> m.test() != null) ? "test" : "validation";
    }
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
