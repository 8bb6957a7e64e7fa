package io.distill4j.model;

import io.distill4j.loss.Term;
import io.distill4j.loss.TermKind;
import io.distill4j.signal.SignalKey;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * What a learner learns from in one step: its terms' weights at this step and the publisher's signals they read, or
 * labels alone ({@link #labelsOnly}: burn-in, a publisher's warm start, off-period steps' absence, twins and teachers).
 */
public record Lesson(List<Term> terms, double[] weights, Map<SignalKey, INDArray> signals) {
    private static final Lesson LABELS = new Lesson(List.of(Term.labels(1)), new double[]{1}, null);

    /** Cross-entropy with the labels at weight 1. */
    public static Lesson labelsOnly() {
        return LABELS;
    }

    /** Every term at its weight for online step {@code step}, reading {@code signals}. */
    public static Lesson at(List<Term> terms, long step, Map<SignalKey, INDArray> signals) {
        double[] w = new double[terms.size()];
        for (int i = 0; i < w.length; i++) w[i] = terms.get(i).weightAt(step);
        return new Lesson(terms, w, signals);
    }

    public boolean isLabelsOnly() {
        return signals == null;
    }

    /** The signal under {@code key}; fails if the lesson lacks it (the loop asks publishers for every key a term reads). */
    public INDArray signal(SignalKey key) {
        INDArray s = signals == null ? null : signals.get(key);
        if (s == null) throw new IllegalStateException("no " + key + " signal in this step's lesson");
        return s;
    }

    /** The summed weight of the terms of {@code kind} (0 if none). */
    public double weightOf(TermKind kind) {
        double sum = 0;
        for (int i = 0; i < terms.size(); i++) if (terms.get(i).kind() == kind) sum += weights[i];
        return sum;
    }
}
