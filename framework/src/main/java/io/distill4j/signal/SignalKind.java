package io.distill4j.signal;

/**
 * The kinds of knowledge a publisher can send from its training forward pass: logits {@code [batch, classes]}; a
 * transformer layer's attention probabilities {@code [batch, heads, length, length]}, hidden states (the layer's output)
 * and query, key and value projections, each {@code [batch * length, width]}.
 */
public enum SignalKind {
    LOGITS, ATTENTION, HIDDEN, QUERIES, KEYS, VALUES
}
