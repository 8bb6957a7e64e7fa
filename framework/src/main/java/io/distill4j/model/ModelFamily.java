package io.distill4j.model;

import io.distill4j.config.FamilyRules;
import io.distill4j.config.ModelSpec;

import java.util.OptionalDouble;

/**
 * A kind of model a config can name ({@code family: mlp}): it validates its own keys and sizes its models' memory
 * ({@link FamilyRules}), and builds trainable models whatever engine runs them (DL4J networks here, SameDiff graphs
 * elsewhere). The registry is {@link ModelFamilies}.
 */
public interface ModelFamily extends FamilyRules {
    /** The name configs use. */
    String name();

    /** A fresh model of {@code spec}, its initial weights drawn from {@code context.seed()}. */
    TrainableModel create(ModelSpec spec, ModelContext context);

    /** FLOPs of one training step on {@code batch} examples, where the family can count them (the bench's GFLOP/s line). */
    default OptionalDouble trainingFlops(ModelSpec spec, ModelContext context, int batch) {
        return OptionalDouble.empty();
    }
}
