package io.distill4j.loss;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The registry of distillation loss terms, by the name a config writes ({@code distill.terms[].term}). Each says what
 * it learns from and which of a term's keys it reads, so that validation and the graphs never disagree.
 *
 * <ul>
 *   <li>{@code labels}: cross-entropy with the one-hot labels;</li>
 *   <li>{@code logits}: T^2 KL(softmax(t/T) || softmax(z/T)) of the publisher's logits (Hinton);</li>
 *   <li>{@code attention}: KL(A_teacher || A_student) of one layer's attention distributions, averaged over heads and
 *       non-PAD queries (ERNIE 3.0 Titan, MiniLM); head counts must match;</li>
 *   <li>{@code relations}: MiniLMv2's Q-Q, K-K and V-V self-relation KL (mean of the three) over a relation-head count
 *       that divides both widths, so widths and head counts may differ;</li>
 *   <li>{@code hidden}: MSE of one layer's hidden states through a learned projection (TinyBERT).</li>
 * </ul>
 */
public enum TermKind {
    LABELS("labels", false, false),
    LOGITS("logits", false, false),
    ATTENTION("attention", true, true),
    RELATIONS("relations", true, true),
    HIDDEN("hidden", true, false);

    private final String configName;
    private final boolean layered;
    private final boolean attentionType;

    TermKind(String configName, boolean layered, boolean attentionType) {
        this.configName = configName;
        this.layered = layered;
        this.attentionType = attentionType;
    }

    /** The name a config writes. */
    public String configName() {
        return configName;
    }

    /** Whether it reads {@code teacherLayer}/{@code studentLayer} (a transformer's internals). */
    public boolean layered() {
        return layered;
    }

    /** Whether it compares attention-like distributions: with ALD, its {@code studentLayer: last} is the auxiliary layer. */
    public boolean attentionType() {
        return attentionType;
    }

    /** Whether it needs a publisher's signal (everything but the labels). */
    public boolean needsPublisher() {
        return this != LABELS;
    }

    /** Whether it reads {@code temperature}. */
    public boolean readsTemperature() {
        return this == LOGITS;
    }

    /** Whether it reads {@code relationHeads}. */
    public boolean readsRelationHeads() {
        return this == RELATIONS;
    }

    public static Optional<TermKind> byName(String name) {
        return Arrays.stream(values()).filter(k -> k.configName.equals(name)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(TermKind::configName).toList();
    }
}
