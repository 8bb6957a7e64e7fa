package io.distill4j.step;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/** The training-step implementations by the name a config gives them ({@code training.engine}). */
public final class TrainingSteps {
    /** The fused MLP or CNN step where a network allows it, DL4J's fit elsewhere: the default. */
    public static final String FUSED = "fused";
    /** DL4J's fit for every model: the reference the fused step is tested against. */
    public static final String DL4J = "dl4j";
    private static final Logger LOG = LoggerFactory.getLogger(TrainingSteps.class);

    private TrainingSteps() {
    }

    public static List<String> engines() {
        return List.of(FUSED, DL4J);
    }

    public static TrainingStep create(MultiLayerNetwork net, String engine, String modelName) {
        return create(net, engine, Precision.FP32, modelName);
    }

    /**
     * The step for {@code net}: {@code engine} as above, its products in {@code precision} ({@link Precision}). Only the
     * fused MLP step computes in bf16: a bf16 request for any other engine or network is an error, never a silent fp32
     * run (the config validation catches the usual cases first).
     */
    public static TrainingStep create(MultiLayerNetwork net, String engine, String precision, String modelName) {
        if (!Precision.all().contains(precision)) {
            throw new IllegalArgumentException("unknown precision '" + precision + "', known: " + Precision.all());
        }
        boolean fp32 = Precision.FP32.equals(precision);
        if (FUSED.equals(engine)) {
            Optional<String> why = FusedMlpSupport.unsupported(net);
            if (why.isEmpty()) return FusedMlpStep.of(net, precision).orElseThrow();
            Optional<String> whyNotCnn = FusedCnnSupport.unsupported(net);
            if (!fp32) {
                throw new IllegalArgumentException("model '" + modelName + "' cannot train in " + precision
                        + ": only the fused MLP step computes in " + precision + " (" + why.get() + ")");
            }
            if (whyNotCnn.isEmpty()) return FusedCnnStep.of(net).orElseThrow();
            LOG.info("model '{}' takes DL4J's fit step: not a fused MLP ({}), not a fused CNN ({})", modelName, why.get(), whyNotCnn.get());
        } else if (!DL4J.equals(engine)) {
            throw new IllegalArgumentException("unknown training engine '" + engine + "', known: " + engines());
        } else if (!fp32) {
            throw new IllegalArgumentException("training engine '" + DL4J + "' computes in fp32 only; " + precision + " needs engine '" + FUSED + "'");
        }
        return new Dl4jFitStep(net);
    }
}
