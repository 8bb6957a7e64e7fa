package io.distill4j.data.user;

import java.io.IOException;

/**
 * Where a format writes the preprocessed examples: one row of {@code width} floats and a class index per example, each
 * into its part. Rows of one part keep the order they are added in (the source order).
 */
public interface FeatureSink {
    /** Called once, before the first {@link #add}: every row has {@code width} features. */
    void begin(int width) throws IOException;

    /** {@code row} is read before the call returns; the caller may reuse it. */
    void add(Part part, float[] row, int label) throws IOException;
}
