package io.distill4j.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Examples of one split: FLOAT feature rows {@code [n, pixels]}, image pixels scaled to [0, 1] (pixel / 255), a text's
 * token ids (exact in a float up to 2^24) or a user's preprocessed row, and class labels in {@code [0, numClasses)}, one
 * per feature row. The rows are in memory ({@link ArrayRows}, the built-in datasets) or mapped from a feature cache
 * (a user's dataset larger than the heap): read them through {@link #rows()}, which both support.
 */
public record LabeledSplit(FeatureRows rows, int[] labels, int numClasses) {
    public LabeledSplit {
        if (rows == null || labels == null) throw new IllegalArgumentException("features and labels are required");
        if (numClasses < 1) throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        if (rows.size() != labels.length) {
            throw new IllegalArgumentException("features must be [n, pixels] with n = " + labels.length
                    + " labels, got " + rows.size() + " rows of " + rows.width());
        }
    }

    /** In-memory features {@code [n, pixels]}. */
    public LabeledSplit(INDArray features, int[] labels, int numClasses) {
        this(inMemory(features, labels), labels, numClasses);
    }

    private static ArrayRows inMemory(INDArray features, int[] labels) {
        if (features == null || labels == null) throw new IllegalArgumentException("features and labels are required");
        if (features.rank() != 2 || features.size(0) != labels.length) {
            throw new IllegalArgumentException("features must be [n, pixels] with n = " + labels.length
                    + " labels, got shape " + java.util.Arrays.toString(features.shape()));
        }
        return new ArrayRows(features);
    }

    /**
     * The whole feature array of an in-memory split. A mapped split has none (it may not fit the heap or native memory):
     * IllegalStateException; the training and evaluation path reads {@link #rows()} instead.
     */
    public INDArray features() {
        if (rows instanceof ArrayRows a) return a.array();
        throw new IllegalStateException("the features of this split are mapped from a feature cache (" + rows
                + "), not held in one array: read them through rows()");
    }

    /** Features per example. */
    public int width() {
        return rows.width();
    }

    /** Examples {@code [from, to)} as a split of their own (labels copied; in-memory features copied, mapped ones shared). */
    public LabeledSplit slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + size() + " examples");
        }
        if (from == 0 && to == size()) return this;
        return new LabeledSplit(rows.slice(from, to), java.util.Arrays.copyOfRange(labels, from, to), numClasses);
    }

    /** Number of examples. */
    public int size() {
        return labels.length;
    }
}
