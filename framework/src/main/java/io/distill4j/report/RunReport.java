package io.distill4j.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of a run (schema documented in docs/report-schema.md): every model's figures at the last
 * evaluation, what distillation bought each student over its scratch twin ({@code gains}), the learning curves (on
 * the validation split), and how the run was made. {@code status} is {@code complete} or {@code in-progress}
 * (rendered from the latest evaluation of a run still training or stopped). {@code classes} names the classes in
 * class-index order (the rows and columns of every confusion matrix); null in a report of schema 3, which knew them
 * by index only ({@link #classNames()} then gives "0".."k-1").
 */
public record RunReport(int schemaVersion, String run, String dataset,
                        // absent rather than null: a schema-3 report read and written back stays a valid schema-3 file
                        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                        List<String> classes, String status, long steps, long totalSteps, double trainingSeconds,
                        List<ModelSummary> models, List<StudentGain> gains, List<Curve> curves, Provenance provenance) {
    /** 4 added {@code classes}. */
    public static final int SCHEMA_VERSION = 4;
    /** The oldest schema version {@link RunReports#read} still reads (without {@code classes}). */
    public static final int OLDEST_READABLE_VERSION = 3;

    public RunReport {
        if (gains == null) gains = List.of();
        if (classes != null) classes = List.copyOf(classes);
    }

    /**
     * The names of the classes in class-index order: {@link #classes()}, or "0".."k-1" for a report without them (schema
     * 3), k being the size of the models' per-class figures (empty when no model has any).
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public List<String> classNames() {
        if (classes != null) return classes;
        int k = 0;
        for (ModelSummary m : models) {
            for (ModelEvaluation e : java.util.Arrays.asList(m.test(), m.validation())) {
                if (e == null) continue;
                if (e.perClassAccuracy() != null) k = Math.max(k, e.perClassAccuracy().length);
                if (e.confusion() != null) k = Math.max(k, e.confusion().length);
            }
        }
        return io.distill4j.data.DatasetInfo.defaultClassNames(k);
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
