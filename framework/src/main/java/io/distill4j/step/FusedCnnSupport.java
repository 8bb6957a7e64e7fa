package io.distill4j.step;

import io.distill4j.loss.SoftLogitKdLoss;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which networks {@link FusedCnnStep} computes exactly: the {@code cnn} family's shape. A flat input reshaped to
 * NCHW, then stages of a FLOAT ReLU convolution with bias (stride 1, no padding, no dilation, truncate mode, no
 * dropout), each optionally followed by a MAX pooling whose kernel equals its stride; then the flattening
 * preprocessor and the dense layers and loss head {@link FusedMlpSupport} accepts (dropout included). No
 * regularization, one optimizer over all parameters, CPU backend. Anything else takes DL4J's own fit.
 */
final class FusedCnnSupport {
    private FusedCnnSupport() {
    }

    /** Why {@code net} cannot take the fused CNN step, or empty if it can. */
    static Optional<String> unsupported(MultiLayerNetwork net) {
        if (!Nd4j.getEnvironment().isCPU()) return Optional.of("ND4J runs on a GPU backend; the fused step is CPU code");
        if (net.params().dataType() != DataType.FLOAT) return Optional.of("parameters are " + net.params().dataType() + ", not FLOAT");
        if (net.numParams() > Integer.MAX_VALUE) return Optional.of("more than 2^31 parameters");
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        int n = net.getnLayers();
        if (n < 3 || !(layer(net, 0) instanceof ConvolutionLayer)) return Optional.of("the first layer is not a convolution");
        int i = 0;
        while (i < n && layer(net, i) instanceof ConvolutionLayer c) {
            Optional<String> why = convolution(i, c);
            if (why.isPresent()) return why;
            i++;
            if (i < n && layer(net, i) instanceof SubsamplingLayer s) {
                why = pooling(i, s);
                if (why.isPresent()) return why;
                i++;
            }
        }
        int firstDense = i;
        Map<Integer, InputPreProcessor> pre = conf.getInputPreProcessors();
        if (!(pre.get(0) instanceof FeedForwardToCnnPreProcessor)) return Optional.of("the input is not a flat image (no FeedForwardToCnnPreProcessor)");
        if (!(pre.get(firstDense) instanceof CnnToFeedForwardPreProcessor flat) || flat.getFormat() != CNN2DFormat.NCHW) {
            return Optional.of("no NCHW flattening before the first dense layer");
        }
        if (pre.size() != 2) return Optional.of("input preprocessors other than the image reshape and the flattening");
        if (firstDense >= n - 1) return Optional.of("no dense layer after the convolutions");
        for (int d = firstDense; d < n - 1; d++) {
            if (!(layer(net, d) instanceof DenseLayer dense)) return Optional.of("layer " + d + " is " + layer(net, d).getClass().getSimpleName() + ", not dense");
            boolean last = d == n - 2;
            boolean activationOk = last ? dense.getActivationFn() instanceof ActivationIdentity : dense.getActivationFn() instanceof ActivationReLU;
            if (!activationOk) return Optional.of("layer " + d + " has activation " + dense.getActivationFn());
            if (!dense.hasBias() || dense.hasLayerNorm()) return Optional.of("layer " + d + " has no bias or has layer norm");
            if (!plain(dense)) return Optional.of("layer " + d + " has regularization or gradient normalization");
            IDropout drop = dense.getIDropout();
            if (drop != null && !(drop instanceof Dropout dd && dd.getPSchedule() == null)) return Optional.of("layer " + d + " has dropout " + drop);
        }
        if (!(layer(net, n - 1) instanceof LossLayer head)) return Optional.of("the last layer is not a loss layer");
        boolean kd = head.getLossFn() instanceof SoftLogitKdLoss && head.getActivationFn() instanceof ActivationIdentity;
        boolean ce = head.getLossFn() instanceof LossMCXENT mc && mc.getWeights() == null && head.getActivationFn() instanceof ActivationSoftmax;
        if (!kd && !ce) return Optional.of("loss " + head.getLossFn() + " with " + head.getActivationFn());
        List<UpdaterBlock> blocks = ((BaseMultiLayerUpdater<?>) net.getUpdater()).getUpdaterBlocks();
        if (blocks.size() != 1 || blocks.get(0).getParamOffsetStart() != 0 || blocks.get(0).getParamOffsetEnd() != net.numParams()) {
            return Optional.of("the optimizer is not one block over all parameters");
        }
        return Optional.empty();
    }

    private static Layer layer(MultiLayerNetwork net, int i) {
        return net.getLayerWiseConfigurations().getConf(i).getLayer();
    }

    private static Optional<String> convolution(int i, ConvolutionLayer c) {
        if (c.getClass() != ConvolutionLayer.class) return Optional.of("layer " + i + " is a " + c.getClass().getSimpleName());
        if (!(c.getActivationFn() instanceof ActivationReLU)) return Optional.of("convolution " + i + " has activation " + c.getActivationFn());
        if (!c.hasBias()) return Optional.of("convolution " + i + " has no bias");
        if (!plain(c) || c.getIDropout() != null) return Optional.of("convolution " + i + " has regularization, gradient normalization or dropout");
        if (c.getKernelSize()[0] != c.getKernelSize()[1]) return Optional.of("convolution " + i + " has a non-square kernel");
        if (!ones(c.getStride()) || !ones(c.getDilation()) || Arrays.stream(c.getPadding()).anyMatch(p -> p != 0)) {
            return Optional.of("convolution " + i + " has a stride, dilation or padding");
        }
        return modeAndFormat("convolution " + i, c.getConvolutionMode(), c.getCnn2dDataFormat());
    }

    private static Optional<String> pooling(int i, SubsamplingLayer s) {
        if (s.getClass() != SubsamplingLayer.class || s.getPoolingType() != PoolingType.MAX) return Optional.of("pooling " + i + " is not max pooling");
        int[] k = s.getKernelSize();
        if (k[0] != k[1] || !Arrays.equals(k, s.getStride())) return Optional.of("pooling " + i + " has a kernel unlike its stride");
        if (!ones(s.getDilation()) || Arrays.stream(s.getPadding()).anyMatch(p -> p != 0)) return Optional.of("pooling " + i + " has padding or dilation");
        return modeAndFormat("pooling " + i, s.getConvolutionMode(), s.getCnn2dDataFormat());
    }

    private static Optional<String> modeAndFormat(String what, ConvolutionMode mode, CNN2DFormat format) {
        if (mode != ConvolutionMode.Truncate && mode != ConvolutionMode.Strict) return Optional.of(what + " has convolution mode " + mode);
        if (format != null && format != CNN2DFormat.NCHW) return Optional.of(what + " has data format " + format);
        return Optional.empty();
    }

    private static boolean ones(int[] a) {
        return Arrays.stream(a).allMatch(v -> v == 1);
    }

    static boolean plain(BaseLayer d) {
        return (d.getRegularization() == null || d.getRegularization().isEmpty())
                && (d.getRegularizationBias() == null || d.getRegularizationBias().isEmpty())
                && (d.getGradientNormalization() == null || d.getGradientNormalization() == GradientNormalization.None);
    }
}
