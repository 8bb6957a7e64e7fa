package io.distill4j.step;

import io.distill4j.loss.SoftLogitKd;
import io.distill4j.loss.SoftLogitKdLoss;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * A whole training step of the {@code cnn} family (ReLU convolutions, each optionally max-pooled, then ReLU dense
 * layers, the logits and the loss head) written directly on BLAS and Java loops over buffers allocated once, in
 * the manner of {@link FusedMlpStep}. A convolution is im2col + one product over the whole batch
 * ({@link Blas#convForward}); its weight gradient and the gradient of its im2col matrix are one product each, the
 * latter folded back onto the input by col2im. Bias + ReLU, max pooling (with the argmax of every window kept for
 * the backward pass) and the layout changes are Java loops on heap arrays, shared with {@link SecondThread} when
 * large. Inside the step the convolution activations are laid out channel-major over the whole batch
 * ({@code [C, B, H, W]}: one product per layer, no per-sample calls); the input is DL4J's NCHW and the flattening
 * into the first dense layer is DL4J's NCHW order, so the parameters are DL4J's own, used in place. The dense layers,
 * dropout, loss and optimizer are the MLP step's. The same arithmetic as DL4J's step up to float rounding (tested
 * against DL4J's gradient and fit).
 */
public final class FusedCnnStep implements TrainingStep {
    private final MultiLayerNetwork net;
    private final Conv[] convs;
    private final Dense[] layers;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    /** The KD head's temperature; NaN for a labels-only head. */
    private final double temperature;
    private final INDArray gradient;
    private final ParameterUpdate update;
    private Buffers training;
    private Buffers inference;
    private Runnable onForward;
    private SecondThread.Job pendingUpdate;
    private long forwardPasses;
    /** Per-phase nanoseconds when {@code -Ddistill4j.profile=true}: a simple timer for finding where a step's time goes. */
    private static final boolean PROFILE = Boolean.getBoolean("distill4j.profile");
    private static final String[] PHASES = {"conv fwd (im2col+gemm+pool)", "dense fwd", "loss", "dense bwd", "other",
            "unpool", "db+dW gemm", "dCol gemm+col2im"};
    private static final List<FusedCnnStep> PROFILED = new ArrayList<>();
    private final long[] phaseNanos = new long[PHASES.length];
    private long mark;
    private long steps;

    static {
        if (PROFILE) Runtime.getRuntime().addShutdownHook(new Thread(FusedCnnStep::printProfile));
    }

    private void tick(int phase) {
        if (!PROFILE) return;
        long now = System.nanoTime();
        phaseNanos[phase] += now - mark;
        mark = now;
    }

    /** Thread time (both threads) in the forward blocks: im2col, product, pooling of the first convolution, then of the others. */
    private final AtomicLong[] blockNanos = {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()};

    private static synchronized void printProfile() {
        for (FusedCnnStep s : PROFILED) {
            long total = Arrays.stream(s.phaseNanos).sum();
            StringBuilder b = new StringBuilder(String.format("fused cnn profile, %d params, %d steps, %.2f ms/step:", s.net.numParams(),
                    s.steps, total / 1e6 / Math.max(1, s.steps)));
            for (int i = 0; i < PHASES.length; i++) b.append(String.format(" %s %.2f", PHASES[i], s.phaseNanos[i] / 1e6 / Math.max(1, s.steps)));
            String[] block = {"im2col", "gemm", "pool"};
            b.append("; thread time in forward blocks:");
            for (int i = 0; i < 6; i++) {
                b.append(String.format(" %s%s %.2f", i < 3 ? "conv1 " : "conv2+ ", block[i % 3], s.blockNanos[i].get() / 1e6 / Math.max(1, s.steps)));
            }
            System.err.println(b);
        }
    }

    /** A ReLU convolution (square kernel k, stride 1, no padding) and the max pooling after it (pool = 1: none). */
    private record Conv(int cin, int cout, int k, int inH, int inW, int outH, int outW, int pool, int poolH, int poolW,
                        FloatPointer wp, FloatPointer bp, FloatPointer dwp, FloatPointer dbp) {
        int rows() {
            return cin * k * k;
        }

        int outPlane() {
            return outH * outW;
        }

        int stagePlane() {
            return pool > 1 ? poolH * poolW : outH * outW;
        }
    }

    /** As in {@link FusedMlpStep}: one dense layer and the keep-probability of dropout on its input. */
    private record Dense(int nIn, int nOut, boolean relu, double retain, FloatPointer wp, FloatPointer bp,
                         FloatPointer dwp, FloatPointer dbp) {
    }

    private FusedCnnStep(MultiLayerNetwork net) {
        this.net = net;
        this.gradient = Nd4j.create(DataType.FLOAT, 1, net.numParams());
        long base = net.params().offset();
        FeedForwardToCnnPreProcessor image = (FeedForwardToCnnPreProcessor) net.getLayerWiseConfigurations().getInputPreProcessors().get(0);
        this.channels = (int) image.getNumChannels();
        this.height = (int) image.getInputHeight();
        this.width = (int) image.getInputWidth();
        List<Conv> convList = new ArrayList<>();
        List<Dense> denseList = new ArrayList<>();
        int c = channels;
        int h = height;
        int w = width;
        long covered = 0;
        int n = net.getnLayers();
        for (int i = 0; i < n - 1; i++) {
            Layer layer = net.getLayer(i);
            if (layer.conf().getLayer() instanceof ConvolutionLayer conf) {
                int k = conf.getKernelSize()[0];
                int cout = (int) conf.getNOut();
                INDArray wv = layer.getParam("W");
                INDArray bv = layer.getParam("b");
                if (conf.getNIn() != c || !Arrays.equals(wv.shape(), new long[]{cout, c, k, k})
                        || !Arrays.equals(wv.stride(), new long[]{(long) c * k * k, (long) k * k, k, 1}) || bv.length() != cout) {
                    throw new IllegalStateException("unexpected convolution parameters in layer " + i);
                }
                int outH = h - k + 1;
                int outW = w - k + 1;
                int pool = 1;
                if (i + 1 < n - 1 && net.getLayer(i + 1).conf().getLayer() instanceof SubsamplingLayer s) {
                    pool = s.getKernelSize()[0];
                    i++;
                }
                int poolH = outH / pool;
                int poolW = outW / pool;
                convList.add(new Conv(c, cout, k, h, w, outH, outW, pool, poolH, poolW, Blas.pointer(wv), Blas.pointer(bv),
                        Blas.pointer(view(wv.offset() - base, wv.length())), Blas.pointer(view(bv.offset() - base, cout))));
                covered += wv.length() + cout;
                c = cout;
                h = pool > 1 ? poolH : outH;
                w = pool > 1 ? poolW : outW;
            } else {
                DenseLayer conf = (DenseLayer) layer.conf().getLayer();
                int nIn = (int) conf.getNIn();
                int nOut = (int) conf.getNOut();
                INDArray wv = layer.getParam("W");
                INDArray bv = layer.getParam("b");
                if (denseList.isEmpty() && nIn != c * h * w) throw new IllegalStateException("first dense layer's nIn " + nIn + " != " + c * h * w);
                if (wv.ordering() != 'f' || wv.length() != (long) nIn * nOut || bv.length() != nOut) {
                    throw new IllegalStateException("unexpected parameter layout in layer " + i);
                }
                double retain = conf.getIDropout() == null ? 1.0 : ((Dropout) conf.getIDropout()).getP();
                denseList.add(new Dense(nIn, nOut, conf.getActivationFn() instanceof ActivationReLU, retain, Blas.pointer(wv),
                        Blas.pointer(bv), Blas.pointer(view(wv.offset() - base, wv.length())), Blas.pointer(view(bv.offset() - base, nOut))));
                covered += wv.length() + nOut;
            }
        }
        if (covered != net.numParams()) throw new IllegalStateException("the layers cover " + covered + " of " + net.numParams() + " parameters");
        this.convs = convList.toArray(new Conv[0]);
        this.layers = denseList.toArray(new Dense[0]);
        this.classes = layers[layers.length - 1].nOut;
        LossLayer head = (LossLayer) net.getLayerWiseConfigurations().getConf(n - 1).getLayer();
        this.temperature = head.getLossFn() instanceof SoftLogitKdLoss kd ? kd.getTemperature() : Double.NaN;
        this.update = ParameterUpdate.of(((BaseMultiLayerUpdater<?>) net.getUpdater()).getUpdaterBlocks().get(0).getGradientUpdater(),
                (int) net.numParams());
        if (PROFILE) {
            synchronized (FusedCnnStep.class) {
                PROFILED.add(this);
            }
        }
    }

    private INDArray view(long offset, long length) {
        return gradient.get(point(0), interval(offset, offset + length));
    }

    /** The fused step for {@code net}, or empty when the network is not a shape this step computes. */
    public static Optional<TrainingStep> of(MultiLayerNetwork net) {
        return FusedCnnSupport.unsupported(net).isPresent() ? Optional.empty() : Optional.of(new FusedCnnStep(net));
    }

    /** The per-batch-size arrays of one kind of pass, allocated once outside any workspace. */
    private final class Buffers {
        final int batch;
        final boolean train;
        final float[] input;       // the batch, NCHW
        final INDArray[] colT;     // im2col matrices [rows, batch * outPlane], kept for the weight gradient
        final INDArray[] convOut;  // convolution products [cout, batch * outPlane] (before bias)
        final float[][] act;       // bias + ReLU of an unpooled stage, heap (null: pooled)
        final float[][] pooled;    // outputs of pooled stages [cout, batch, poolH, poolW]: max of the window + bias, ReLU'd
        final int[][] argmax;      // index into convOut of each window's first maximum
        final float[] flat;        // the last stage flattened NCHW [batch, features]
        final INDArray denseIn;
        final float[][] bias;      // heap copies of the convolutions' biases
        // backward
        final INDArray[] dOut;     // dLoss/d(convolution pre-activation), native
        final INDArray[] dCol;     // dLoss/d(im2col matrix), native
        final float[][] dStage;    // dLoss/d(stage output), heap, [cout, batch, plane]
        final INDArray dFlat;
        final INDArray ones;
        // dense part, as in FusedMlpStep
        final INDArray[] out;
        final INDArray[] delta;
        final INDArray[] mask;
        final INDArray[] dropped;
        final float[][] activations;
        final float[][] dropMask;
        final float[] rows;
        final double[] logits;
        final double[] oneHot;
        final double[] targets;
        final double[] dLogits;
        final float[] rowMajor;

        Buffers(int batch, boolean train) {
            this.batch = batch;
            this.train = train;
            int s = convs.length;
            int n = layers.length;
            input = new float[batch * channels * height * width];
            colT = new INDArray[s];
            convOut = new INDArray[s];
            act = new float[s][];
            pooled = new float[s][];
            argmax = new int[s][];
            bias = new float[s][];
            dOut = new INDArray[s];
            dCol = new INDArray[s];
            dStage = new float[s][];
            out = new INDArray[n];
            delta = new INDArray[n];
            mask = new INDArray[n];
            dropped = new INDArray[n];
            activations = new float[n][];
            dropMask = new float[n][];
            int features = layers[0].nIn;
            flat = new float[batch * features];
            long longest = batch;
            int widest = features;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                for (int l = 0; l < s; l++) {
                    Conv c = convs[l];
                    int pixels = batch * c.outPlane();
                    longest = Math.max(longest, pixels);
                    bias[l] = new float[c.cout];
                    int ld = ld(c, batch);
                    colT[l] = Nd4j.create(DataType.FLOAT, (long) c.rows() * ld);
                    convOut[l] = Nd4j.create(DataType.FLOAT, (long) c.cout * ld);
                    if (c.pool > 1) {
                        pooled[l] = new float[c.cout * batch * c.stagePlane()];
                        argmax[l] = new int[pooled[l].length];
                    } else {
                        act[l] = new float[c.cout * pixels];
                    }
                    if (train) {
                        dOut[l] = Nd4j.create(DataType.FLOAT, (long) c.cout * ld);
                        if (l > 0) dCol[l] = Nd4j.create(DataType.FLOAT, (long) c.rows() * ld);
                        dStage[l] = new float[c.cout * batch * c.stagePlane()];
                    }
                }
                denseIn = Nd4j.create(DataType.FLOAT, batch, features);
                dFlat = train ? Nd4j.create(DataType.FLOAT, batch, features) : null;
                ones = Nd4j.ones(DataType.FLOAT, longest);
                for (int i = 0; i < n; i++) {
                    Dense d = layers[i];
                    out[i] = Nd4j.create(DataType.FLOAT, batch, d.nOut);
                    delta[i] = Nd4j.create(DataType.FLOAT, batch, d.nOut);
                    if (train && d.retain < 1) {
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

        float[] stageOut(int l) {
            return pooled[l] != null ? pooled[l] : act[l];
        }
    }

    private Buffers buffers(Buffers current, int batch, boolean train) {
        return current != null && current.batch == batch ? current : new Buffers(batch, train);
    }

    private static INDArray rowMajor(INDArray a) {
        return a.ordering() == 'c' && a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1 ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    private INDArray[] forward(Buffers buf, INDArray features, boolean train) {
        int batch = buf.batch;
        INDArray x = rowMajor(features);
        if (x.length() != buf.input.length) throw new IllegalArgumentException("features of " + x.length() + " values, expected " + buf.input.length);
        Blas.pointer(x).get(buf.input, 0, buf.input.length);
        float[] in = buf.input;
        if (PROFILE) mark = System.nanoTime();
        for (int l = 0; l < convs.length; l++) {
            convForward(buf, l, in, l == 0);
            in = buf.stageOut(l);
        }
        Conv last = convs[convs.length - 1];
        flatten(in, buf.flat, last.cout, batch, last.stagePlane());
        Blas.pointer(buf.denseIn).put(buf.flat, 0, buf.flat.length);
        INDArray[] inputs = new INDArray[layers.length];
        INDArray din = buf.denseIn;
        FloatPointer ones = Blas.pointer(buf.ones);
        for (int i = 0; i < layers.length; i++) {
            Dense d = layers[i];
            if (train && buf.mask[i] != null) din = dropout(buf, i, din);
            inputs[i] = din;
            FloatPointer out = Blas.pointer(buf.out[i]);
            Blas.forward(batch, d.nIn, d.nOut, Blas.pointer(din), d.wp, d.bp, ones, out);
            if (d.relu) {
                float[] a = buf.activations[i];
                int len = batch * d.nOut;
                out.get(a, 0, len);
                for (int k = 0; k < len; k++) a[k] = Math.max(a[k], 0f);
                out.put(a, 0, len);
            }
            din = buf.out[i];
        }
        tick(1);
        forwardPasses++;
        return inputs;
    }

    /**
     * Samples per block of a convolution: a block's im2col columns (~512 KB) stay in cache from im2col through the
     * product and pooling, or from the column-gradient product through col2im.
     */
    /**
     * Row stride of a convolution's native [rows or channels, batch * outPlane] matrices: a few floats more than a
     * row, so that rows do not start at the same offset modulo 4 KB (batch 128 makes rows of 32 KB and 288 KB,
     * whose cache-set aliasing made the products and loops over them 3x slower).
     */
    private static int ld(Conv c, int batch) {
        return batch * c.outPlane() + 16;
    }

    private static int blockSamples(Conv c) {
        return Math.max(1, (128 << 10) / (c.rows() * c.outPlane()));
    }

    /** Convolution {@code l} (+ bias, ReLU, pooling) of {@code in}: NCHW for the network's input, else [C, B, H, W]. */
    private void convForward(Buffers buf, int l, float[] in, boolean nchw) {
        Conv c = convs[l];
        int batch = buf.batch;
        int pixels = batch * c.outPlane();
        int op = c.outPlane();
        FloatPointer colT = Blas.pointer(buf.colT[l]);
        FloatPointer out = Blas.pointer(buf.convOut[l]);
        long colAddr = NativeFloats.address(colT);
        long outAddr = NativeFloats.address(out);
        float[] bias = buf.bias[l];
        c.bp.get(bias, 0, c.cout);
        int per = blockSamples(c);
        int blocks = (batch + per - 1) / per;
        SecondThread.chunks(blocks, i -> {
            int b0 = i * per;
            int b1 = Math.min(batch, b0 + per);
            long t0 = PROFILE ? System.nanoTime() : 0;
            im2col(c, in, nchw, batch, colAddr, b0, b1);
            long t1 = PROFILE ? System.nanoTime() : 0;
            Blas.convForward(c.cout, c.rows(), ld(c, batch), b0 * op, b1 * op, c.wp, colT, out);
            long t2 = PROFILE ? System.nanoTime() : 0;
            if (c.pool > 1) maxPool(c, outAddr, bias, buf.pooled[l], buf.argmax[l], batch, b0, b1);
            else biasRelu(c, outAddr, bias, buf.act[l], batch, b0, b1);
            if (PROFILE) {
                // summed over both threads
                long t3 = System.nanoTime();
                blockNanos[3 * Math.min(l, 1)].addAndGet(t1 - t0);
                blockNanos[3 * Math.min(l, 1) + 1].addAndGet(t2 - t1);
                blockNanos[3 * Math.min(l, 1) + 2].addAndGet(t3 - t2);
            }
        });
        tick(0);
    }

    /**
     * Columns of samples {@code [b0, b1)} of the im2col matrix, written into native memory: row (channel, kh, kw),
     * column (sample, oy, ox) holds {@code in[sample, channel, oy + kh, ox + kw]}.
     */
    private static void im2col(Conv c, float[] in, boolean nchw, int batch, long col, int b0, int b1) {
        int k = c.k;
        int op = c.outPlane();
        long ld = ld(c, batch);
        int plane = c.inH * c.inW;
        int outH = c.outH;
        int outW = c.outW;
        int inW = c.inW;
        for (int r = 0; r < c.rows(); r++) {
            int ch = r / (k * k);
            int kh = r / k % k;
            int kw = r % k;
            long dst = col + ((r * ld + (long) b0 * op) << 2);
            for (int b = b0; b < b1; b++) {
                int src = (nchw ? b * c.cin + ch : ch * batch + b) * plane + kh * inW + kw;
                for (int oy = 0; oy < outH; oy++, src += inW) {
                    for (int ox = 0; ox < outW; ox++, dst += 4) NativeFloats.U.putFloat(dst, in[src + ox]);
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col} for samples {@code [b0, b1)}: the column gradient (native) summed into
     * {@code dIn} ([C, B, H, W], heap).
     */
    private static void col2im(Conv c, long dCol, int batch, float[] dIn, int b0, int b1) {
        int k = c.k;
        int op = c.outPlane();
        long ld = ld(c, batch);
        int plane = c.inH * c.inW;
        int outH = c.outH;
        int outW = c.outW;
        int inW = c.inW;
        for (int ch = 0; ch < c.cin; ch++) Arrays.fill(dIn, (ch * batch + b0) * plane, (ch * batch + b1) * plane, 0f);
        for (int r = 0; r < c.rows(); r++) {
            int ch = r / (k * k);
            int kh = r / k % k;
            int kw = r % k;
            long src = dCol + ((r * ld + (long) b0 * op) << 2);
            for (int b = b0; b < b1; b++) {
                int dst = (ch * batch + b) * plane + kh * inW + kw;
                for (int oy = 0; oy < outH; oy++, dst += inW) {
                    for (int ox = 0; ox < outW; ox++, src += 4) dIn[dst + ox] += NativeFloats.U.getFloat(src);
                }
            }
        }
    }

    /** Bias + ReLU of an unpooled convolution's samples {@code [b0, b1)}, into the heap. */
    private static void biasRelu(Conv c, long out, float[] bias, float[] act, int batch, int b0, int b1) {
        int op = c.outPlane();
        int pixels = batch * op;
        int ld = ld(c, batch);
        for (int ch = 0; ch < c.cout; ch++) {
            float b = bias[ch];
            long shift = (long) ch * (ld - pixels);
            for (int j = ch * pixels + b0 * op, end = ch * pixels + b1 * op; j < end; j++) {
                act[j] = Math.max(NativeFloats.get(out, j + shift) + b, 0f);
            }
        }
    }

    /**
     * Max pooling of samples {@code [b0, b1)} of the convolution's raw product, with bias and ReLU applied to each
     * window's maximum: max(relu(x + b)) = relu(max(x) + b), a quarter of the work. Keeps the index of each window's
     * first maximum for the backward pass, where the gradient goes (DL4J's choice on ties).
     */
    private static void maxPool(Conv c, long out, float[] bias, float[] p, int[] arg, int batch, int b0, int b1) {
        int pool = c.pool;
        int outW = c.outW;
        int op = c.outPlane();
        int pp = c.poolH * c.poolW;
        int ld = ld(c, batch);
        for (int ch = 0; ch < c.cout; ch++) {
            float bb = bias[ch];
            for (int b = b0; b < b1; b++) {
                int q = ch * batch + b;
                int inBase = ch * ld + b * op;
                int o = q * pp;
                for (int py = 0; py < c.poolH; py++) {
                    for (int px = 0; px < c.poolW; px++, o++) {
                        int corner = inBase + py * pool * outW + px * pool;
                        int best = corner;
                        float m = NativeFloats.get(out, corner);
                        if (pool == 2) {
                            float v1 = NativeFloats.get(out, corner + 1);
                            float v2 = NativeFloats.get(out, corner + outW);
                            float v3 = NativeFloats.get(out, corner + outW + 1);
                            best = v1 > m ? corner + 1 : best;
                            m = Math.max(m, v1);
                            best = v2 > m ? corner + outW : best;
                            m = Math.max(m, v2);
                            best = v3 > m ? corner + outW + 1 : best;
                            m = Math.max(m, v3);
                        } else {
                            for (int dy = 0; dy < pool; dy++) {
                                for (int dx = 0; dx < pool; dx++) {
                                    int idx = corner + dy * outW + dx;
                                    float v = NativeFloats.get(out, idx);
                                    if (v > m) {
                                        m = v;
                                        best = idx;
                                    }
                                }
                            }
                        }
                        p[o] = Math.max(m + bb, 0f);
                        arg[o] = best;
                    }
                }
            }
        }
    }

    /** [C, B, plane] to NCHW rows [B, C * plane]. */
    private static void flatten(float[] s, float[] flat, int channels, int batch, int plane) {
        for (int ch = 0; ch < channels; ch++) {
            for (int b = 0; b < batch; b++) System.arraycopy(s, (ch * batch + b) * plane, flat, (b * channels + ch) * plane, plane);
        }
    }

    private static void unflatten(float[] flat, float[] s, int channels, int batch, int plane) {
        for (int ch = 0; ch < channels; ch++) {
            for (int b = 0; b < batch; b++) System.arraycopy(flat, (b * channels + ch) * plane, s, (ch * batch + b) * plane, plane);
        }
    }

    /** As {@link FusedMlpStep}'s: inverted dropout of dense layer {@code i}'s input, a Bernoulli(retain) mask from ND4J's RNG. */
    private INDArray dropout(Buffers buf, int i, INDArray in) {
        Dense d = layers[i];
        int len = buf.batch * d.nIn;
        Nd4j.getExecutioner().exec(new BernoulliDistribution(buf.mask[i], d.retain), Nd4j.getRandom());
        float[] mask = buf.dropMask[i];
        Blas.pointer(buf.mask[i]).get(mask, 0, len);
        float[] x = i == 0 ? buf.flat : buf.activations[i - 1];
        float scale = (float) (1.0 / d.retain);
        float[] y = buf.rows;
        for (int k = 0; k < len; k++) {
            mask[k] *= scale;
            y[k] = x[k] * mask[k];
        }
        Blas.pointer(buf.dropped[i]).put(y, 0, len);
        return buf.dropped[i];
    }

    @Override
    public double fit(INDArray features, INDArray oneHot, INDArray targets, double alpha) {
        double loss = computeGradient(features, oneHot, targets, alpha);
        int iteration = net.getIterationCount();
        int epoch = net.getEpochCount();
        INDArray params = net.params();
        Runnable apply = () -> update.apply(params, gradient, iteration, epoch);
        pendingUpdate = SecondThread.start(apply);
        if (pendingUpdate == null) apply.run();
        net.setIterationCount(iteration + 1);
        net.setScore(loss);
        return loss;
    }

    @Override
    public void settle() {
        awaitUpdate();
    }

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
        tick(2);
        denseBackward(buf, inputs);
        tick(3);
        for (int l = convs.length - 1; l >= 0; l--) convBackward(buf, l);
        steps++;
        return loss;
    }

    /** The flat gradient of the last {@link #computeGradient}, laid out like {@code net.params()}. */
    INDArray gradient() {
        return gradient;
    }

    private void denseBackward(Buffers buf, INDArray[] inputs) {
        int batch = buf.batch;
        FloatPointer ones = Blas.pointer(buf.ones);
        for (int i = layers.length - 1; i >= 0; i--) {
            Dense d = layers[i];
            FloatPointer delta = Blas.pointer(buf.delta[i]);
            Blas.weightGradient(batch, d.nIn, d.nOut, Blas.pointer(inputs[i]), delta, d.dwp);
            Blas.biasGradient(batch, d.nOut, delta, ones, d.dbp);
            INDArray below = i == 0 ? buf.dFlat : buf.delta[i - 1];
            Blas.inputGradient(batch, d.nIn, d.nOut, delta, d.wp, Blas.pointer(below));
            int len = batch * d.nIn;
            float[] g = buf.rows;
            FloatPointer p = Blas.pointer(below);
            p.get(g, 0, len);
            if (buf.mask[i] != null) {
                float[] mask = buf.dropMask[i];
                for (int k = 0; k < len; k++) g[k] *= mask[k];
            }
            if (i == 0) {
                // the last stage's output is a max of ReLU outputs: its ReLU mask is applied where the gradient is unpooled
                Conv c = convs[convs.length - 1];
                unflatten(g, buf.dStage[convs.length - 1], c.cout, batch, c.stagePlane());
                break;
            }
            float[] a = buf.activations[i - 1];
            for (int k = 0; k < len; k++) {
                int bits = Float.floatToRawIntBits(a[k]);
                int keep = (bits | -bits) >> 31;
                g[k] = Float.intBitsToFloat(Float.floatToRawIntBits(g[k]) & keep);
            }
            p.put(g, 0, len);
        }
    }

    /** Convolution stage {@code l} backward from {@code dStage[l]}: its parameter gradients and, below the first, dStage[l - 1]. */
    private void convBackward(Buffers buf, int l) {
        Conv c = convs[l];
        int batch = buf.batch;
        int op = c.outPlane();
        int pixels = batch * op;
        float[] dStage = buf.dStage[l];
        FloatPointer dOut = Blas.pointer(buf.dOut[l]);
        long dOutAddr = NativeFloats.address(dOut);
        int per = blockSamples(c);
        int blocks = (batch + per - 1) / per;
        SecondThread.chunks(blocks, i -> {
            int b0 = i * per;
            int b1 = Math.min(batch, b0 + per);
            if (c.pool > 1) unpool(c, buf.pooled[l], buf.argmax[l], dStage, dOutAddr, batch, b0, b1);
            else reluGradient(c, buf.act[l], dStage, dOutAddr, batch, b0, b1);
        });
        tick(5);
        Blas.rowSums(c.cout, pixels, ld(c, batch), dOut, Blas.pointer(buf.ones), c.dbp);
        Blas.convWeightGradient(c.cout, c.rows(), pixels, ld(c, batch), dOut, Blas.pointer(buf.colT[l]), c.dwp);
        tick(6);
        if (l == 0) return;   // nothing learns the input
        FloatPointer dCol = Blas.pointer(buf.dCol[l]);
        long dColAddr = NativeFloats.address(dCol);
        float[] dIn = buf.dStage[l - 1];
        SecondThread.chunks(blocks, i -> {
            int b0 = i * per;
            int b1 = Math.min(batch, b0 + per);
            Blas.convColumnGradient(c.cout, c.rows(), ld(c, batch), b0 * op, b1 * op, c.wp, dOut, dCol);
            col2im(c, dColAddr, batch, dIn, b0, b1);
        });
        tick(7);
    }

    /** The pooled gradient of samples {@code [b0, b1)} to each window's maximum, times ReLU' there ([pooled > 0]); zero elsewhere. */
    private static void unpool(Conv c, float[] pooled, int[] arg, float[] dStage, long dOut, int batch, int b0, int b1) {
        int op = c.outPlane();
        int pp = c.poolH * c.poolW;
        long ld = ld(c, batch);
        for (int ch = 0; ch < c.cout; ch++) {
            NativeFloats.zero(dOut, ch * ld + (long) b0 * op, (long) (b1 - b0) * op);
            for (int j = (ch * batch + b0) * pp, end = (ch * batch + b1) * pp; j < end; j++) {
                // branch-free [pooled > 0] (pooled is a ReLU output, never -0.0): a data-dependent branch mispredicts
                // half the time; every window's maximum gets a store, of zero where the ReLU was off
                int bits = Float.floatToRawIntBits(pooled[j]);
                int keep = (bits | -bits) >> 31;
                NativeFloats.put(dOut, arg[j], Float.intBitsToFloat(Float.floatToRawIntBits(dStage[j]) & keep));
            }
        }
    }

    /** The stage gradient of samples {@code [b0, b1)} times ReLU'(z) = [relu(z) > 0], into native memory. */
    private static void reluGradient(Conv c, float[] act, float[] dStage, long dOut, int batch, int b0, int b1) {
        int op = c.outPlane();
        int pixels = batch * op;
        int ld = ld(c, batch);
        for (int ch = 0; ch < c.cout; ch++) {
            long shift = (long) ch * (ld - pixels);
            for (int k = ch * pixels + b0 * op, end = ch * pixels + b1 * op; k < end; k++) {
                int bits = Float.floatToRawIntBits(act[k]);
                int keep = (bits | -bits) >> 31;
                NativeFloats.put(dOut, k + shift, Float.intBitsToFloat(Float.floatToRawIntBits(dStage[k]) & keep));
            }
        }
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
        update.flush();
        return net;
    }

    @Override
    public String kind() {
        return "fused";
    }
}
