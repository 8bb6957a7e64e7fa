package io.distill4j.model;

import io.distill4j.data.InputShape;
import io.distill4j.config.ModelSpec;
import io.distill4j.loss.Term;

import java.util.List;

/**
 * Everything besides its {@code ModelSpec} that one model of a run is built from.
 *
 * @param name        the model's name in the run (a twin's is {@code <student>.twin}), for logs and errors
 * @param identity    the name its initial weights and dropout draws derive from (a twin shares its student's)
 * @param classes     classes of the task: the width of the logits
 * @param input       the shape of one example
 * @param head        what its loss learns from: labels alone, or soft targets too
 * @param temperature the soft targets' temperature (a {@link Head#DISTILL} head)
 * @param alpha       the weight of the soft term (a {@link Head#DISTILL} head)
 * @param seed        the seed of its initial weights (a function of the run's seed and {@code identity})
 * @param totalSteps  the run's optimizer steps, over which a {@code linear} learning-rate schedule decays
 * @param engine      {@code training.engine}: how the family's engine runs it ({@code fused}, {@code dl4j})
 * @param precision   {@code training.precision}: the precision of its products ({@code fp32}, {@code bf16})
 * @param terms       its loss terms, in order (a {@link Head#LABELS} model: labels alone)
 * @param publisher   the model it learns from (null: labels alone), whose shape its internal terms need
 */
public record ModelContext(String name, String identity, int classes, InputShape input, Head head, double temperature,
                           double alpha, long seed, long totalSteps, String engine, String precision, List<Term> terms,
                           ModelSpec publisher) {
    public ModelContext {
        terms = List.copyOf(terms);
    }

    /** With the loss {@code [labels: 1 - alpha, logits: alpha at temperature]} of a {@link Head#DISTILL} head. */
    public ModelContext(String name, String identity, int classes, InputShape input, Head head, double temperature,
                        double alpha, long seed, long totalSteps, String engine, String precision) {
        this(name, identity, classes, input, head, temperature, alpha, seed, totalSteps, engine, precision,
                head == Head.LABELS ? List.of(Term.labels(1)) : Term.softLogits(alpha, temperature), null);
    }
}
