package io.distill4j.train;

/** A model's loss became NaN or infinite; the CLI maps this to exit code 5. */
public class DivergenceException extends RuntimeException {
    public DivergenceException(String model, long step, double loss) {
        super("training diverged: model '" + model + "' had loss " + loss + " at step " + step);
    }
}
