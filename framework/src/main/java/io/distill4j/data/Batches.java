package io.distill4j.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Gathers mini-batches out of a split: feature rows by index, and one-hot label matrices. */
public final class Batches {
    private Batches() {
    }

    /** Rows {@code idx} of the split's features, in that order: FLOAT {@code [idx.length, pixels]}. */
    public static INDArray features(LabeledSplit s, int[] idx) {
        return s.rows().rows(idx);
    }

    /** One-hot labels of examples {@code idx}, in that order: FLOAT {@code [idx.length, numClasses]}. */
    public static INDArray oneHot(LabeledSplit s, int[] idx) {
        int k = s.numClasses();
        int[] labels = s.labels();
        float[] y = new float[idx.length * k];
        for (int i = 0; i < idx.length; i++) y[i * k + checked(labels[idx[i]], k, idx[i])] = 1f;
        return Nd4j.create(y, new long[]{idx.length, k}, 'c');
    }

    /** One-hot rows for {@code labels[from, to)}: FLOAT {@code [to - from, numClasses]}. */
    public static INDArray oneHot(int[] labels, int from, int to, int numClasses) {
        if (from < 0 || to > labels.length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") outside 0.." + labels.length);
        }
        float[] y = new float[(to - from) * numClasses];
        for (int i = from; i < to; i++) y[(i - from) * numClasses + checked(labels[i], numClasses, i)] = 1f;
        return Nd4j.create(y, new long[]{to - from, numClasses}, 'c');
    }

    private static int checked(int label, int numClasses, int index) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException("label " + label + " at index " + index + " outside 0.." + (numClasses - 1));
        }
        return label;
    }
}
