package io.distill4j.signal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One published piece of knowledge: who sent it, at which step, of which kind. {@code values} is detached
 * from the publisher's network (its own buffer), so reading it can never feed a gradient back.
 */
public record Signal(String publisher, SignalKind kind, long step, INDArray values) {
}
