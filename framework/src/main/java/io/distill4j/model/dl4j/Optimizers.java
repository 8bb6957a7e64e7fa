package io.distill4j.model.dl4j;

import io.distill4j.config.OptimizerSpec;
import io.distill4j.model.LinearDecaySchedule;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.Map;
import java.util.Set;
import java.util.function.DoubleFunction;

/** Optimizers by the name configs use; each model gets its own instance, hence its own state. */
public final class Optimizers {
    private static final Map<String, DoubleFunction<IUpdater>> BY_NAME = Map.of(
            "adam", Adam::new,
            "sgd", Sgd::new,
            "nesterovs", lr -> new Nesterovs(lr, 0.9),
            "rmsprop", RmsProp::new);

    private Optimizers() {
    }

    public static Set<String> names() {
        return BY_NAME.keySet();
    }

    /** The optimizer of {@code spec}; a {@code linear} schedule decays the rate to zero over {@code totalSteps} updates. */
    public static IUpdater create(OptimizerSpec spec, long totalSteps) {
        DoubleFunction<IUpdater> f = BY_NAME.get(spec.name());
        if (f == null) throw new IllegalArgumentException("unknown optimizer '" + spec.name() + "', known: " + names());
        IUpdater updater = f.apply(spec.learningRate());
        if (OptimizerSpec.LINEAR.equals(spec.schedule())) {
            // lr * (1 - iteration / steps), set as the updater's schedule: DL4J's fit, the fused step and checkpoints all see it
            updater.setLrAndSchedule(spec.learningRate(), new LinearDecaySchedule(spec.learningRate(), Math.max(1, totalSteps)));
        }
        return updater;
    }
}
