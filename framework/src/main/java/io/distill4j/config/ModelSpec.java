package io.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One model. {@code family} names a registered model family ({@code mlp}, {@code cnn}); {@code hidden}
 * are dense layer widths; {@code conv} the convolution stages of a CNN. {@code learnsFrom} is
 * {@code teacher}, {@code assistant} or {@code labels}; {@code signalSource} says how a publisher
 * produces its soft targets ({@code training-pass} or {@code eval-pass}). A learner's {@code temperature} and
 * {@code alpha} override {@code distill.temperature}/{@code distill.alpha} for it alone (null: the run-wide value), so
 * students of different sizes can learn with the settings that suit them.
 *
 * <p>A {@code transformer} (text) reads {@code layers} (encoder blocks), {@code hidden} (one width: the model
 * dimension), {@code heads}, {@code ffn} (the feed-forward width), {@code norm} ({@code pre} or {@code post}) and
 * {@code pooling} ({@code mean} or {@code cls}); its positions are {@code data.maxLength}. The other families refuse
 * these keys; unset, they stay out of the resolved config (image configs hash as before they existed).
 *
 * <p>Distillation keys: {@code terms} (this learner's loss terms, overriding {@code distill.terms}), {@code ald} (a
 * transformer learner carries one auxiliary layer during training, where attention-type terms bind; it is not exported),
 * {@code warmStartSteps} with {@code warmStartOn} (a publisher's learners learn from labels alone for its first N steps,
 * while it learns from its signals or from labels) and {@code init} (a saved model zip of the same architecture to start
 * from instead of random weights).
 */
public record ModelSpec(String name, String family, List<Integer> hidden, List<ConvSpec> conv,
                        OptimizerSpec optimizer, Double dropout, String learnsFrom, String signalSource,
                        Double temperature, Double alpha,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Integer layers,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Integer heads,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Integer ffn,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String norm,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String pooling,
                        @JsonInclude(JsonInclude.Include.NON_NULL) List<TermSpec> terms,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean ald,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Integer warmStartSteps,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String warmStartOn,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String init) {
    public static final String LABELS = "labels";
    public static final String TRAINING_PASS = "training-pass";
    public static final String EVAL_PASS = "eval-pass";
    /** {@code warmStartOn}: what a publisher learns from during its warm start. */
    public static final List<String> WARM_START_ON = List.of("signals", "labels");

    public ModelSpec {
        if (hidden == null) hidden = List.of();
        if (conv == null) conv = List.of();
        if (optimizer == null) optimizer = new OptimizerSpec(null, null, null);
        if (dropout == null) dropout = 0.0;
        if (signalSource == null) signalSource = TRAINING_PASS;
    }

    /** A model of the image families (no transformer keys). */
    public ModelSpec(String name, String family, List<Integer> hidden, List<ConvSpec> conv, OptimizerSpec optimizer, Double dropout,
                     String learnsFrom, String signalSource, Double temperature, Double alpha) {
        this(name, family, hidden, conv, optimizer, dropout, learnsFrom, signalSource, temperature, alpha, null, null, null, null, null);
    }

    /** A model without loss terms, ALD, warm start or initial weights (the keys of issue 13). */
    public ModelSpec(String name, String family, List<Integer> hidden, List<ConvSpec> conv, OptimizerSpec optimizer, Double dropout,
                     String learnsFrom, String signalSource, Double temperature, Double alpha, Integer layers, Integer heads,
                     Integer ffn, String norm, String pooling) {
        this(name, family, hidden, conv, optimizer, dropout, learnsFrom, signalSource, temperature, alpha, layers, heads, ffn, norm,
                pooling, null, null, null, null, null);
    }

    /** Whether it carries an auxiliary layer for distillation ({@code ald: true}). */
    public boolean auxiliaryLayer() {
        return Boolean.TRUE.equals(ald);
    }

    /** Steps during which its learners learn from labels alone while it warms up (0: none). */
    public int warmStart() {
        return warmStartSteps == null ? 0 : warmStartSteps;
    }

    /** Whether it learns from labels alone during its own warm start ({@code warmStartOn: labels}). */
    public boolean warmsUpOnLabels() {
        return "labels".equals(warmStartOn);
    }

    /** Whether any transformer key is set. */
    public boolean hasTransformerKeys() {
        return layers != null || heads != null || ffn != null || norm != null || pooling != null;
    }

    public boolean learnsFromLabelsOnly() {
        return LABELS.equals(learnsFrom);
    }

    public ModelSpec withDefaults(String defaultName, String defaultSource) {
        return new ModelSpec(name == null ? defaultName : name, family, hidden, conv, optimizer, dropout,
                learnsFrom == null ? defaultSource : learnsFrom, signalSource, temperature, alpha, layers, heads, ffn, norm, pooling,
                terms, ald, warmStartSteps, warmStartOn, init);
    }

    /** This model with other distillation keys ({@code terms}, {@code ald}, {@code warmStartSteps}; warmStartOn follows it). */
    public ModelSpec withDistillation(List<TermSpec> terms, Boolean ald, Integer warmStartSteps) {
        return new ModelSpec(name, family, hidden, conv, optimizer, dropout, learnsFrom, signalSource, temperature, alpha, layers, heads, ffn,
                norm, pooling, terms, ald, warmStartSteps, warmStartSteps == null ? null : warmStartOn, init);
    }

    /** This model learning from labels alone, without distillation keys (the bench's "alone" runs). */
    public ModelSpec alone() {
        return new ModelSpec(name, family, hidden, conv, optimizer, dropout, LABELS, signalSource, temperature, alpha, layers, heads, ffn,
                norm, pooling, null, null, null, null, null);
    }

    /** This model's soft-target temperature: its own, or the run-wide one. */
    public double temperatureOr(DistillSpec distill) {
        return temperature != null ? temperature : distill.temperature();
    }

    /** This model's weight of the soft loss: its own, or the run-wide one. */
    public double alphaOr(DistillSpec distill) {
        return alpha != null ? alpha : distill.alpha();
    }
}
