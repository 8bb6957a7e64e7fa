package io.distill4j.step;

import io.distill4j.loss.SoftLogitKd;
import io.distill4j.loss.SoftLogitKdLoss;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Optional;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * A whole training step of a ReLU MLP (the {@code mlp} family with its logits + loss head) written directly on
 * BLAS with buffers allocated once: forward, loss, backward into a flat gradient laid out like the network's
 * parameters, optimizer update in place. Against DL4J's {@code fit} it skips the per-layer allocations and
 * copies, DL4J's ReLU backward op (1.7 ms per 128x1200 activation here), the input-gradient product of the
 * first layer, and ND4J's slow Adam. The parameters are the network's own arrays, updated in place, so
 * evaluation, checkpoints and export see them without a copy; the iteration count advances as {@code fit}'s
 * does. Dropout is inverted dropout on a layer's input, drawn from ND4J's RNG like DL4J's.
 * The same arithmetic as DL4J's step up to float rounding (tested against DL4J's gradient and update).
 */
public final class FusedMlpStep implements TrainingStep {
    private final MultiLayerNetwork net;
    private final Dense[] layers;
    private final int classes;
    /** The KD head's temperature; NaN for a labels-only head. */
    private final double temperature;
    private final INDArray gradient;
    private final ParameterUpdate update;
    /** The products, in the run's precision ({@code training.precision}). */
    private final Gemm gemm;
    /** Whether the optimizer keeps the gemm's bf16 parameter mirror ({@link Gemm#mirror()}) current. */
    private final boolean updateMirrors;
    /** Whether the mirror holds the current parameters: set by each update, cleared when the network is handed out. */
    private boolean mirrorCurrent;
    private Buffers training;
    private Buffers inference;
    private Runnable onForward;
    /** This model's optimizer update still running on the helper thread, or null. */
    private SecondThread.Job pendingUpdate;
    private long forwardPasses;

    /**
     * One dense layer: the addresses of its weights and bias in the parameter vector and of their gradients in
     * the flat gradient, and the keep-probability of dropout on its input (1 = none).
     */
    private record Dense(int nIn, int nOut, boolean relu, double retain, FloatPointer wp, FloatPointer bp,
                         FloatPointer dwp, FloatPointer dbp) {
    }

    private FusedMlpStep(MultiLayerNetwork net, String precision) {
        this.net = net;
        int dense = net.getnLayers() - 1;
        this.layers = new Dense[dense];
        this.gradient = Nd4j.create(DataType.FLOAT, 1, net.numParams());
        long offset = 0;
        long[] weightOffsets = new long[dense];
        for (int i = 0; i < dense; i++) {
            Layer layer = net.getLayer(i);
            DenseLayer conf = (DenseLayer) layer.conf().getLayer();
            int nIn = (int) conf.getNIn();
            int nOut = (int) conf.getNOut();
            INDArray w = layer.getParam("W");
            INDArray b = layer.getParam("b");
            if (w.offset() != offset || b.offset() != offset + (long) nIn * nOut) {
                // the flat gradient mirrors the parameter layout [W (nIn x nOut, 'f'), b] per layer; say so if DL4J's differs
                throw new IllegalStateException("unexpected parameter layout in layer " + i);
            }
            weightOffsets[i] = offset;
            INDArray dw = gradient.get(point(0), interval(offset, offset + (long) nIn * nOut));
            offset += (long) nIn * nOut;
            INDArray db = gradient.get(point(0), interval(offset, offset + nOut));
            offset += nOut;
            double retain = conf.getIDropout() == null ? 1.0 : ((Dropout) conf.getIDropout()).getP();
            layers[i] = new Dense(nIn, nOut, conf.getActivationFn() instanceof ActivationReLU, retain,
                    Blas.pointer(w), Blas.pointer(b), Blas.pointer(dw), Blas.pointer(db));
        }
        this.classes = layers[dense - 1].nOut;
        LossLayer head = (LossLayer) net.getLayerWiseConfigurations().getConf(dense).getLayer();
        this.temperature = head.getLossFn() instanceof SoftLogitKdLoss kd ? kd.getTemperature() : Double.NaN;
        this.update = ParameterUpdate.of(((BaseMultiLayerUpdater<?>) net.getUpdater()).getUpdaterBlocks().get(0).getGradientUpdater(),
                (int) net.numParams());
        this.gemm = gemm(precision, weightOffsets, net.numParams());
        this.updateMirrors = gemm.mirror() != null && update.mirror(gemm.mirror());
        if (updateMirrors && update instanceof HeapAdam adam) {
            // the bf16 products read the mirror; only the biases are read in fp32 during training, so the rest of the
            // fp32 parameters (9.6 MB per teacher step) is written once, when someone reads the network
            long[][] biases = new long[dense][];
            for (int i = 0; i < dense; i++) biases[i] = new long[]{weightOffsets[i] + (long) layers[i].nIn * layers[i].nOut, layers[i].nOut};
            adam.deferParameters(biases);
        }
    }

    private static Gemm gemm(String precision, long[] weightOffsets, long parameters) {
        if (Precision.FP32.equals(precision)) return Gemm.Fp32.INSTANCE;
        if (!Precision.BF16.equals(precision)) {
            throw new IllegalArgumentException("unknown precision '" + precision + "', known: " + Precision.all());
        }
        return Bf16Gemm.create(weightOffsets, parameters);
    }

    /** The fused step for {@code net} in fp32, or empty when the network is not a shape this step computes. */
    public static Optional<TrainingStep> of(MultiLayerNetwork net) {
        return of(net, Precision.FP32);
    }

    /** The fused step for {@code net} with its products in {@code precision} ({@link Precision}), or empty as above. */
    public static Optional<TrainingStep> of(MultiLayerNetwork net, String precision) {
        return FusedMlpSupport.unsupported(net).isPresent() ? Optional.empty() : Optional.of(new FusedMlpStep(net, precision));
    }

    /** The per-batch-size arrays of one kind of pass, allocated once outside any workspace. */
    private final class Buffers {
        final int batch;
        final INDArray ones;
        final INDArray[] out;      // layer outputs: pre-activation, then ReLU'd in place
        final INDArray[] delta;    // dLoss/d(pre-activation)
        final INDArray[] mask;     // scaled dropout masks of a layer's input (null: no dropout)
        final INDArray[] dropped;  // a layer's input after dropout
        final float[][] activations; // heap copies of the hidden layers' ReLU outputs, also their backward masks
        final float[][] dropMask;    // heap copies of the scaled dropout masks
        final float[] rows;          // scratch for one [batch, widest] array
        final double[] logits;
        final double[] oneHot;
        final double[] targets;
        final double[] dLogits;
        final float[] rowMajor;

        Buffers(int batch, boolean withDropout) {
            this.batch = batch;
            int n = layers.length;
            out = new INDArray[n];
            delta = new INDArray[n];
            mask = new INDArray[n];
            dropped = new INDArray[n];
            activations = new float[n][];
            dropMask = new float[n][];
            int widest = 0;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                ones = Nd4j.ones(DataType.FLOAT, batch);
                for (int i = 0; i < n; i++) {
                    Dense d = layers[i];
                    out[i] = Nd4j.create(DataType.FLOAT, batch, d.nOut);
                    delta[i] = Nd4j.create(DataType.FLOAT, batch, d.nOut);
                    if (withDropout && d.retain < 1) {
                        mask[i] = Nd4j.create(DataType.FLOAT, batch, d.nIn);
                        dropped[i] = Nd4j.create(DataType.FLOAT, batch, d.nIn);
                        dropMask[i] = new float[batch * d.nIn];
                    }
                    if (d.relu) activations[i] = new float[batch * d.nOut];
                    widest = Math.max(widest, Math.max(d.nIn, d.nOut));
                }
            }
            logits = new double[batch * classes];
            oneHot = new double[batch * classes];
            targets = new double[batch * classes];
            dLogits = new double[batch * classes];
            rowMajor = new float[batch * classes];
            rows = new float[batch * widest];
        }
    }

    private Buffers buffers(Buffers current, int batch, boolean withDropout) {
        return current != null && current.batch == batch ? current : new Buffers(batch, withDropout);
    }

    /** Rows of {@code a} as a contiguous row-major float array (the batch arrays usually already are). */
    private static INDArray rowMajor(INDArray a) {
        return a.ordering() == 'c' && a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1 ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    /**
     * The forward pass into {@code buf}; returns each layer's input (after dropout) for the backward pass. The
     * elementwise parts (ReLU, dropout) run as Java loops on heap copies: ND4J spends ~50-80 us per op call here,
     * more than the arithmetic of a whole small layer, and the heap copies double as the backward pass's masks.
     */
    private INDArray[] forward(Buffers buf, INDArray features, boolean train) {
        int batch = buf.batch;
        INDArray[] inputs = new INDArray[layers.length];
        INDArray in = rowMajor(features);
        FloatPointer ones = Blas.pointer(buf.ones);
        gemm.beginPass(mirrorCurrent);
        for (int i = 0; i < layers.length; i++) {
            Dense d = layers[i];
            if (train && buf.mask[i] != null) in = dropout(buf, i, in);
            inputs[i] = in;
            FloatPointer out = Blas.pointer(buf.out[i]);
            gemm.forward(i, batch, d.nIn, d.nOut, Blas.pointer(in), d.wp, d.bp, ones, out);
            if (d.relu) {
                float[] a = buf.activations[i];
                int len = batch * d.nOut;
                out.get(a, 0, len);
                for (int k = 0; k < len; k++) a[k] = Math.max(a[k], 0f);   // NaN stays NaN: divergence is still seen
                out.put(a, 0, len);
            }
            in = buf.out[i];
        }
        forwardPasses++;
        return inputs;
    }

    /** Inverted dropout of layer {@code i}'s input: a Bernoulli(retain) mask from ND4J's RNG, scaled by 1/retain. */
    private INDArray dropout(Buffers buf, int i, INDArray in) {
        Dense d = layers[i];
        int len = buf.batch * d.nIn;
        Nd4j.getExecutioner().exec(new BernoulliDistribution(buf.mask[i], d.retain), Nd4j.getRandom());
        float[] mask = buf.dropMask[i];
        Blas.pointer(buf.mask[i]).get(mask, 0, len);
        float[] x = i > 0 && buf.activations[i - 1] != null ? buf.activations[i - 1] : buf.rows;
        if (x == buf.rows) Blas.pointer(in).get(x, 0, len);
        float scale = (float) (1.0 / d.retain);
        float[] y = buf.rows;
        for (int k = 0; k < len; k++) {
            mask[k] *= scale;
            y[k] = x[k] * mask[k];
        }
        Blas.pointer(buf.dropped[i]).put(y, 0, len);
        return buf.dropped[i];
    }

    /**
     * One step. The optimizer update goes to {@link SecondThread} when it is free and runs there while the training
     * thread moves on (the next model's step: memory-bound updates beside compute-bound products); it lands before
     * anything reads this model's parameters again ({@link #awaitUpdate}).
     */
    @Override
    public double fit(INDArray features, INDArray oneHot, INDArray targets, double alpha) {
        double loss = computeGradient(features, oneHot, targets, alpha);
        int iteration = net.getIterationCount();
        int epoch = net.getEpochCount();
        INDArray params = net.params();
        Runnable apply = () -> update.apply(params, gradient, iteration, epoch);
        pendingUpdate = SecondThread.start(apply);
        if (pendingUpdate == null) apply.run();
        mirrorCurrent = updateMirrors;   // every reader of the parameters awaits the update first
        net.setIterationCount(iteration + 1);
        net.setScore(loss);
        return loss;
    }

    @Override
    public void settle() {
        awaitUpdate();
    }

    /** Waits for the last step's optimizer update if it is still running on the helper thread. */
    private void awaitUpdate() {
        SecondThread.Job pending = pendingUpdate;
        if (pending != null) {
            pendingUpdate = null;
            pending.join();
        }
    }

    /** Forward (training mode), loss and backward into {@link #gradient()}; returns the batch's mean loss. */
    double computeGradient(INDArray features, INDArray oneHot, INDArray targets, double alpha) {
        awaitUpdate();
        if (targets != null && Double.isNaN(temperature)) {
            throw new IllegalStateException("this network has a labels-only head and cannot learn from soft targets");
        }
        int batch = (int) features.size(0);
        training = buffers(training, batch, true);
        Buffers buf = training;
        INDArray[] inputs = forward(buf, features, true);
        Runnable hook = onForward;
        if (hook != null) hook.run();
        int last = layers.length - 1;
        copy(buf.out[last], buf.logits, buf.rowMajor);
        copy(rowMajor(oneHot), buf.oneHot, buf.rowMajor);
        if (targets != null) copy(rowMajor(targets), buf.targets, buf.rowMajor);
        double loss = SoftLogitKd.lossAndGradient(buf.logits, buf.oneHot, targets == null ? null : buf.targets, batch, classes,
                Double.isNaN(temperature) ? 1.0 : temperature, alpha, buf.dLogits);
        for (int i = 0; i < buf.rowMajor.length; i++) buf.rowMajor[i] = (float) buf.dLogits[i];
        Blas.pointer(buf.delta[last]).put(buf.rowMajor, 0, buf.rowMajor.length);
        backward(buf, inputs);
        return loss;
    }

    /** The flat gradient of the last {@link #computeGradient}, laid out like {@code net.params()}. */
    INDArray gradient() {
        return gradient;
    }

    private void backward(Buffers buf, INDArray[] inputs) {
        int batch = buf.batch;
        FloatPointer ones = Blas.pointer(buf.ones);
        for (int i = layers.length - 1; i >= 0; i--) {
            Dense d = layers[i];
            FloatPointer delta = Blas.pointer(buf.delta[i]);
            gemm.weightGradient(i, batch, d.nIn, d.nOut, Blas.pointer(inputs[i]), delta, d.dwp);
            Blas.biasGradient(batch, d.nOut, delta, ones, d.dbp);
            if (i == 0) break;   // nothing learns the input: its gradient is never computed
            INDArray below = buf.delta[i - 1];
            gemm.inputGradient(i, batch, d.nIn, d.nOut, delta, d.wp, Blas.pointer(below));
            maskGradient(buf, i, below);
        }
    }

    /** The gradient below layer {@code i} times its dropout mask and ReLU'(z) = [relu(z) > 0], in one heap pass. */
    private void maskGradient(Buffers buf, int i, INDArray below) {
        int len = buf.batch * layers[i].nIn;
        float[] g = buf.rows;
        FloatPointer p = Blas.pointer(below);
        p.get(g, 0, len);
        float[] mask = buf.mask[i] != null ? buf.dropMask[i] : null;
        if (mask != null) for (int k = 0; k < len; k++) g[k] *= mask[k];
        float[] a = buf.activations[i - 1];
        for (int k = 0; k < len; k++) {
            // branch-free [a > 0]: a is a ReLU output (never -0.0), so a > 0 exactly when its bits are not 0; a
            // data-dependent branch here mispredicts half the time and costs 10x this loop
            int bits = Float.floatToRawIntBits(a[k]);
            int keep = (bits | -bits) >> 31;
            g[k] = Float.intBitsToFloat(Float.floatToRawIntBits(g[k]) & keep);
        }
        p.put(g, 0, len);
    }

    private static void copy(INDArray source, double[] into, float[] via) {
        int n = (int) source.length();
        Blas.pointer(source).get(via, 0, n);
        for (int i = 0; i < n; i++) into[i] = via[i];
    }

    @Override
    public INDArray trainingLogits() {
        if (training == null) throw new IllegalStateException("no training forward pass yet");
        return training.out[layers.length - 1];
    }

    @Override
    public INDArray inferenceLogits(INDArray features) {
        awaitUpdate();
        inference = buffers(inference, (int) features.size(0), false);
        forward(inference, features, false);
        return inference.out[layers.length - 1];
    }

    @Override
    public void onForward(Runnable hook) {
        this.onForward = hook;
    }

    @Override
    public long forwardPasses() {
        return forwardPasses;
    }

    @Override
    public MultiLayerNetwork network() {
        awaitUpdate();
        mirrorCurrent = false;   // the caller may change the parameters
        update.flush();
        return net;
    }

    @Override
    public String kind() {
        return Precision.FP32.equals(gemm.precision()) ? "fused" : "fused-" + gemm.precision();
    }

    /** The precision of this step's products ({@link Precision}). */
    String precision() {
        return gemm.precision();
    }
}
