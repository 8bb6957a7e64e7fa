package io.distill4j.step;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;

/** One optimizer step on a flat parameter vector, from the gradient of the batch's mean loss. */
interface ParameterUpdate {
    void apply(INDArray params, INDArray gradient, int iteration, int epoch);

    /** Writes optimizer state kept outside the network back into the network's updater (before it is read). */
    void flush();

    /**
     * Asks this update to also write the updated parameters, rounded to bf16, into {@code mirror} (laid out like the
     * parameter vector) at every {@link #apply}; false if it does not (the bf16 products then round them themselves).
     */
    default boolean mirror(org.bytedeco.javacpp.ShortPointer mirror) {
        return false;
    }

    /** Adam runs on the Java heap ({@link HeapAdam}); every other optimizer runs DL4J's own updater. */
    static ParameterUpdate of(GradientUpdater<?> updater, int length) {
        if (updater instanceof AdamUpdater adam) return new HeapAdam(adam, length);
        return new Dl4jUpdate(updater);
    }

    /** DL4J's updater applied to the fused step's gradient: its state lives in the network already. */
    record Dl4jUpdate(GradientUpdater<?> updater) implements ParameterUpdate {
        @Override
        public void apply(INDArray params, INDArray gradient, int iteration, int epoch) {
            updater.applyUpdater(gradient, iteration, epoch);
            params.subi(gradient.reshape(params.shape()));
        }

        @Override
        public void flush() {
            // nothing held elsewhere
        }
    }
}
