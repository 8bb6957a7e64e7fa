package io.distill4j.step;

import io.distill4j.loss.SoftLogitKdLoss;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.util.List;
import java.util.Optional;

/**
 * Which networks {@link FusedMlpStep} computes exactly: FLOAT dense ReLU layers with biases, an IDENTITY logits
 * layer and a softmax cross-entropy or soft-logit KD loss layer, plain dropout at most, no regularization, one
 * optimizer over all parameters, on the CPU backend. Anything else takes DL4J's own fit.
 */
final class FusedMlpSupport {
    private FusedMlpSupport() {
    }

    /** Why {@code net} cannot take the fused step, or empty if it can. */
    static Optional<String> unsupported(MultiLayerNetwork net) {
        if (!Nd4j.getEnvironment().isCPU()) return Optional.of("ND4J runs on a GPU backend; the fused step is CPU code");
        if (net.params().dataType() != DataType.FLOAT) return Optional.of("parameters are " + net.params().dataType() + ", not FLOAT");
        if (net.numParams() > Integer.MAX_VALUE) return Optional.of("more than 2^31 parameters");
        int n = net.getnLayers();
        if (n < 2) return Optional.of("no dense layer before the loss");
        if (!net.getLayerWiseConfigurations().getInputPreProcessors().isEmpty()) return Optional.of("input preprocessors");
        for (int i = 0; i < n - 1; i++) {
            if (!(net.getLayer(i).conf().getLayer() instanceof DenseLayer d)) {
                return Optional.of("layer " + i + " is " + net.getLayer(i).conf().getLayer().getClass().getSimpleName() + ", not dense");
            }
            boolean last = i == n - 2;
            boolean activationOk = last ? d.getActivationFn() instanceof ActivationIdentity : d.getActivationFn() instanceof ActivationReLU;
            if (!activationOk) return Optional.of("layer " + i + " has activation " + d.getActivationFn());
            if (!d.hasBias() || d.hasLayerNorm()) return Optional.of("layer " + i + " has no bias or has layer norm");
            if (!plain(d)) return Optional.of("layer " + i + " has regularization or gradient normalization");
            IDropout drop = d.getIDropout();
            if (drop != null && !(drop instanceof Dropout dd && dd.getPSchedule() == null)) return Optional.of("layer " + i + " has dropout " + drop);
        }
        if (!(net.getLayer(n - 1).conf().getLayer() instanceof LossLayer head)) return Optional.of("the last layer is not a loss layer");
        boolean kd = head.getLossFn() instanceof SoftLogitKdLoss && head.getActivationFn() instanceof ActivationIdentity;
        boolean ce = head.getLossFn() instanceof LossMCXENT mc && mc.getWeights() == null && head.getActivationFn() instanceof ActivationSoftmax;
        if (!kd && !ce) return Optional.of("loss " + head.getLossFn() + " with " + head.getActivationFn());
        List<UpdaterBlock> blocks = ((BaseMultiLayerUpdater<?>) net.getUpdater()).getUpdaterBlocks();
        if (blocks.size() != 1 || blocks.get(0).getParamOffsetStart() != 0 || blocks.get(0).getParamOffsetEnd() != net.numParams()) {
            return Optional.of("the optimizer is not one block over all parameters");
        }
        return Optional.empty();
    }

    private static boolean plain(BaseLayer d) {
        return (d.getRegularization() == null || d.getRegularization().isEmpty())
                && (d.getRegularizationBias() == null || d.getRegularizationBias().isEmpty())
                && (d.getGradientNormalization() == null || d.getGradientNormalization() == GradientNormalization.None);
    }

}
