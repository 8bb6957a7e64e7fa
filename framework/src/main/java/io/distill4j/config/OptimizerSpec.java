package io.distill4j.config;

import java.util.List;

/**
 * An optimizer by registered name ({@code adam}, {@code sgd}, {@code nesterovs}, {@code rmsprop}), its learning rate,
 * and the learning-rate {@code schedule}: {@code constant}, or {@code linear}, which decays it to zero over the run's
 * steps (counted by the model's own updates), so every model ends at a settled point rather than wherever the last
 * noisy constant-rate step left it.
 */
public record OptimizerSpec(String name, Double learningRate, String schedule) {
    public static final String CONSTANT = "constant";
    public static final String LINEAR = "linear";
    public static final List<String> SCHEDULES = List.of(CONSTANT, LINEAR);

    public OptimizerSpec {
        if (name == null) name = "adam";
        if (learningRate == null) learningRate = 1e-3;
        if (schedule == null) schedule = CONSTANT;
    }
}
