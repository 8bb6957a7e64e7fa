package io.distill4j.study;

import io.distill4j.study.SeedStatistics.Summary;

import java.util.List;

/**
 * The aggregate of a study ({@code study-report.json}, documented in docs/report-schema.md): every model's test
 * accuracy over the completed seeds, and each student's paired gain over its scratch twin on the test and
 * validation splits. Gains are in percentage points, accuracies fractions; {@code missingSeeds} were planned but
 * have no finished report (failed, interrupted or not started); {@code excludedSeeds} have one but are left out of the
 * statistics (their report is unreadable, or their run is not the study's config with that seed, or ran on other data).
 */
public record StudyReport(int schemaVersion, String study, String dataset, List<Long> seeds, List<Long> completedSeeds,
                          List<Long> missingSeeds, List<ModelStats> models, List<GainStats> gains, List<Excluded> excludedSeeds) {
    public static final int SCHEMA_VERSION = 1;

    public StudyReport {
        excludedSeeds = excludedSeeds == null ? List.of() : List.copyOf(excludedSeeds);
    }

    /** A seed with a report that the aggregate leaves out, and why (one line). */
    public record Excluded(long seed, String reason) {
    }

    /** One model's test accuracy over the seeds that have it ({@code seeds} lists them, aligned with the values). */
    public record ModelStats(String name, String role, String twinOf, List<Long> seeds, Summary accuracy) {
    }

    /**
     * One student against its twin: the per-seed gain (student − twin, pp) with its statistics, {@code wins} the seeds
     * where the gain is positive, and the same on the validation split (null values where a seed held none out).
     */
    public record GainStats(String student, String twin, List<Long> seeds, Summary gainPp, int wins, Summary validationGainPp) {
    }
}
