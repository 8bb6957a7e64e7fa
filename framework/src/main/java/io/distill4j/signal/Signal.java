package io.distill4j.signal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One published piece of knowledge: who sent it, which one (kind and layer), at which step. {@code values} is detached
 * from the publisher's graph (a copy, not a variable of it), so reading it can never feed a gradient back; the copy is the
 * publisher's capture buffer, which its next training pass overwrites, so a signal is read within its step
 * ({@link SignalChannel#at}).
 */
public record Signal(String publisher, SignalKey key, long step, INDArray values) {
    /** Its size in bytes: what sending it costs in memory. */
    public long bytes() {
        return values.length() * values.dataType().width();
    }
}
