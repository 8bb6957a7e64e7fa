package io.distill4j.model.transformer;

import io.distill4j.config.Footprint;
import io.distill4j.config.IntRange;
import io.distill4j.config.KeyProblem;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.config.TrainingSpec;
import io.distill4j.data.DatasetInfo;
import io.distill4j.model.ModelContext;
import io.distill4j.model.ModelFamily;
import io.distill4j.model.TrainableModel;

import java.util.Map;
import java.util.Optional;

/**
 * {@code family: transformer}: a transformer encoder over token ids ({@link SameDiffTransformer}), for text datasets.
 * Keys: {@code layers} (default 1), {@code hidden} (one width, required), {@code heads} (default 1, must divide hidden),
 * {@code ffn} (default 2 x hidden), {@code norm} (pre), {@code pooling} (mean), {@code dropout}; its positions are
 * {@code data.maxLength} and its vocabulary {@code data.vocabSize}. It trains with Adam at a constant rate and in fp32,
 * whatever {@code training.engine} says (SameDiff is its only engine).
 */
public final class TransformerFamily implements ModelFamily {
    public static final String NAME = "transformer";
    private static final int FLOAT = 4;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, IntRange> integerKeys() {
        return Map.of("layers", new IntRange(1, 64), "heads", new IntRange(1, 1024), "ffn", new IntRange(1, 65_536));
    }

    @Override
    public Optional<KeyProblem> check(ModelSpec spec, String key, TrainingSpec training, DatasetInfo data) {
        if (!data.isText()) {
            return problem(key + ".family", "a transformer reads token ids, and " + data.name() + " is an image dataset; use mlp or cnn");
        }
        if (!spec.conv().isEmpty()) return problem(key + ".conv", "only a cnn has conv stages; remove it");
        if (spec.hidden().size() != 1) {
            return problem(key + ".hidden", "a transformer takes one width (the model dimension), e.g. hidden: [64]; got " + spec.hidden());
        }
        // the ranges first: heads 0 would divide by zero below (found by ConfigLoaderFuzzTest)
        for (Map.Entry<String, IntRange> e : integerKeys().entrySet()) {
            Integer v = switch (e.getKey()) {
                case "layers" -> spec.layers();
                case "heads" -> spec.heads();
                default -> spec.ffn();
            };
            if (v != null && !e.getValue().contains(v)) return problem(key + "." + e.getKey(), "expected " + e.getValue().expectation() + ", got " + v);
        }
        int hidden = spec.hidden().get(0);
        int heads = heads(spec);
        if (hidden % heads != 0) {
            return problem(key + ".heads", "must divide hidden (" + hidden + "): " + heads + " heads of " + hidden + " / " + heads + " do not fit");
        }
        if (spec.norm() != null && !TransformerSpec.NORMS.contains(spec.norm())) {
            return problem(key + ".norm", "expected one of " + TransformerSpec.NORMS + ", got '" + spec.norm() + "'");
        }
        if (spec.pooling() != null && !TransformerSpec.POOLINGS.contains(spec.pooling())) {
            return problem(key + ".pooling", "expected one of " + TransformerSpec.POOLINGS + ", got '" + spec.pooling() + "'");
        }
        if (!"adam".equals(spec.optimizer().name())) {
            return problem(key + ".optimizer.name", "a transformer trains with adam; got '" + spec.optimizer().name() + "'");
        }
        if (!OptimizerSpec.CONSTANT.equals(spec.optimizer().schedule())) {
            return problem(key + ".optimizer.schedule", "a transformer trains at a constant learning rate; remove the schedule");
        }
        if (!"fp32".equals(training.precision())) {
            return problem("training.precision", "model '" + spec.name() + "' is a transformer, which trains in fp32 only; use fp32");
        }
        return Optional.empty();
    }

    private static Optional<KeyProblem> problem(String key, String problem) {
        return Optional.of(new KeyProblem(key, problem));
    }

    private static int heads(ModelSpec spec) {
        return spec.heads() == null ? 1 : spec.heads();
    }

    /** The encoder {@code spec} describes on {@code data} (sequence length and vocabulary set by the config). */
    static TransformerSpec encoder(ModelSpec spec, int maxLength, int vocabulary, int classes, double temperature, long seed) {
        int hidden = spec.hidden().get(0);
        return new TransformerSpec(vocabulary, maxLength, spec.layers() == null ? 1 : spec.layers(), hidden, heads(spec),
                spec.ffn() == null ? 2 * hidden : spec.ffn(), spec.dropout(), spec.norm() == null ? "pre" : spec.norm(),
                spec.pooling() == null ? "mean" : spec.pooling(), classes, spec.optimizer().learningRate(), 0.9, 0.999, 1e-8,
                temperature, seed);
    }

    @Override
    public boolean learnsInternals() {
        return true;
    }

    /** Evaluation runs in chunks of {@link SameDiffTransformer#INFERENCE_CHUNK} rows: attention holds [rows, heads, L, L]. */
    @Override
    public long evaluationRows(long rows) {
        return Math.min(rows, SameDiffTransformer.INFERENCE_CHUNK);
    }

    @Override
    public TrainableModel create(ModelSpec spec, ModelContext c) {
        if (!c.input().isText()) throw new IllegalArgumentException("a transformer needs token ids, got " + c.input());
        ModelSpec publisher = c.publisher();
        boolean internal = publisher != null && TransformerFamily.NAME.equals(publisher.family());
        Distillation d = new Distillation(c.terms(), spec.auxiliaryLayer() && c.head() == io.distill4j.model.Head.DISTILL,
                internal ? heads(publisher) : 0, internal ? publisher.hidden().get(0) : 0);
        return new SameDiffTransformer(encoder(spec, c.input().width(), c.input().vocabulary(), c.classes(), c.temperature(), c.seed()), d);
    }

    /**
     * Parameters with Adam's moments natively and on the heap (values, gradient, moments); activations per example: per
     * block about 12 [L, H] tensors and 4 [heads, L, L] ones (scores, mask sum, probabilities, their gradient), in and out.
     */
    @Override
    public Footprint footprint(ModelSpec spec, TrainingSpec training, DatasetInfo data, long evaluationRows) {
        TransformerSpec e = encoder(spec, Math.max(1, data.sequenceLength()), Math.max(4, data.vocabulary()), Math.max(2, data.numClasses()), 1, 0);
        long params = e.parameters();
        long length = e.maxLength();
        long perBlock = 12L * length * e.hidden() + 2L * length * e.ffn() + 4L * e.heads() * length * length;
        return new Footprint("hidden", params * 4 * FLOAT, params * 4 * FLOAT, e.layers() * perBlock + 4L * length * e.hidden(), 0);
    }
}
