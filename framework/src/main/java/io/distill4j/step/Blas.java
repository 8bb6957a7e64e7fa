package io.distill4j.step;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

/**
 * The dense-layer products of the fused step as direct single-precision BLAS calls on ND4J's own buffers (the
 * OpenBLAS that ND4J loads): no copies, no temporaries, no per-call shape checks. Activations are row-major
 * {@code [batch, n]}; weights are DL4J's {@code [nIn, nOut]} column-major ('f') views of the parameter vector.
 * A product of at least {@link #SPLIT_MACS} multiply-adds is cut in two column blocks shared with
 * {@link SecondThread}: with OpenBLAS itself on one thread, this keeps both cores busy without the spinning
 * OpenBLAS workers that slow every elementwise op between products. Small products run whole on the caller,
 * where thread hand-offs would cost more than they save.
 */
final class Blas {
    /** 4M multiply-adds: ~50 us on one core, several times the cost of a hand-off. */
    static final long SPLIT_MACS = 4_000_000L;

    private Blas() {
    }

    /** The address of a float array's first element (views included: ND4J's view buffers carry their offset). */
    static FloatPointer pointer(INDArray a) {
        if (a.dataType() != DataType.FLOAT) throw new IllegalArgumentException("fused step needs FLOAT arrays, got " + a.dataType());
        return (FloatPointer) a.data().addressPointer();
    }

    static FloatPointer at(FloatPointer p, long offset) {
        return offset == 0 ? p : new FloatPointer(p).position(p.position() + offset);
    }

    /**
     * Column blocks for a product: one when small, else two. Each block repacks the shared operand, so more blocks
     * cost more than the late-thread waiting they save: two beat four in 26 of 40 paired runs and three in 17 of 20.
     * If the helper is late, the caller takes the second block too.
     */
    private static int blocks(long m, long n, long k) {
        return SecondThread.AVAILABLE && m * n * k >= SPLIT_MACS && n >= 64 ? 2 : 1;
    }

    /** Runs {@code body(c0, c1)} over column blocks of [0, n), multiples of 16 columns (a SIMD register of floats). */
    private static void inBlocks(int count, int n, ColumnRange body) {
        SecondThread.chunks(count, i -> body.run(SecondThread.boundary(n, count, i, 16), SecondThread.boundary(n, count, i + 1, 16)));
    }

    @FunctionalInterface
    private interface ColumnRange {
        void run(int c0, int c1);
    }

    /** {@code out[batch, nOut] = bias (every row) + in[batch, nIn] · w[nIn, nOut]}. */
    static void forward(int batch, int nIn, int nOut, FloatPointer in, FloatPointer w, FloatPointer bias, FloatPointer ones,
                        FloatPointer out) {
        inBlocks(blocks(batch, nOut, nIn), nOut, (c0, c1) -> forwardColumns(batch, nIn, nOut, c0, c1, in, w, bias, ones, out));
    }

    private static void forwardColumns(int batch, int nIn, int nOut, int c0, int c1, FloatPointer in, FloatPointer w,
                                       FloatPointer bias, FloatPointer ones, FloatPointer out) {
        FloatPointer o = at(out, c0);
        // the bias row into every row (a rank-1 product with a column of ones), then accumulate the product on it
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, batch, c1 - c0, 1, 1f, ones, 1, at(bias, c0), nOut, 0f, o, nOut);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch, c1 - c0, nIn, 1f, in, nIn, at(w, (long) c0 * nIn), nIn,
                1f, o, nOut);
    }

    /** {@code dw[nIn, nOut] = in[batch, nIn]^T · delta[batch, nOut]}, written column-major like the weights. */
    static void weightGradient(int batch, int nIn, int nOut, FloatPointer in, FloatPointer delta, FloatPointer dw) {
        inBlocks(blocks(nIn, nOut, batch), nOut, (c0, c1) -> weightGradientColumns(batch, nIn, nOut, c0, c1, in, delta, dw));
    }

    private static void weightGradientColumns(int batch, int nIn, int nOut, int c0, int c1, FloatPointer in,
                                              FloatPointer delta, FloatPointer dw) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, c1 - c0, nIn, batch, 1f, at(delta, c0), nOut, in, nIn, 0f,
                at(dw, (long) c0 * nIn), nIn);
    }

    /** {@code db[nOut] = sum over rows of delta[batch, nOut]}. */
    static void biasGradient(int batch, int nOut, FloatPointer delta, FloatPointer ones, FloatPointer db) {
        cblas_sgemv(CblasRowMajor, CblasTrans, batch, nOut, 1f, delta, nOut, ones, 1, 0f, db, 1);
    }

    /** {@code dIn[batch, nIn] = delta[batch, nOut] · w[nIn, nOut]^T}. */
    static void inputGradient(int batch, int nIn, int nOut, FloatPointer delta, FloatPointer w, FloatPointer dIn) {
        inBlocks(blocks(batch, nIn, nOut), nIn, (c0, c1) -> inputGradientColumns(batch, nIn, nOut, c0, c1, delta, w, dIn));
    }

    private static void inputGradientColumns(int batch, int nIn, int nOut, int c0, int c1, FloatPointer delta, FloatPointer w,
                                             FloatPointer dIn) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, batch, c1 - c0, nOut, 1f, delta, nOut, at(w, c0), nIn, 0f,
                at(dIn, c0), nIn);
    }

    /**
     * Columns {@code [c0, c1)} of a convolution's forward product {@code out[cOut, n] = w[cOut, k] · colT[k, n]}, with
     * {@code w} DL4J's {@code [nOut, nIn, kH, kW]} ('c') weights and {@code colT} the im2col matrix of the batch
     * (rows: input channel and kernel offset; columns: sample and output pixel). The caller cuts the batch into
     * blocks small enough that a block's columns are still in cache from im2col (3x the speed of one product over
     * the whole batch, which OpenBLAS packs from memory).
     */
    static void convForward(int cOut, int k, int ld, int c0, int c1, FloatPointer w, FloatPointer colT, FloatPointer out) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cOut, c1 - c0, k, 1f, w, k, at(colT, c0), ld, 0f, at(out, c0), ld);
    }

    /**
     * {@code dw[cOut, k] = dOut[cOut, n] · colT[k, n]^T}: the convolution's weight gradient, laid out like its weights.
     * {@code ld}: the row stride of dOut and colT.
     */
    static void convWeightGradient(int cOut, int k, int n, int ld, FloatPointer dOut, FloatPointer colT, FloatPointer dw) {
        inBlocks(blocks(cOut, k, n), k, (c0, c1) ->
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, cOut, c1 - c0, n, 1f, dOut, ld, at(colT, (long) c0 * ld), ld, 0f,
                        at(dw, c0), k));
    }

    /** Columns {@code [c0, c1)} of {@code dCol[k, n] = w[cOut, k]^T · dOut[cOut, n]}: the gradient of the im2col matrix. */
    static void convColumnGradient(int cOut, int k, int ld, int c0, int c1, FloatPointer w, FloatPointer dOut, FloatPointer dCol) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, c1 - c0, cOut, 1f, w, k, at(dOut, c0), ld, 0f, at(dCol, c0), ld);
    }

    /** {@code db[rows] = sum over columns of a[rows, n]} (row-major, row stride {@code ld}). */
    static void rowSums(int rows, int n, int ld, FloatPointer a, FloatPointer ones, FloatPointer db) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, rows, n, 1f, a, ld, ones, 1, 0f, db, 1);
    }
}
