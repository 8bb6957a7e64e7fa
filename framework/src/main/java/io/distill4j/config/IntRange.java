package io.distill4j.config;

/** The values an integer key accepts, {@code min} to {@code max} inclusive ({@link #NO_MAX}: no upper bound). */
public record IntRange(long min, long max) {
    public static final long NO_MAX = Integer.MAX_VALUE;

    /** What the key expects, as an error message says it: {@code a value in [1, 28]} or {@code an integer >= 0}. */
    public String expectation() {
        return max == NO_MAX ? "an integer >= " + min : "a value in [" + min + ", " + max + "]";
    }

    public boolean contains(long value) {
        return value >= min && value <= max;
    }
}
