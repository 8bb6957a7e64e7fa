package io.distill4j.model;

import io.distill4j.config.ConvSpec;
import io.distill4j.config.ModelSpec;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.List;

/** Convolution + max-pool stages ({@code conv}), then dense ReLU layers ({@code hidden}). */
public final class CnnFamily implements ModelFamily {
    @Override
    public String name() {
        return "cnn";
    }

    @Override
    public InputType inputType(int height, int width, int channels) {
        return InputType.convolutionalFlat(height, width, channels);
    }

    @Override
    public List<Layer> body(ModelSpec spec, double retain) {
        List<Layer> layers = new ArrayList<>();
        for (ConvSpec c : spec.conv()) {
            layers.add(new ConvolutionLayer.Builder(c.kernel(), c.kernel()).stride(1, 1).nOut(c.filters())
                    .activation(Activation.RELU).build());
            if (c.pool() > 1) {
                layers.add(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(c.pool(), c.pool()).stride(c.pool(), c.pool()).build());
            }
        }
        for (int width : spec.hidden()) {
            DenseLayer.Builder b = new DenseLayer.Builder().nOut(width).activation(Activation.RELU);
            if (retain < 1) b.dropOut(retain);
            layers.add(b.build());
        }
        return layers;
    }
}
