package io.distill4j.report;

import io.distill4j.data.Batches;
import io.distill4j.data.LabeledSplit;
import io.distill4j.config.MemoryEstimate;
import io.distill4j.model.TrainableModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Evaluates models on a held-out split in inference mode, in batches that bound memory. */
public final class Evaluator {
    /** Rows per inference batch; the config's memory estimate counts the activations of one such batch. */
    public static final int BATCH = MemoryEstimate.EVALUATION_BATCH;
    private final LabeledSplit test;
    /** Called before every batch: throws to end an evaluation a stop request (SIGINT/SIGTERM) arrived in. */
    private final Runnable checkStop;

    public Evaluator(LabeledSplit test) {
        this(test, () -> { });
    }

    public Evaluator(LabeledSplit test, Runnable checkStop) {
        this.test = test;
        this.checkStop = checkStop;
    }

    /** Top-1 predictions and mean cross-entropy of a model on the split. */
    public record Predictions(int[] classes, double meanLoss) {
    }

    public Predictions predict(TrainableModel model) {
        int n = test.size();
        int[] predicted = new int[n];
        double lossSum = 0;
        for (int from = 0; from < n; from += BATCH) {
            checkStop.run();
            int to = Math.min(n, from + BATCH);
            int[] idx = new int[to - from];
            for (int i = 0; i < idx.length; i++) idx[i] = from + i;
            INDArray features = Batches.features(test, idx);
            float[][] logits = model.inferenceRows(features);
            features.close();
            int[] labels = test.labels();
            for (int i = 0; i < idx.length; i++) {
                float[] z = logits[i];
                int best = 0;
                for (int k = 1; k < z.length; k++) if (z[k] > z[best]) best = k;
                predicted[from + i] = best;
                // cross-entropy from logits: logsumexp(z) - z_y, computed stably
                double sum = 0;
                for (float v : z) sum += Math.exp(v - z[best]);
                lossSum += z[best] + Math.log(sum) - z[labels[from + i]];
            }
        }
        return new Predictions(predicted, lossSum / n);
    }

    /** Full figures; {@code teacher} predictions (nullable) give the top-1 agreement. */
    public ModelEvaluation evaluate(Predictions p, int[] teacher) {
        int c = test.numClasses();
        int n = test.size();
        long[][] confusion = new long[c][c];
        long correct = 0;
        long agree = 0;
        for (int i = 0; i < n; i++) {
            int truth = test.labels()[i];
            confusion[truth][p.classes()[i]]++;
            if (truth == p.classes()[i]) correct++;
            if (teacher != null && teacher[i] == p.classes()[i]) agree++;
        }
        double[] perClass = new double[c];
        double f1Sum = 0;
        for (int k = 0; k < c; k++) {
            long actual = 0;
            long predictedK = 0;
            for (int j = 0; j < c; j++) {
                actual += confusion[k][j];
                predictedK += confusion[j][k];
            }
            long tp = confusion[k][k];
            perClass[k] = actual == 0 ? 0 : (double) tp / actual;
            double precision = predictedK == 0 ? 0 : (double) tp / predictedK;
            double recall = perClass[k];
            f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        return new ModelEvaluation((double) correct / n, p.meanLoss(), n, f1Sum / c,
                teacher == null ? null : (double) agree / n, perClass, confusion);
    }

    public ModelEvaluation evaluate(TrainableModel model) {
        return evaluate(predict(model), null);
    }
}
