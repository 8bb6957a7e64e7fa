package io.distill4j.train;

import io.distill4j.config.ModelSpec;
import io.distill4j.loss.SoftLogitKdLoss;
import io.distill4j.model.Head;
import io.distill4j.model.NetworkFactory;
import io.distill4j.signal.TrainingPassCapture;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * One model in the run with everything the loop needs to step it: its network (and thereby its own
 * optimizer state), what it learns from ({@code source}: a publisher's name, or null for labels alone),
 * and, for publishers, the capture of its training-pass logits.
 */
public final class Participant {
    private final String name;
    private final Role role;
    private final ModelSpec spec;
    private final MultiLayerNetwork net;
    private final String source;
    private final TrainingPassCapture capture;

    public Participant(String name, Role role, ModelSpec spec, MultiLayerNetwork net, String source, boolean publishes) {
        this.name = name;
        this.role = role;
        this.spec = spec;
        this.net = net;
        this.source = source;
        if (publishes) {
            this.capture = new TrainingPassCapture(NetworkFactory.logitsActivationIndex(net));
            net.addListeners(capture);
        } else {
            this.capture = null;
        }
    }

    public String name() {
        return name;
    }

    public Role role() {
        return role;
    }

    public ModelSpec spec() {
        return spec;
    }

    public MultiLayerNetwork net() {
        return net;
    }

    /** The publisher this model learns from, or null when it learns from labels alone. */
    public String source() {
        return source;
    }

    public Head head() {
        return source == null ? Head.LABELS : Head.DISTILL;
    }

    public boolean publishes() {
        return capture != null;
    }

    TrainingPassCapture capture() {
        return capture;
    }

    /** The KD loss of a distilling model (its alpha is switched off during burn-in). */
    SoftLogitKdLoss kdLoss() {
        LossLayer layer = (LossLayer) net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer();
        return (SoftLogitKdLoss) layer.getLossFn();
    }

    public long parameterCount() {
        return net.numParams();
    }
}
