package io.distill4j.report;

import io.distill4j.data.Batches;
import io.distill4j.data.LabeledSplit;
import io.distill4j.model.Logits;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Evaluates networks on a held-out split in inference mode, in batches that bound memory. */
public final class Evaluator {
    private static final int BATCH = 1000;
    private final LabeledSplit test;

    public Evaluator(LabeledSplit test) {
        this.test = test;
    }

    public ModelEvaluation evaluate(MultiLayerNetwork net) {
        long correct = 0;
        double lossSum = 0;
        int n = test.size();
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            int[] idx = new int[to - from];
            for (int i = 0; i < idx.length; i++) idx[i] = from + i;
            INDArray logits = Logits.inference(net, Batches.features(test, idx));
            INDArray oneHot = Batches.oneHot(test.labels(), from, to, test.numClasses());
            INDArray predicted = Nd4j.argMax(logits, 1);
            for (int i = 0; i < idx.length; i++) {
                if (predicted.getInt(i) == test.labels()[from + i]) correct++;
            }
            // cross-entropy from logits: logsumexp(z) - z_y, computed stably
            INDArray max = logits.max(true, 1);
            INDArray lse = Transforms.log(Transforms.exp(logits.subColumnVector(max), false).sum(true, 1), false).addi(max);
            lossSum += lse.sumNumber().doubleValue() - logits.mul(oneHot).sumNumber().doubleValue();
        }
        return new ModelEvaluation((double) correct / n, lossSum / n, n);
    }
}
