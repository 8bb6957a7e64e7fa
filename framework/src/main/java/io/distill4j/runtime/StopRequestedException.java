package io.distill4j.runtime;

/**
 * A stop was requested (SIGINT/SIGTERM) after the training loop had ended: the final evaluation, test pass, export or
 * report ends early by throwing this, so the signal is not swallowed. The final checkpoint is already written (or the
 * previous one stands), so resuming the run redoes only its end.
 */
public class StopRequestedException extends RuntimeException {
    public StopRequestedException(String message) {
        super(message);
    }
}
