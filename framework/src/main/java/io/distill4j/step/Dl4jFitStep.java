package io.distill4j.step;

import io.distill4j.loss.SoftLogitKdLoss;
import io.distill4j.signal.TrainingPassCapture;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's own {@code MultiLayerNetwork.fit}: works for every network the factory builds (CNNs included). A KD
 * head gets labels {@code [targets | one-hot]} and its loss's alpha set per call; the training-pass logits
 * are copied out by a {@link TrainingPassCapture} listener, so publishing costs no extra forward pass.
 */
public final class Dl4jFitStep implements TrainingStep {
    private final MultiLayerNetwork net;
    private final SoftLogitKdLoss kdLoss;
    private final TrainingPassCapture capture;
    private long inferencePasses;

    public Dl4jFitStep(MultiLayerNetwork net) {
        this.net = net;
        LossLayer head = (LossLayer) net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer();
        this.kdLoss = head.getLossFn() instanceof SoftLogitKdLoss kd ? kd : null;
        this.capture = new TrainingPassCapture(Logits.activationIndex(net));
        net.addListeners(capture);
    }

    @Override
    public double fit(INDArray features, INDArray oneHot, INDArray targets, double alpha) {
        INDArray labels = oneHot;
        if (kdLoss != null) {
            kdLoss.setAlpha(targets == null ? 0.0 : alpha);
            INDArray soft = targets != null ? targets : Nd4j.zeros(oneHot.dataType(), oneHot.size(0), oneHot.size(1));
            labels = Nd4j.hstack(soft, oneHot);
        } else if (targets != null) {
            throw new IllegalStateException("this network has a labels-only head and cannot learn from soft targets");
        }
        net.fit(new DataSet(features, labels));
        return net.score();
    }

    @Override
    public INDArray trainingLogits() {
        INDArray latest = capture.peek();
        if (latest == null) throw new IllegalStateException("no training forward pass yet");
        return latest;
    }

    @Override
    public INDArray inferenceLogits(INDArray features) {
        inferencePasses++;
        return Logits.inference(net, features);
    }

    @Override
    public void onForward(Runnable hook) {
        capture.onCapture(hook);
    }

    @Override
    public long forwardPasses() {
        return capture.captures() + inferencePasses;
    }

    @Override
    public void settle() {
        // fit updates the parameters before it returns
    }

    @Override
    public MultiLayerNetwork network() {
        return net;
    }

    @Override
    public String kind() {
        return "dl4j";
    }
}
