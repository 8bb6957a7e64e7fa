package io.distill4j.model;

import io.distill4j.data.InputShape;
import io.distill4j.config.ModelSpec;

/**
 * Builds the models of one run: what they all share (the task's classes and input shape, the run's length, the engine
 * and precision) is given once, each model's own settings per call, and its family ({@link ModelFamilies}) does the rest.
 */
public record ModelFactory(int classes, InputShape input, long totalSteps, String engine, String precision) {
    public ModelFactory withEngine(String engine) {
        return new ModelFactory(classes, input, totalSteps, engine, precision);
    }

    public ModelFactory withPrecision(String precision) {
        return new ModelFactory(classes, input, totalSteps, engine, precision);
    }

    /** The context of model {@code name} (initial weights from {@code identity} via {@code seed}). */
    public ModelContext context(String name, String identity, Head head, double temperature, double alpha, long seed) {
        return new ModelContext(name, identity, classes, input, head, temperature, alpha, seed, totalSteps, engine, precision);
    }

    /** The context of a model with its resolved loss {@code terms}, learning from {@code publisher} (null: labels). */
    public ModelContext context(String name, String identity, Head head, java.util.List<io.distill4j.loss.Term> terms,
                                ModelSpec publisher, long seed) {
        double alpha = 0;
        double temperature = 1;
        for (io.distill4j.loss.Term t : terms) {
            if (t.kind() == io.distill4j.loss.TermKind.LOGITS) {
                alpha = t.weight();
                temperature = t.temperature();
            }
        }
        return new ModelContext(name, identity, classes, input, head, temperature, alpha, seed, totalSteps, engine, precision, terms, publisher);
    }

    /** A fresh model of {@code spec} in {@code context}, built by its family. */
    public TrainableModel build(ModelSpec spec, ModelContext context) {
        return ModelFamilies.get(spec.family()).create(spec, context);
    }

    /** A fresh model named after its spec, its initial weights from {@code seed}. */
    public TrainableModel build(ModelSpec spec, Head head, double temperature, double alpha, long seed) {
        return build(spec, context(spec.name(), spec.name(), head, temperature, alpha, seed));
    }
}
