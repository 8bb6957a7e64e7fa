package io.distill4j.model;

import io.distill4j.config.ModelSpec;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;

import java.util.List;

/**
 * A kind of network body. The factory adds the shared head (a logits layer and a loss layer), so every
 * family exposes its logits the same way and plugs into distillation without special cases.
 */
public interface ModelFamily {
    String name();

    /** The input type of the flattened image rows the data layer delivers. */
    InputType inputType(int height, int width, int channels);

    /** The body layers, input sizes left for DL4J to infer; {@code retain} is the keep probability for dropout (1 = none). */
    List<Layer> body(ModelSpec spec, double retain);
}
