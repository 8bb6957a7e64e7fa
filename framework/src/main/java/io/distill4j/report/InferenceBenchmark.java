package io.distill4j.report;

import io.distill4j.data.Batches;
import io.distill4j.data.LabeledSplit;
import io.distill4j.model.TrainableModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.Arrays;

/**
 * Times inference as a deployment would call it (inference mode, a batch in, class scores out: the model's
 * {@link TrainableModel#inferenceRows}): after warm-up, the median of repeated runs, so one slow run on a shared machine
 * does not decide the figure.
 */
public final class InferenceBenchmark {
    private final int warmup;
    private final int repeats;

    public InferenceBenchmark(int warmup, int repeats) {
        this.warmup = warmup;
        this.repeats = repeats;
    }

    public InferenceCost measure(TrainableModel model, LabeledSplit data) {
        INDArray one = Batches.features(data, new int[]{0});
        int[] idx = new int[Math.min(128, data.size())];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        INDArray batch = Batches.features(data, idx);
        double latency = medianSeconds(model, one, repeats * 4) * 1e3;
        double throughput = idx.length / medianSeconds(model, batch, repeats);
        return new InferenceCost(latency, throughput, NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(), repeats);
    }

    private double medianSeconds(TrainableModel model, INDArray x, int n) {
        for (int i = 0; i < warmup; i++) model.inferenceRows(x);
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            model.inferenceRows(x);
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return t[n / 2];
    }
}
