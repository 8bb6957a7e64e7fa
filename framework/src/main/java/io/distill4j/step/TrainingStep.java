package io.distill4j.step;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One model's training step: forward in training mode, loss, backward, optimizer update. The loop
 * ({@code train.OnlineTrainer}) decides what each model learns from; an implementation decides how the
 * arithmetic runs. The network stays the model of record: checkpoints, evaluation and export read it.
 */
public interface TrainingStep {
    /**
     * Fits one batch and returns its mean loss.
     *
     * @param targets the publisher's logits [batch, classes], or null to learn from the labels alone
     * @param alpha   weight of the soft term when targets are given
     */
    double fit(INDArray features, INDArray oneHot, INDArray targets, double alpha);

    /** Logits of the last fit's own forward pass (training mode), in a buffer the next fit reuses. */
    INDArray trainingLogits();

    /** Logits of an extra inference-mode forward pass (no dropout) with the current weights. */
    INDArray inferenceLogits(INDArray features);

    /** Runs {@code hook} on the fitting thread right after each fit's forward pass (null clears it). */
    void onForward(Runnable hook);

    /** Forward passes run so far, training and inference: the cost a signal adds is counted, not assumed. */
    long forwardPasses();

    /** Returns once this model's last update has landed in its parameters (an update may run in the background). */
    void settle();

    /** The network, with parameters and optimizer state up to date. */
    MultiLayerNetwork network();

    /** {@code fused} or {@code dl4j}: which implementation runs, for logs and provenance. */
    String kind();
}
