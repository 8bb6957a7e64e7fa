package io.distill4j.model.dl4j;

import io.distill4j.loss.SoftLogitKdLoss;
import io.distill4j.model.ModelFileException;
import io.distill4j.model.ModelZip;
import io.distill4j.model.TrainableModel;
import io.distill4j.step.Logits;
import io.distill4j.step.TrainingStep;
import io.distill4j.step.TrainingSteps;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * A DL4J network of the DL4J families with the training step that runs it ({@link TrainingSteps}: the fused MLP or CNN
 * step, or DL4J's {@code fit}). The network is the model of record: a save is DL4J's {@code ModelSerializer} zip with its
 * updater state (checkpoint format 1), an export the same without it, its loss swapped for softmax, plus our entries.
 * Every read of the network goes through {@link TrainingStep#network()}, which lands state the fused steps keep on the
 * heap (Adam's moments, bf16 mirrors) in the network first.
 */
public final class Dl4jModel implements TrainableModel {
    private final String name;
    private final String engine;
    private final String precision;
    private TrainingStep step;
    /** Forward passes of the steps this model ran before a restore gave it a new one. */
    private long earlierPasses;
    private Runnable onForward;

    /** {@code net} stepping with {@code engine} ({@code training.engine}) in {@code precision}; {@code name} is for logs. */
    public Dl4jModel(MultiLayerNetwork net, String name, String engine, String precision) {
        this.name = name;
        this.engine = engine;
        this.precision = precision;
        this.step = TrainingSteps.create(net, engine, precision, name);
    }

    /** The network with parameters and optimizer state up to date: for DL4J-side code (tests, the bench's FLOP count). */
    public MultiLayerNetwork network() {
        return step.network();
    }

    @Override
    public double fit(INDArray features, INDArray oneHot, INDArray targets, double alpha) {
        return step.fit(features, oneHot, targets, alpha);
    }

    @Override
    public INDArray trainingLogits() {
        return step.trainingLogits();
    }

    @Override
    public INDArray inferenceLogits(INDArray features) {
        return step.inferenceLogits(features);
    }

    /** DL4J's own inference pass (as reports always measured), its activations released at once; no training cost. */
    @Override
    public float[][] inferenceRows(INDArray features) {
        return Logits.inferenceRows(step.network(), features);
    }

    @Override
    public void onForward(Runnable hook) {
        onForward = hook;
        step.onForward(hook);
    }

    @Override
    public long forwardPasses() {
        return earlierPasses + step.forwardPasses();
    }

    @Override
    public void settle() {
        step.settle();
    }

    @Override
    public long parameterCount() {
        return step.network().numParams();
    }

    @Override
    public long iterations() {
        return step.network().getIterationCount();
    }

    @Override
    public String engine() {
        return step.kind();
    }

    /** The network as {@code ModelSerializer} writes it with updater state: a checkpoint's {@code <model>.zip}. */
    @Override
    public void save(OutputStream out) throws IOException {
        ModelSerializer.writeModel(step.network(), out, true);
    }

    /**
     * Takes the saved network whole, as resume always did: its architecture and optimizer settings (a {@code linear}
     * schedule's length included) are the checkpoint's, its soft-target temperature this model's (the config's). The
     * training step is rebuilt around it, since the fused steps copy optimizer state out of the network they are built on.
     */
    @Override
    public void restore(InputStream in) throws IOException {
        // checked against this network before DL4J allocates anything: a checkpoint's hash says the file is the one
        // written, not that it holds what a run writes (a hand edit with a recomputed hash)
        MultiLayerNetwork restored;
        try {
            restored = SavedNetwork.read(in, step.network(), true);
        } catch (ModelFileException e) {
            throw new IllegalArgumentException("cannot be restored: " + e.describe());
        }
        SoftLogitKdLoss saved = kdLoss(restored);
        SoftLogitKdLoss own = kdLoss(step.network());
        if ((saved == null) != (own == null)) {
            throw new IllegalArgumentException("was checkpointed learning from " + (saved != null ? "soft targets" : "labels alone")
                    + " but the config now has it learn from " + (own != null ? "a publisher" : "labels alone")
                    + " (learnsFrom); a checkpointed model cannot change what it learns from");
        }
        if (saved != null) saved.setTemperature(own.getTemperature());
        earlierPasses += step.forwardPasses();
        step = TrainingSteps.create(restored, engine, precision, name);
        if (onForward != null) step.onForward(onForward);
    }

    /**
     * Starts from the weights of an exported network ({@link #export}'s zip, or any {@code ModelSerializer} zip of the same
     * layers): every parameter array must have this network's name and shape. The training step is rebuilt around the new
     * weights (the fused steps keep their own copies).
     */
    @Override
    public void initialise(InputStream zip) throws IOException {
        MultiLayerNetwork own = step.network();
        MultiLayerNetwork saved;
        try {
            saved = SavedNetwork.read(zip, own, false);   // checked against this network before DL4J allocates anything
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a saved DL4J network: " + e.getMessage());
        }
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> mine = own.paramTable();
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> theirs = saved.paramTable();
        if (!mine.keySet().equals(theirs.keySet())) {
            throw new IllegalArgumentException("another architecture: the saved network has parameters " + theirs.keySet() + ", this one " + mine.keySet());
        }
        for (Map.Entry<String, org.nd4j.linalg.api.ndarray.INDArray> e : mine.entrySet()) {
            long[] a = theirs.get(e.getKey()).shape();
            if (!java.util.Arrays.equals(a, e.getValue().shape())) {
                throw new IllegalArgumentException("another architecture: parameter " + e.getKey() + " is " + java.util.Arrays.toString(a)
                        + " in the saved network, " + java.util.Arrays.toString(e.getValue().shape()) + " in this one");
            }
        }
        for (Map.Entry<String, org.nd4j.linalg.api.ndarray.INDArray> e : mine.entrySet()) {
            own.setParam(e.getKey(), theirs.get(e.getKey()).castTo(e.getValue().dataType()));
        }
        earlierPasses += step.forwardPasses();
        step = TrainingSteps.create(own, engine, precision, name);
        if (onForward != null) step.onForward(onForward);
    }

    /** The deployable network ({@link NetworkFactory#deployable}) as {@code ModelSerializer} writes it, then {@code entries}. */
    @Override
    public void export(OutputStream out, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream dl4j = new ByteArrayOutputStream();
        ModelSerializer.writeModel(NetworkFactory.deployable(step.network()), dl4j, false);
        ModelZip.write(dl4j.toByteArray(), entries, out);
    }

    private static SoftLogitKdLoss kdLoss(MultiLayerNetwork net) {
        LossLayer head = (LossLayer) net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer();
        return head.getLossFn() instanceof SoftLogitKdLoss kd ? kd : null;
    }

    /** A network zip read back for inference only ({@link io.distill4j.model.ExportedModel}): DL4J's own inference pass. */
    public static io.distill4j.model.ExportedModel forInference(java.nio.file.Path zip) throws IOException {
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
        return x -> Logits.inferenceRows(net, x);
    }
}
