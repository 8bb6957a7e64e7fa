package io.distill4j.model.dl4j;

import io.distill4j.config.ModelSpec;
import io.distill4j.model.Head;
import io.distill4j.model.ModelFamilies;
import io.distill4j.model.ModelFamily;
import io.distill4j.loss.SoftLogitKdLoss;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Builds a network from a {@link ModelSpec}: the family's body, then the shared head — a dense
 * {@code logits} layer with IDENTITY activation followed by a parameter-free loss layer. Because the logits
 * are an ordinary layer activation, the training forward pass already holds them: publishing a signal
 * costs no extra pass (DL4J hands the activations of all but the last layer to training listeners).
 */
public final class NetworkFactory {
    private final int numClasses;
    private final int height;
    private final int width;
    private final int channels;
    private final DataType dataType;
    /** The run's steps, over which a {@code linear} learning-rate schedule decays. */
    private final long totalSteps;

    public NetworkFactory(int numClasses, int height, int width, int channels, DataType dataType) {
        this(numClasses, height, width, channels, dataType, Integer.MAX_VALUE);
    }

    public NetworkFactory(int numClasses, int height, int width, int channels, DataType dataType, long totalSteps) {
        this.totalSteps = totalSteps;
        this.numClasses = numClasses;
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.dataType = dataType;
    }

    public MultiLayerNetwork build(ModelSpec spec, Head head, double temperature, double alpha, long seed) {
        ModelFamily named = ModelFamilies.get(spec.family());
        if (!(named instanceof Dl4jFamily family)) {
            throw new IllegalArgumentException("model family '" + spec.family() + "' does not build DL4J networks");
        }
        double retain = 1.0 - spec.dropout();
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(Optimizers.create(spec.optimizer(), totalSteps))
                .weightInit(WeightInit.XAVIER)
                .list();
        for (Layer layer : family.body(spec, retain)) {
            list.layer(layer);
        }
        DenseLayer.Builder logits = new DenseLayer.Builder().nOut(numClasses).activation(Activation.IDENTITY);
        if (retain < 1 && !spec.hidden().isEmpty()) logits.dropOut(retain);
        list.layer(logits.name("logits").build());
        list.layer(lossLayer(head, temperature, alpha));
        list.setInputType(family.inputType(height, width, channels));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    private LossLayer lossLayer(Head head, double temperature, double alpha) {
        if (head == Head.DISTILL) {
            return new LossLayer.Builder().lossFunction(new SoftLogitKdLoss(temperature, alpha, numClasses))
                    .activation(Activation.IDENTITY).name("loss").build();
        }
        return new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).name("loss").build();
    }

    /**
     * A deployable copy: same parameters, the training loss swapped for a softmax/cross-entropy head, so the
     * exported zip needs nothing but DL4J to load and {@code output()} returns class probabilities.
     */
    public static MultiLayerNetwork deployable(MultiLayerNetwork trained) {
        MultiLayerConfiguration conf = trained.getLayerWiseConfigurations().clone();
        int last = conf.getConfs().size() - 1;
        // mutate the cloned layer rather than building a new one: a fresh builder layer lacks the global
        // updater/weight-init settings and DL4J then takes its legacy JSON path on restore, and fails
        LossLayer head = (LossLayer) conf.getConf(last).getLayer();
        head.setLossFn(new LossMCXENT());
        head.setActivationFn(new ActivationSoftmax());
        MultiLayerNetwork out = new MultiLayerNetwork(conf);
        out.init(trained.params().dup(), false);
        return out;
    }
}
