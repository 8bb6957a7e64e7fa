package io.distill4j.step;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * The matrix products of the fused step ({@link FusedMlpStep}), in one precision. Operands and results are always
 * fp32 arrays laid out as in {@link Blas} (activations row-major {@code [batch, n]}, weights DL4J's column-major
 * {@code [nIn, nOut]}); an implementation may compute in a narrower type internally ({@link Bf16Gemm}).
 * <p>
 * Calls come in passes. {@link #beginPass()} starts one: parameters may have changed since the last pass, so
 * anything derived from them is stale. Within a pass an implementation may reuse what it derived from an operand at
 * an earlier call with the same layer and the same address (a layer's input between its forward product and its
 * weight gradient, its delta between the weight and the input gradient); the step never writes an operand between
 * those calls.
 */
interface Gemm {
    /**
     * A new forward (and possibly backward) pass begins. {@code mirrored}: the optimizer has written the current
     * parameters to {@link #mirror()} since they last changed, so nothing needs converting.
     */
    void beginPass(boolean mirrored);

    /**
     * A bf16 copy of the whole parameter vector, laid out like it, that the optimizer may keep current as it updates the
     * parameters (it is touching them anyway: rounding there is almost free); null if this implementation needs none.
     */
    ShortPointer mirror();

    /** {@code out[batch, nOut] = bias (every row) + in[batch, nIn] · w[nIn, nOut]}. */
    void forward(int layer, int batch, int nIn, int nOut, FloatPointer in, FloatPointer w, FloatPointer bias, FloatPointer ones,
                 FloatPointer out);

    /** {@code dw[nIn, nOut] = in[batch, nIn]^T · delta[batch, nOut]}, written column-major like the weights. */
    void weightGradient(int layer, int batch, int nIn, int nOut, FloatPointer in, FloatPointer delta, FloatPointer dw);

    /** {@code dIn[batch, nIn] = delta[batch, nOut] · w[nIn, nOut]^T}. */
    void inputGradient(int layer, int batch, int nIn, int nOut, FloatPointer delta, FloatPointer w, FloatPointer dIn);

    /** {@code fp32} or {@code bf16}. */
    String precision();

    /** fp32 throughout: OpenBLAS's sgemm ({@link Blas}). */
    final class Fp32 implements Gemm {
        static final Fp32 INSTANCE = new Fp32();

        private Fp32() {
        }

        @Override
        public void beginPass(boolean mirrored) {
            // nothing derived, nothing to invalidate
        }

        @Override
        public ShortPointer mirror() {
            return null;
        }

        @Override
        public void forward(int layer, int batch, int nIn, int nOut, FloatPointer in, FloatPointer w, FloatPointer bias,
                            FloatPointer ones, FloatPointer out) {
            Blas.forward(batch, nIn, nOut, in, w, bias, ones, out);
        }

        @Override
        public void weightGradient(int layer, int batch, int nIn, int nOut, FloatPointer in, FloatPointer delta, FloatPointer dw) {
            Blas.weightGradient(batch, nIn, nOut, in, delta, dw);
        }

        @Override
        public void inputGradient(int layer, int batch, int nIn, int nOut, FloatPointer delta, FloatPointer w, FloatPointer dIn) {
            Blas.inputGradient(batch, nIn, nOut, delta, w, dIn);
        }

        @Override
        public String precision() {
            return Precision.FP32;
        }
    }
}
