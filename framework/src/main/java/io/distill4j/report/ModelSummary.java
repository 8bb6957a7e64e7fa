package io.distill4j.report;

/**
 * One model in the report. {@code learnsFrom} is a publisher's name or {@code labels}; compression is the
 * teacher's size divided by this model's (params and exported bytes; null without a teacher);
 * {@code inference} is null for a report of a run still in progress.
 */
public record ModelSummary(String name, String role, String family, long params, String learnsFrom, Long exportBytes,
                           Double compressionParams, Double compressionBytes, ModelEvaluation test, InferenceCost inference) {
}
