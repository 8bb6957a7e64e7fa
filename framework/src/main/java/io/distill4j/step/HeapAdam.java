package io.distill4j.step;

import io.distill4j.optim.AdamRule;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Adam with its moments on the Java heap, where HotSpot vectorises the loop (sqrt and divide included). ND4J's
 * native Adam op spends ~3 ns per parameter on this machine (7 ms per teacher step) because its sqrt is not
 * vectorised. Here the gradient is copied to the heap and the parameters back (memcpy speed) around a loop
 * HotSpot vectorises: ~2.5 ms for the teacher's 2.4M parameters, bound by memory bandwidth. The heap copy of the
 * parameters is the one of record between updates (no copy in per step); {@link #flush()} hands the record back to
 * the network, whose reader may change it, so the next update reads the parameters again.
 * Same update rule as ND4J's {@code adam_updater} op. The moments of record are DL4J's updater views:
 * {@link #flush()} writes them there before a checkpoint or export reads the network, so checkpoints keep
 * DL4J's format and a restored network continues from its saved moments.
 */
final class HeapAdam implements ParameterUpdate {
    /** Below this many parameters the update runs whole on the caller: a hand-off would cost more. */
    private static final int MIN_SPLIT = 1 << 16;
    private final AdamUpdater dl4j;
    private final int n;
    private final float[] m;
    private final float[] v;
    private final float[] g;
    private final float[] p;
    private boolean dirty;
    /** Whether {@link #p} holds the current parameters (false until the first update, and after each flush). */
    private boolean onHeap;
    /**
     * Parameter ranges ({offset, length}) written back to the network at every update when the rest may wait for
     * {@link #flush()}; null: every parameter is written back at every update.
     */
    private long[][] eager;
    private boolean parametersPending;
    /** Where the updated parameters also go, rounded to bf16 ({@link #mirror}); null: nowhere. */
    private ShortPointer mirror;
    private short[] h;

    HeapAdam(AdamUpdater dl4j, int length) {
        this.dl4j = dl4j;
        this.n = length;
        if (dl4j.getM() == null || dl4j.getM().length() != length || dl4j.getV().length() != length) {
            throw new IllegalArgumentException("Adam state does not cover the " + length + " parameters");
        }
        m = new float[n];
        v = new float[n];
        g = new float[n];
        p = new float[n];
        Blas.pointer(dl4j.getM()).get(m, 0, n);
        Blas.pointer(dl4j.getV()).get(v, 0, n);
    }

    @Override
    public void apply(INDArray params, INDArray gradient, int iteration, int epoch) {
        Adam c = dl4j.getConfig();
        float step = AdamRule.correctedStep(c.getLearningRate(iteration, epoch), c.getBeta1(), c.getBeta2(), c.getEpsilon(), iteration + 1);
        FloatPointer params0 = Blas.pointer(params);
        FloatPointer gradient0 = Blas.pointer(gradient);
        float b1 = (float) c.getBeta1();
        float b2 = (float) c.getBeta2();
        float eps = (float) c.getEpsilon();
        int chunks = n < MIN_SPLIT ? 1 : 8;
        SecondThread.chunks(chunks, i -> {
            int start = SecondThread.boundary(n, chunks, i, 64);
            int len = SecondThread.boundary(n, chunks, i + 1, 64) - start;
            // own pointer objects per chunk: a pointer's position is mutable, and chunks run on two threads
            FloatPointer pp = new FloatPointer(params0).position(start);
            new FloatPointer(gradient0).position(start).get(g, start, len);
            if (!onHeap) pp.get(p, start, len);
            AdamRule.update(p, m, v, g, start, len, b1, b2, eps, step);
            if (eager == null) pp.put(p, start, len);
            if (mirror != null) {
                toBf16(start, len);
                new ShortPointer(mirror).position(start).put(h, start, len);
            }
        });
        if (eager != null) {
            for (long[] r : eager) new FloatPointer(params0).position(r[0]).put(p, (int) r[0], (int) r[1]);
            parametersPending = true;
            lastParams = params0;
        }
        onHeap = true;
        dirty = true;
    }

    /** The network's parameters the last update deferred writing to. */
    private FloatPointer lastParams;

    /**
     * Lets updates write only {@code ranges} ({offset, length}) of the parameters back to the network, the rest at the
     * next {@link #flush()}: for a step whose products read a bf16 mirror and only the biases in fp32.
     */
    void deferParameters(long[][] ranges) {
        this.eager = ranges;
    }

    @Override
    public boolean mirror(ShortPointer mirror) {
        this.mirror = mirror;
        this.h = new short[n];
        return true;
    }

    /** p rounded to bf16 (to nearest, ties to even: oneDNN's rounding) into h; a loop HotSpot vectorises. */
    private void toBf16(int start, int len) {
        float[] p = this.p;
        short[] h = this.h;
        for (int i = start; i < start + len; i++) {
            int bits = Float.floatToRawIntBits(p[i]);
            h[i] = (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
        }
    }

    @Override
    public void flush() {
        if (parametersPending) {
            lastParams.put(p, 0, n);
            parametersPending = false;
        }
        onHeap = false;   // whoever reads the network may change its parameters
        if (!dirty) return;
        Blas.pointer(dl4j.getM()).put(m, 0, n);
        Blas.pointer(dl4j.getV()).put(v, 0, n);
        dirty = false;
    }
}
