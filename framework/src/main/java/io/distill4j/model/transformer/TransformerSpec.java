package io.distill4j.model.transformer;

import java.util.List;

/**
 * The shape and training settings of one transformer encoder. {@code norm} is {@code pre} (LayerNorm before each
 * sub-layer, and once more before pooling) or {@code post} (after each residual sum, as in the original Transformer);
 * {@code pooling} is {@code mean} (over non-pad positions) or {@code cls} (position 0, where the data layer puts CLS).
 * {@code temperature} is the KD head's; {@code seed} draws the initial weights and the dropout masks.
 */
public record TransformerSpec(int vocabSize, int maxLength, int layers, int hidden, int heads, int ffn, double dropout,
                              String norm, String pooling, int classes, double learningRate, double beta1, double beta2,
                              double epsilon, double temperature, long seed) {
    public static final List<String> NORMS = List.of("pre", "post");
    public static final List<String> POOLINGS = List.of("mean", "cls");

    public TransformerSpec {
        if (vocabSize < 4 || maxLength < 1 || layers < 1 || hidden < 1 || heads < 1 || ffn < 1 || classes < 2) {
            throw new IllegalArgumentException("transformer sizes must be positive (vocabSize >= 4, classes >= 2)");
        }
        if (hidden % heads != 0) throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1): " + dropout);
        if (!NORMS.contains(norm)) throw new IllegalArgumentException("norm must be one of " + NORMS + ": " + norm);
        if (!POOLINGS.contains(pooling)) throw new IllegalArgumentException("pooling must be one of " + POOLINGS + ": " + pooling);
    }

    /** What differs between this architecture and {@code other}'s (sizes, norm, pooling), or null if nothing does. */
    public String architectureDifference(TransformerSpec other) {
        List<String> out = new java.util.ArrayList<>();
        if (vocabSize != other.vocabSize) out.add("vocabulary " + vocabSize + " (this model: " + other.vocabSize + ")");
        if (maxLength != other.maxLength) out.add("maxLength " + maxLength + " (this model: " + other.maxLength + ")");
        if (layers != other.layers) out.add("layers " + layers + " (this model: " + other.layers + ")");
        if (hidden != other.hidden) out.add("hidden " + hidden + " (this model: " + other.hidden + ")");
        if (heads != other.heads) out.add("heads " + heads + " (this model: " + other.heads + ")");
        if (ffn != other.ffn) out.add("ffn " + ffn + " (this model: " + other.ffn + ")");
        if (!norm.equals(other.norm)) out.add("norm " + norm + " (this model: " + other.norm + ")");
        if (!pooling.equals(other.pooling)) out.add("pooling " + pooling + " (this model: " + other.pooling + ")");
        if (classes != other.classes) out.add("classes " + classes + " (this model: " + other.classes + ")");
        return out.isEmpty() ? null : "the saved model has " + String.join(", ", out);
    }

    public boolean preNorm() {
        return "pre".equals(norm);
    }

    /** Width of one attention head. */
    public int headSize() {
        return hidden / heads;
    }

    /** Trainable parameters, counted from the layout {@link TransformerGraph} builds. */
    public long parameters() {
        long h = hidden;
        long block = 4 * (h * h + h) + 2 * (2 * h) + (h * ffn + ffn) + ((long) ffn * h + h);
        return (long) vocabSize * h + (long) maxLength * h + layers * block + (preNorm() ? 2 * h : 0) + h * classes + classes;
    }
}
