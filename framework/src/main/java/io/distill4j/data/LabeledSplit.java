package io.distill4j.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Examples of one split: FLOAT features {@code [n, pixels]}, image pixels scaled to [0, 1] (pixel / 255) or a text's
 * token ids (exact in a float up to 2^24), and class labels in {@code [0, numClasses)}, one per feature row.
 */
public record LabeledSplit(INDArray features, int[] labels, int numClasses) {
    public LabeledSplit {
        if (features == null || labels == null) throw new IllegalArgumentException("features and labels are required");
        if (numClasses < 1) throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        if (features.rank() != 2 || features.size(0) != labels.length) {
            throw new IllegalArgumentException("features must be [n, pixels] with n = " + labels.length
                    + " labels, got shape " + java.util.Arrays.toString(features.shape()));
        }
    }

    /** Examples {@code [from, to)} as a split of their own (copied; the labels too). */
    public LabeledSplit slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + size() + " examples");
        }
        if (from == 0 && to == size()) return this;
        INDArray rows = to == from
                ? org.nd4j.linalg.factory.Nd4j.create(features.dataType(), 0, features.size(1))
                : features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c');
        return new LabeledSplit(rows, java.util.Arrays.copyOfRange(labels, from, to), numClasses);
    }

    /** Number of examples. */
    public int size() {
        return labels.length;
    }
}
