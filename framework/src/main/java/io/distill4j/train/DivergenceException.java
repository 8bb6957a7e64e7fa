package io.distill4j.train;

import java.util.Locale;

/**
 * A model's loss became NaN or infinite, or a training loss passed {@link #LOSS_BOUND}; the CLI maps this to exit code 5.
 * One line naming the model, what diverged and the step.
 */
public class DivergenceException extends RuntimeException {
    /**
     * A training loss past this is divergence although finite. Every loss here is a cross-entropy, a T²-scaled KL or an
     * MSE of hidden states: a cross-entropy of L means the true class's logit trails the best one by about L, so 10⁶ is
     * logits of that scale, far past any model that still learns. In round 3 (D3) a teacher's loss went 2.3, 60, 1.9e7,
     * 1.1e20 without ever becoming NaN, passed as a successful run, and its test loss was NaN.
     */
    public static final double LOSS_BOUND = 1e6;

    public DivergenceException(String model, long step, double loss) {
        this(model, step, "loss", loss);
    }

    /** {@code what}: "loss" (training), "validation loss", "test loss". */
    public DivergenceException(String model, long step, String what, double loss) {
        super("training diverged: model '" + model + "' had " + what + " " + loss + " at step " + step
                + (Double.isFinite(loss) ? String.format(Locale.ROOT, " (past %,.0f, where no model that still learns goes)", LOSS_BOUND) : ""));
    }

    /** Whether a training loss means divergence: not finite, or past {@link #LOSS_BOUND}. */
    public static boolean diverged(double trainingLoss) {
        return !Double.isFinite(trainingLoss) || trainingLoss > LOSS_BOUND;
    }
}
