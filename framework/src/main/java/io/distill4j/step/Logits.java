package io.distill4j.step;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/** Logits of a network of the DL4J model families (a {@code logits} layer, then a loss layer), whatever its loss head. */
public final class Logits {
    private Logits() {
    }

    /**
     * Inference-mode logits as plain rows, with every array the forward pass made released at once: an
     * evaluation over a test set would otherwise leave ~100 MB of native activations per model waiting for the
     * garbage collector, which a training loop that allocates nothing rarely runs (peak RSS of a 10-epoch run:
     * 2.1 GiB before, see README Performance).
     */
    public static float[][] inferenceRows(MultiLayerNetwork net, INDArray x) {
        List<INDArray> activations = net.feedForwardToLayer(net.getnLayers() - 2, x, false);
        float[][] rows = rows(activations.get(activations.size() - 1));
        for (INDArray a : activations) {
            if (a != x && a.closeable()) a.close();
        }
        return rows;
    }

    /**
     * The rows of a {@code [n, k]} array, copied in one native read: {@code toFloatMatrix} builds an ND4J view per row,
     * which dominated the evaluation of a test split of millions of rows.
     */
    public static float[][] rows(INDArray a) {
        int n = (int) a.size(0);
        int k = (int) a.size(1);
        INDArray c = a.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c');
        float[] flat = c.data().asFloat();
        c.close();
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) rows[i] = java.util.Arrays.copyOfRange(flat, i * k, (i + 1) * k);
        return rows;
    }

    /** Index of the logits layer's activation in the list DL4J passes to {@code onForwardPass} (entry 0 is the input). */
    public static int activationIndex(MultiLayerNetwork net) {
        return net.getnLayers() - 1;
    }

    /** Inference-mode (no dropout) logits: the activation of the {@code logits} layer. */
    public static INDArray inference(MultiLayerNetwork net, INDArray x) {
        List<INDArray> activations = net.feedForwardToLayer(net.getnLayers() - 2, x, false);
        return activations.get(activations.size() - 1);
    }
}
