package io.distill4j.model.dl4j;

import io.distill4j.config.ConvSpec;
import io.distill4j.config.ModelSpec;
import io.distill4j.data.DatasetInfo;

import java.util.ArrayList;
import java.util.List;

/** Parameter and activation counts (per example) of a network's conv stages and dense layers, head included. */
record LayerCounts(long convParams, long convActivations, long denseParams, long denseActivations, long im2col) {
    static LayerCounts of(ModelSpec spec, DatasetInfo data) {
        long convParams = 0;
        long convActivations = 0;
        long im2col = 0;
        long channels = data.channels();
        long height = data.height();
        long width = data.width();
        for (ConvSpec cs : spec.conv()) {
            long k = cs.kernel();
            convParams += cs.filters() * channels * k * k + cs.filters();
            height = height - k + 1;
            width = width - k + 1;
            convActivations += height * width * cs.filters();
            im2col += channels * k * k * height * width * (im2col == 0 ? 1 : 2);
            if (cs.pool() > 1) {
                height /= cs.pool();
                width /= cs.pool();
                convActivations += height * width * cs.filters();
            }
            channels = cs.filters();
        }
        long in = channels * height * width;
        long denseParams = 0;
        long denseActivations = 0;
        List<Integer> widths = new ArrayList<>(spec.hidden());
        widths.add(data.numClasses());
        for (int out : widths) {
            denseParams += in * out + out;
            denseActivations += out;
            in = out;
        }
        return new LayerCounts(convParams, convActivations, denseParams, denseActivations, im2col);
    }

    long params() {
        return convParams + denseParams;
    }

    long activations() {
        return convActivations + denseActivations;
    }

    /** "conv" when the conv stages weigh more than the dense layers ({@code perParam}, {@code perActivation} floats each), else "hidden". */
    String key(long perParam, long perActivation) {
        long conv = convParams * perParam + convActivations * perActivation;
        long dense = denseParams * perParam + denseActivations * perActivation;
        return conv > dense ? "conv" : "hidden";
    }
}
