package io.distill4j.config;

/** An optimizer by registered name ({@code adam}, {@code sgd}, {@code nesterovs}, {@code rmsprop}) and its learning rate. */
public record OptimizerSpec(String name, Double learningRate) {
    public OptimizerSpec {
        if (name == null) name = "adam";
        if (learningRate == null) learningRate = 1e-3;
    }
}
