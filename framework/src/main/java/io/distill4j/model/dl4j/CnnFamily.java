package io.distill4j.model.dl4j;

import io.distill4j.config.ConvSpec;
import io.distill4j.config.IntRange;
import io.distill4j.config.KeyProblem;
import io.distill4j.config.ModelSpec;
import io.distill4j.data.DatasetInfo;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Convolution + max-pool stages ({@code conv}), then dense ReLU layers ({@code hidden}). */
public final class CnnFamily extends Dl4jFamily {
    /**
     * A fixed upper bound on a kernel or pool, checked before any data is known (MNIST's side). The bound that matters
     * is the dataset's own: {@link #checkOwnKeys} refuses a stage that shrinks the image, of any height, width and
     * channels, to nothing.
     */
    static final int IMAGE_SIDE = 28;
    private static final Map<String, IntRange> INTEGERS = Map.of(
            "conv[].filters", new IntRange(1, 4096),
            "conv[].kernel", new IntRange(1, IMAGE_SIDE),
            "conv[].pool", new IntRange(1, IMAGE_SIDE));

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

    @Override
    public Map<String, IntRange> integerKeys() {
        return INTEGERS;
    }

    /** At least one stage, each in range, and the image keeps at least one pixel after every stage (no padding). */
    @Override
    protected Optional<KeyProblem> checkOwnKeys(ModelSpec spec, String key, DatasetInfo data) {
        if (spec.conv().isEmpty()) return problem(key + ".conv", "expected at least one conv stage for family cnn");
        int side = Math.min(data.height(), data.width());
        for (int i = 0; i < spec.conv().size(); i++) {
            String ck = key + ".conv[" + i + "]";
            ConvSpec cs = spec.conv().get(i);
            if (cs == null || cs.filters() == null) return problem(ck + ".filters", "expected a positive integer");
            Optional<KeyProblem> range = outOfRange(ck, "filters", cs.filters())
                    .or(() -> outOfRange(ck, "kernel", cs.kernel())).or(() -> outOfRange(ck, "pool", cs.pool()));
            if (range.isPresent()) return range;
            side = (side - cs.kernel() + 1) / cs.pool();
            if (side < 1) return problem(ck, "the image shrinks to nothing at this stage; use a smaller kernel or pool");
        }
        return Optional.empty();
    }

    private static Optional<KeyProblem> outOfRange(String stageKey, String field, int value) {
        IntRange r = INTEGERS.get("conv[]." + field);
        return r.contains(value) ? Optional.empty() : problem(stageKey + "." + field, "expected " + r.expectation() + ", got " + value);
    }

    @Override
    protected boolean computesInBf16() {
        return false;
    }
}
