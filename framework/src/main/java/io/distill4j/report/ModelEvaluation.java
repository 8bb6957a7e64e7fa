package io.distill4j.report;

/**
 * A model's figures on the test split. {@code agreement} is the share of test examples where its top-1 class
 * equals the teacher's (null for the teacher itself, or when the run has no teacher). {@code confusion[true][predicted]}.
 */
public record ModelEvaluation(double accuracy, double loss, long examples, double macroF1, Double agreement,
                              double[] perClassAccuracy, long[][] confusion) {
}
