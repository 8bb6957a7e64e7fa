package io.distill4j.model.dl4j;

import io.distill4j.config.KeyProblem;
import io.distill4j.config.ModelSpec;
import io.distill4j.data.DatasetInfo;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Fully connected ReLU layers of the widths in {@code hidden}. */
public final class MlpFamily extends Dl4jFamily {
    @Override
    public String name() {
        return "mlp";
    }

    @Override
    public InputType inputType(int height, int width, int channels) {
        return InputType.feedForward((long) height * width * channels);
    }

    @Override
    public List<Layer> body(ModelSpec spec, double retain) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < spec.hidden().size(); i++) {
            DenseLayer.Builder b = new DenseLayer.Builder().nOut(spec.hidden().get(i)).activation(Activation.RELU);
            // dropout acts on a layer's input: the pixels stay intact, hidden activations are dropped
            if (i > 0 && retain < 1) b.dropOut(retain);
            layers.add(b.build());
        }
        return layers;
    }

    @Override
    protected Optional<KeyProblem> checkOwnKeys(ModelSpec spec, String key, DatasetInfo data) {
        if (!spec.conv().isEmpty()) return problem(key + ".conv", "only a cnn has conv stages; remove it or set family: cnn");
        return Optional.empty();
    }

    @Override
    protected boolean computesInBf16() {
        return true;
    }
}
