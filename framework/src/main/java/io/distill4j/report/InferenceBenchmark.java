package io.distill4j.report;

import io.distill4j.data.Batches;
import io.distill4j.data.LabeledSplit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.Arrays;

/**
 * Times inference the way a deployment would call it ({@code output(x)}, inference mode): after warm-up,
 * the median of repeated runs, so one slow run on a shared machine does not decide the figure.
 */
public final class InferenceBenchmark {
    private final int warmup;
    private final int repeats;

    public InferenceBenchmark(int warmup, int repeats) {
        this.warmup = warmup;
        this.repeats = repeats;
    }

    public InferenceCost measure(MultiLayerNetwork net, LabeledSplit data) {
        INDArray one = Batches.features(data, new int[]{0});
        int[] idx = new int[Math.min(128, data.size())];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        INDArray batch = Batches.features(data, idx);
        double latency = medianSeconds(net, one, repeats * 4) * 1e3;
        double throughput = idx.length / medianSeconds(net, batch, repeats);
        return new InferenceCost(latency, throughput, NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(), repeats);
    }

    private double medianSeconds(MultiLayerNetwork net, INDArray x, int n) {
        for (int i = 0; i < warmup; i++) net.output(x, false);
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            net.output(x, false);
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return t[n / 2];
    }
}
