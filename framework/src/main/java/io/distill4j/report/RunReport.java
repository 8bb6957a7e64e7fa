package io.distill4j.report;

import java.util.List;

/** The report of a finished run: every model's final figures and how the run was made. */
public record RunReport(int schemaVersion, String run, String dataset, long steps, double wallSeconds,
                        List<ModelSummary> models, Provenance provenance) {
    public static final int SCHEMA_VERSION = 1;
}
