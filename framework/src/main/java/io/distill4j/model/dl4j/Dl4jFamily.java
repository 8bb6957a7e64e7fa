package io.distill4j.model.dl4j;

import io.distill4j.config.Footprint;
import io.distill4j.config.KeyProblem;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.TrainingSpec;
import io.distill4j.data.DatasetInfo;
import io.distill4j.model.Head;
import io.distill4j.model.ModelContext;
import io.distill4j.model.ModelFamily;
import io.distill4j.model.TrainableModel;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A family whose models are DL4J networks: its body of layers, then the head every such network shares (a
 * {@code logits} layer and a loss layer, {@link NetworkFactory}), trained by the fused step or DL4J's {@code fit}
 * ({@link Dl4jModel}). It checks the keys its body reads and whether the engine can run it in the asked precision.
 */
public abstract class Dl4jFamily implements ModelFamily {
    private static final long FLOAT = Float.BYTES;

    /** The input type of the flattened image rows the data layer delivers. */
    public abstract InputType inputType(int height, int width, int channels);

    /** The body layers, input sizes left for DL4J to infer; {@code retain} is the keep probability for dropout (1 = none). */
    public abstract List<Layer> body(ModelSpec spec, double retain);

    /** The first problem with the keys only this family reads, or empty. */
    protected abstract Optional<KeyProblem> checkOwnKeys(ModelSpec spec, String key, DatasetInfo data);

    /** Whether the fused step computes this family's networks in bf16 (only the fused MLP step does). */
    protected abstract boolean computesInBf16();

    @Override
    public TrainableModel create(ModelSpec spec, ModelContext c) {
        return new Dl4jModel(network(spec, c, c.head(), c.temperature(), c.alpha(), c.seed()), c.name(), c.engine(), c.precision());
    }

    private static MultiLayerNetwork network(ModelSpec spec, ModelContext c, Head head, double temperature, double alpha, long seed) {
        return new NetworkFactory(c.classes(), c.input().height(), c.input().width(), c.input().channels(), DataType.FLOAT,
                c.totalSteps()).build(spec, head, temperature, alpha, seed);
    }

    @Override
    public Optional<KeyProblem> check(ModelSpec spec, String key, TrainingSpec training, DatasetInfo data) {
        if (data.isText()) {
            return problem(key + ".family", "a " + name() + " reads pixels, and " + data.name() + " is a text dataset; use family: transformer");
        }
        if (spec.hasTransformerKeys()) {
            return problem(key, "layers, heads, ffn, norm and pooling are transformer keys; remove them or set family: transformer");
        }
        Optional<KeyProblem> own = checkOwnKeys(spec, key, data);
        return own.isPresent() ? own : precisionProblem(spec, training);
    }

    /**
     * bf16 runs only where it can run as asked: on the fused engine, for networks the fused MLP step computes, on a CPU with
     * bf16 units. Anything else is an error, never a silent fp32 run.
     */
    private Optional<KeyProblem> precisionProblem(ModelSpec spec, TrainingSpec t) {
        if (!Precision.BF16.equals(t.precision())) return Optional.empty();
        if (!TrainingSteps.FUSED.equals(t.engine())) {
            return problem("training.precision", "bf16 needs training.engine: fused (the " + t.engine() + " engine computes in fp32 only)");
        }
        if (!computesInBf16()) {
            return problem("training.precision", "bf16 runs only the fused MLP step, and model '" + spec.name() + "' is a "
                    + spec.family() + " (DL4J's fit, fp32 only); use fp32");
        }
        return Precision.bf16Problem().map(p -> new KeyProblem("training.precision", p));
    }

    static Optional<KeyProblem> problem(String key, String problem) {
        return Optional.of(new KeyProblem(key, problem));
    }

    /**
     * Parameters, gradients and optimizer state natively (Adam 2 per parameter, SGD none: {@code IUpdater.stateSize}); the
     * fused step's Adam also keeps moments, gradient and parameters on the Java heap (4 per parameter); the fused CNN step
     * keeps each convolution's im2col matrix and, above the first, its gradient.
     */
    @Override
    public Footprint footprint(ModelSpec spec, TrainingSpec training, DatasetInfo data, long evaluationRows) {
        long state = Optimizers.create(spec.optimizer(), 1).stateSize(1);
        LayerCounts l = LayerCounts.of(spec, data);
        boolean fused = TrainingSteps.FUSED.equals(training.engine());
        boolean heapAdam = fused && "adam".equals(spec.optimizer().name());
        return new Footprint(l.key(2 + state, 2L * training.batchSize() + evaluationRows), l.params() * (2 + state) * FLOAT,
                heapAdam ? 4 * l.params() * FLOAT : 0, l.activations(), fused ? l.im2col() : 0);
    }

    /**
     * FLOPs of one training step of the network's dense (and, counted the same way, convolution) layers on {@code batch}
     * examples: per layer the forward product, the weight gradient and the input gradient (2 FLOPs per multiply-add each),
     * except that nothing needs the gradient of the input itself, so the first layer has no input-gradient product.
     */
    @Override
    public OptionalDouble trainingFlops(ModelSpec spec, ModelContext context, int batch) {
        MultiLayerNetwork net = network(spec, context, Head.LABELS, 1, 0, 1);
        double macs = 0;
        boolean first = true;
        for (int i = 0; i < net.getnLayers(); i++) {
            if (net.getLayer(i).conf().getLayer() instanceof FeedForwardLayer f && f.getNIn() > 0) {
                macs += (first ? 2.0 : 3.0) * f.getNIn() * f.getNOut();
                first = false;
            }
        }
        return OptionalDouble.of(2.0 * macs * batch);
    }
}
