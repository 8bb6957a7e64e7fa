package io.distill4j.model;

/** What a model's loss layer learns from: hard labels only, or soft targets plus labels. */
public enum Head {
    /** softmax cross-entropy on one-hot labels [batch, C] */
    LABELS,
    /** soft-logit KD on [target logits | one-hot] labels [batch, 2C] */
    DISTILL
}
