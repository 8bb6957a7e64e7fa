package io.distill4j.report;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One model in the report. {@code learnsFrom} is a publisher's name or {@code labels}; compression is the
 * teacher's size divided by this model's (params and exported bytes; null without a teacher);
 * {@code test} holds the final figures on the test split (null for a report of a run still in progress),
 * {@code validation} those of the last evaluation on the held-out validation split (null when none is held out);
 * {@code twinOf} names the student a scratch twin mirrors (null for every other model);
 * {@code inference} is null for a report of a run still in progress.
 */
public record ModelSummary(String name, String role, String family, long params, String learnsFrom, Long exportBytes,
                           Double compressionParams, Double compressionBytes, ModelEvaluation test,
                           ModelEvaluation validation, String twinOf, InferenceCost inference) {
    /** The figures to show: the test split's once the run is complete, the validation split's before. */
    @JsonIgnore
    public ModelEvaluation figures() {
        return test != null ? test : validation;
    }
}
