package io.distill4j.report;

import java.util.List;

/** A model's learning curve: test accuracy and loss at each evaluated step. */
public record Curve(String model, List<Long> steps, List<Double> accuracy, List<Double> loss) {
}
