package io.distill4j.report;

/** One row of the run report. {@code learnsFrom} is a publisher's name or {@code labels}. */
public record ModelSummary(String name, String role, String family, long params, String learnsFrom,
                           double testAccuracy, double testLoss) {
}
