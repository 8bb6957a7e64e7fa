package io.distill4j.loss;

/**
 * One resolved loss term of a learner: what it compares ({@code kind}), its weight (optionally ramped), and the keys its
 * kind reads. Layers are indices from 0, already resolved ({@code last} is the publisher's or learner's last layer; with
 * ALD a learner's {@code last} attention-type layer is the auxiliary one, index {@code layers}).
 *
 * @param label a name unique among the learner's terms, for logs ({@code attention}, or {@code attention.1} for a second one)
 */
public record Term(TermKind kind, String label, double weight, double temperature, int teacherLayer, int studentLayer,
                   int relationHeads, Ramp ramp) {
    /** A term's weight that rises linearly from {@code start} at step {@code from} to the term's weight at step {@code to}. */
    public record Ramp(long from, long to, double start) {
        public Ramp {
            if (from < 0 || to <= from) throw new IllegalArgumentException("a ramp needs 0 <= from < to, got " + from + ".." + to);
        }
    }

    public static Term labels(double weight) {
        return new Term(TermKind.LABELS, TermKind.LABELS.configName(), weight, 1, -1, -1, 0, null);
    }

    public static Term logits(double weight, double temperature) {
        return new Term(TermKind.LOGITS, TermKind.LOGITS.configName(), weight, temperature, -1, -1, 0, null);
    }

    /** The loss before terms existed: {@code (1 - alpha) CE + alpha T^2 KL}, as its two terms. */
    public static java.util.List<Term> softLogits(double alpha, double temperature) {
        return java.util.List.of(labels(1 - alpha), logits(alpha, temperature));
    }

    /** The weight at online step {@code step} (1-based, as the loop counts). */
    public double weightAt(long step) {
        if (ramp == null || step >= ramp.to()) return weight;
        if (step <= ramp.from()) return ramp.start();
        double f = (double) (step - ramp.from()) / (ramp.to() - ramp.from());
        return ramp.start() + f * (weight - ramp.start());
    }
}
