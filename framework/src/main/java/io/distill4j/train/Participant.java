package io.distill4j.train;

import io.distill4j.config.ModelSpec;
import io.distill4j.model.Head;
import io.distill4j.step.TrainingStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * One model in the run with everything the loop needs to step it: its training step (and through it the
 * network with its own optimizer state), what it learns from ({@code source}: a publisher's name, or null
 * for labels alone), and whether others learn from its logits. Its {@code identity} is the name its initial
 * weights and dropout draws derive from: its own name, or for a twin the name of the student it mirrors.
 */
public final class Participant {
    private final String name;
    private final Role role;
    private final ModelSpec spec;
    private final TrainingStep step;
    private final String source;
    private final boolean publishes;
    private final String identity;

    public Participant(String name, Role role, ModelSpec spec, TrainingStep step, String source, boolean publishes) {
        this(name, role, spec, step, source, publishes, name);
    }

    public Participant(String name, Role role, ModelSpec spec, TrainingStep step, String source, boolean publishes,
                       String identity) {
        this.name = name;
        this.identity = identity;
        this.role = role;
        this.spec = spec;
        this.step = step;
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

    /** The network with parameters and optimizer state up to date, for evaluation, checkpoints and export. */
    public MultiLayerNetwork net() {
        return step.network();
    }

    /** How this model steps. */
    public TrainingStep step() {
        return step;
    }

    /** The publisher this model learns from, or null when it learns from labels alone. */
    public String source() {
        return source;
    }

    public Head head() {
        return source == null ? Head.LABELS : Head.DISTILL;
    }

    public boolean publishes() {
        return publishes;
    }

    public long parameterCount() {
        return step.network().numParams();
    }
}
