package io.distill4j.train;

/** A model's {@code init:} file could not start it: unreadable, not a saved model, or another architecture. */
public final class InitialWeightsException extends RuntimeException {
    /** {@code key}: the config key that names the file ({@code models.students[1].init}). */
    public InitialWeightsException(String key, String file, String problem) {
        super(key + ": " + file + ": " + problem);
    }
}
