package io.distill4j.model;

import io.distill4j.config.OptimizerSpec;
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

    public static IUpdater create(OptimizerSpec spec) {
        DoubleFunction<IUpdater> f = BY_NAME.get(spec.name());
        if (f == null) throw new IllegalArgumentException("unknown optimizer '" + spec.name() + "', known: " + names());
        return f.apply(spec.learningRate());
    }
}
