package io.distill4j.report;

/** A model's figures on the test split: top-1 accuracy and mean cross-entropy. */
public record ModelEvaluation(double accuracy, double loss, long examples) {
}
