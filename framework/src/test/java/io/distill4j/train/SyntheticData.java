package io.distill4j.train;

import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.data.LabeledSplit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

/** Tiny learnable data: 4x4 "images", 3 classes given by a fixed random linear map; token ids for transformers. */
final class SyntheticData {
    static final int SIDE = 4;
    static final int CLASSES = 3;

    private SyntheticData() {
    }

    static LabeledSplit split(int n, long seed) {
        Random r = new Random(seed);
        double[][] w = new double[CLASSES][SIDE * SIDE];
        Random wr = new Random(1234);
        for (double[] row : w) for (int j = 0; j < row.length; j++) row[j] = wr.nextGaussian();
        float[] x = new float[n * SIDE * SIDE];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < SIDE * SIDE; j++) x[i * SIDE * SIDE + j] = r.nextFloat();
            for (int c = 0; c < CLASSES; c++) {
                double s = 0;
                for (int j = 0; j < SIDE * SIDE; j++) s += w[c][j] * (x[i * SIDE * SIDE + j] - 0.5);
                if (s > best) {
                    best = s;
                    y[i] = c;
                }
            }
        }
        return new LabeledSplit(Nd4j.create(x, new long[]{n, SIDE * SIDE}, 'c').castTo(DataType.FLOAT), y, CLASSES);
    }

    static ModelSpec mlp(String name, String learnsFrom, double dropout, String signalSource, Integer... hidden) {
        return new ModelSpec(name, "mlp", List.of(hidden), List.of(), new OptimizerSpec("adam", 0.01, null), dropout,
                learnsFrom, signalSource, null, null);
    }
    /**
     * Token ids {@code [n, length]} (CLS = 2, then ids from 3, then PAD = 0 to a random length); the label says whether id 5
     * outnumbers id 6: a tiny text task for transformer ladders.
     */
    static LabeledSplit tokenCounts(int n, int length, int vocabulary) {
        Random r = new Random(3);
        float[] ids = new float[n * length];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int used = 2 + r.nextInt(length - 1);
            int balance = 0;
            ids[i * length] = 2;   // CLS
            for (int j = 1; j < used; j++) {
                int id = 3 + r.nextInt(vocabulary - 3);
                ids[i * length + j] = id;
                balance += id == 5 ? 1 : id == 6 ? -1 : 0;
            }
            labels[i] = balance > 0 ? 1 : 0;
        }
        return new LabeledSplit(Nd4j.create(ids, new long[]{n, length}, 'c'), labels, 2);
    }
}
