package io.distill4j.train;

/** A model's {@code init:} file could not start it: unreadable, not a saved model, or another architecture. */
public final class InitialWeightsException extends RuntimeException {
    public InitialWeightsException(String model, String file, String problem) {
        super("models " + model + " init: " + file + ": " + problem);
    }
}
