package io.distill4j.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/** Logits of a network built by {@link NetworkFactory}, whatever its loss head. */
public final class Logits {
    private Logits() {
    }

    /** Inference-mode (no dropout) logits: the activation of the {@code logits} layer. */
    public static INDArray inference(MultiLayerNetwork net, INDArray x) {
        List<INDArray> activations = net.feedForwardToLayer(net.getnLayers() - 2, x, false);
        return activations.get(activations.size() - 1);
    }
}
