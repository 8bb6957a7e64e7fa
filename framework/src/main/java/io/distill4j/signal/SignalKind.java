package io.distill4j.signal;

/** The kinds of knowledge a publisher can send. Attention and hidden-state signals arrive with the transformer family. */
public enum SignalKind {
    LOGITS
}
