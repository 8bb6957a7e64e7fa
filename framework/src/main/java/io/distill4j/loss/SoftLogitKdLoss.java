package io.distill4j.loss;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Hinton's soft-logit distillation loss for a head whose activation is IDENTITY (its input z = the
 * student's logits). Labels are {@code [target logits (C) | one-hot labels (C)]}, shape [batch, 2C]:
 * <pre>
 *   L  = alpha * T^2 * KL(softmax(t/T) || softmax(z/T)) + (1 - alpha) * CE(y, softmax(z))
 *   dL/dz = alpha * T * (softmax(z/T) - softmax(t/T)) + (1 - alpha) * (softmax(z) - y)
 * </pre>
 * The T^2 factor keeps the soft gradient's scale independent of T. Labels are read-only: the target
 * logits are a detached copy, so nothing computed here can reach the model that produced them.
 * Getters/setters exist because DL4J serialises loss functions with Jackson.
 */
public class SoftLogitKdLoss implements ILossFunction {
    private double temperature = 4.0;
    private double alpha = 0.5;
    private int numClasses = 10;

    public SoftLogitKdLoss() {
    }

    public SoftLogitKdLoss(double temperature, double alpha, int numClasses) {
        this.temperature = temperature;
        this.alpha = alpha;
        this.numClasses = numClasses;
    }

    public double getTemperature() {
        return temperature;
    }

    public void setTemperature(double temperature) {
        this.temperature = temperature;
    }

    public double getAlpha() {
        return alpha;
    }

    /** Changed by the trainer: 0 during burn-in (labels only), the configured weight afterwards. */
    public void setAlpha(double alpha) {
        this.alpha = alpha;
    }

    public int getNumClasses() {
        return numClasses;
    }

    public void setNumClasses(int numClasses) {
        this.numClasses = numClasses;
    }

    /** Numerically stable row-wise log-softmax (a new array). */
    static INDArray logSoftmax(INDArray z) {
        INDArray shifted = z.subColumnVector(z.max(true, 1));
        INDArray logSumExp = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        return shifted.subiColumnVector(logSumExp);
    }

    private INDArray target(INDArray labels) {
        return labels.get(NDArrayIndex.all(), NDArrayIndex.interval(0, numClasses));
    }

    private INDArray oneHot(INDArray labels) {
        return labels.get(NDArrayIndex.all(), NDArrayIndex.interval(numClasses, 2 * numClasses));
    }

    private void checkShape(INDArray labels, INDArray preOutput) {
        if (labels.size(1) != 2L * numClasses || preOutput.size(1) != numClasses) {
            throw new IllegalArgumentException("SoftLogitKdLoss expects labels [batch, " + 2 * numClasses
                    + "] and logits [batch, " + numClasses + "], got " + labels.size(1) + " and " + preOutput.size(1));
        }
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        checkShape(labels, preOutput);
        INDArray z = activationFn.getActivation(preOutput.dup(), true);
        INDArray logQ1 = logSoftmax(z);
        INDArray score = oneHot(labels).mul(logQ1).sum(true, 1).negi().muli(1 - alpha);          // CE, [b,1]
        if (alpha != 0) {
            double t = temperature;
            INDArray logP = logSoftmax(target(labels).div(t));
            INDArray logQ = logSoftmax(z.div(t));
            INDArray kl = Transforms.exp(logP, true).muli(logP.sub(logQ)).sum(true, 1);
            score.addi(kl.muli(alpha * t * t));
        }
        if (mask != null) score.muliColumnVector(mask.reshape(mask.size(0), 1).castTo(score.dataType()));
        return score;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        checkShape(labels, preOutput);
        INDArray z = activationFn.getActivation(preOutput.dup(), true);
        INDArray dLdz = Transforms.exp(logSoftmax(z), false).subi(oneHot(labels)).muli(1 - alpha);
        if (alpha != 0) {
            double t = temperature;
            INDArray p = Transforms.exp(logSoftmax(target(labels).div(t)), false);
            INDArray q = Transforms.exp(logSoftmax(z.div(t)), false);
            dLdz.addi(q.subi(p).muli(alpha * t));
        }
        INDArray grad = activationFn.backprop(preOutput.dup(), dLdz).getFirst();
        if (mask != null) grad.muliColumnVector(mask.reshape(mask.size(0), 1).castTo(grad.dataType()));
        return grad;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "SoftLogitKdLoss(T=" + temperature + ",alpha=" + alpha + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
