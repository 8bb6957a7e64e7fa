package io.distill4j.model.transformer;

import io.distill4j.loss.Term;
import io.distill4j.loss.TermKind;

import java.util.List;

/**
 * What a transformer's training graph distils: its loss terms (each with a weight placeholder, so a ramp feeds a
 * scalar and never rebuilds the graph), whether it carries an auxiliary layer (ALD), and the publisher's attention heads
 * and width, which the signal placeholders and a hidden term's projection are shaped by.
 */
public record Distillation(List<Term> terms, boolean ald, int publisherHeads, int publisherWidth) {
    public Distillation {
        terms = List.copyOf(terms);
        if (terms.isEmpty()) throw new IllegalArgumentException("a loss needs at least one term");
    }

    /** Cross-entropy with the labels alone: a teacher's, a twin's. */
    public static Distillation labelsOnly() {
        return new Distillation(List.of(Term.labels(1)), false, 0, 0);
    }

    /** Labels and soft logits at {@code temperature}: the loss before terms existed. */
    public static Distillation logits(double temperature) {
        return new Distillation(List.of(Term.labels(0.5), Term.logits(0.5, temperature)), false, 0, 0);
    }

    public boolean has(TermKind kind) {
        return terms.stream().anyMatch(t -> t.kind() == kind);
    }

    /** Whether the auxiliary layer needs value projections (a relations term bound to it). */
    boolean auxiliaryValues(int layers) {
        return ald && terms.stream().anyMatch(t -> t.kind() == TermKind.RELATIONS && t.studentLayer() == layers);
    }
}
