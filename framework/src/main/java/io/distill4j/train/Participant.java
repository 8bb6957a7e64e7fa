package io.distill4j.train;

import io.distill4j.config.ModelSpec;
import io.distill4j.model.Head;
import io.distill4j.model.TrainableModel;
import io.distill4j.loss.Term;

import java.util.List;

/**
 * One model in the run with everything the loop needs to step it: the model (with its own optimizer state), what it
 * learns from ({@code source}: a publisher's name, or null for labels alone), and whether others learn from its logits. Its {@code identity} is the name its initial
 * weights and dropout draws derive from: its own name, or for a twin the name of the student it mirrors.
 */
public final class Participant {
    private final String name;
    private final Role role;
    private final ModelSpec spec;
    private final TrainableModel model;
    private final String source;
    private final boolean publishes;
    private final String identity;
    private final List<Term> terms;

    public Participant(String name, Role role, ModelSpec spec, TrainableModel model, String source, boolean publishes,
                       String identity, List<Term> terms) {
        this.terms = List.copyOf(terms);
        this.name = name;
        this.identity = identity;
        this.role = role;
        this.spec = spec;
        this.model = model;
        this.source = source;
        this.publishes = publishes;
    }

    public String name() {
        return name;
    }

    /** The name its initial weights and dropout draws derive from (a twin shares its student's). */
    public String identity() {
        return identity;
    }

    public Role role() {
        return role;
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The model: it steps, publishes its logits, and is evaluated, checkpointed and exported. */
    public TrainableModel model() {
        return model;
    }

    /** The publisher this model learns from, or null when it learns from labels alone. */
    public String source() {
        return source;
    }

    public Head head() {
        return source == null ? Head.LABELS : Head.DISTILL;
    }

    /** Its loss terms, in order (labels alone for a model without a source). */
    public List<Term> terms() {
        return terms;
    }

    public boolean publishes() {
        return publishes;
    }

    public long parameterCount() {
        return model.parameterCount();
    }
}
