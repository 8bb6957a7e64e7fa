package io.distill4j.model.transformer;

import io.distill4j.loss.Term;
import io.distill4j.loss.TermKind;
import io.distill4j.signal.SignalKind;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each loss term inside a whole transformer graph, in double precision: the gradient of the weighted loss w.r.t. every
 * parameter (the auxiliary layer's {@code aux_*} and the hidden projections' {@code proj_*} included) against central
 * finite differences, each term's value against an independent computation, and the loss against the weighted sum of
 * the term outputs.
 */
class DistillationTermsTest {
    static final DataType D = DataType.DOUBLE;
    static final int B = 3;
    static final int L = 6;
    static final int H = 8;
    static final int HEADS = 2;
    static final int VOCAB = 30;
    static final int CLASSES = 3;
    /** The publisher's width for hidden and relations terms: not the student's. */
    static final int WIDE = 12;

    static TransformerSpec spec(int layers, String norm, String pooling) {
        return new TransformerSpec(VOCAB, L, layers, H, HEADS, 16, 0.1, norm, pooling, CLASSES, 1e-3, 0.9, 0.999, 1e-8, 2.0, 17);
    }

    /** Token ids: row 0 full, rows 1 and 2 padded (PAD = 0) at the end. */
    static INDArray ids(DataType type) {
        return Nd4j.create(new double[][]{{2, 5, 6, 7, 3, 9}, {2, 9, 4, 11, 0, 0}, {2, 3, 0, 0, 0, 0}}).castTo(type);
    }

    static INDArray oneHot(DataType type) {
        INDArray y = Nd4j.zeros(type, B, CLASSES);
        for (int r = 0; r < B; r++) y.putScalar(r, (r * 2) % CLASSES, 1.0);
        return y;
    }

    static Term attention(double weight, int teacherLayer, int studentLayer) {
        return new Term(TermKind.ATTENTION, "attention", weight, 1, teacherLayer, studentLayer, 0, null);
    }

    static Term relations(double weight, int teacherLayer, int studentLayer, int relationHeads) {
        return new Term(TermKind.RELATIONS, "relations", weight, 1, teacherLayer, studentLayer, relationHeads, null);
    }

    static Term hidden(double weight, int teacherLayer, int studentLayer) {
        return new Term(TermKind.HIDDEN, "hidden", weight, 1, teacherLayer, studentLayer, 0, null);
    }

    /**
     * A publisher's attention: per batch row, head and query a softmax of random scores over the row's non-PAD keys,
     * exactly 0 on PAD keys (as a real model's attention is), [rows, heads, L, L].
     */
    static INDArray attentionSignal(INDArray ids, int heads, long seed, DataType type) {
        Random random = new Random(seed);
        long rows = ids.size(0);
        int length = (int) ids.size(1);
        INDArray out = Nd4j.zeros(DataType.DOUBLE, rows, heads, length, length);
        for (int b = 0; b < rows; b++) {
            for (int h = 0; h < heads; h++) {
                for (int q = 0; q < length; q++) {
                    double[] e = new double[length];
                    double sum = 0;
                    for (int k = 0; k < length; k++) {
                        if (ids.getDouble(b, k) != 0) sum += e[k] = Math.exp(2 * random.nextGaussian());
                    }
                    for (int k = 0; k < length; k++) out.putScalar(new long[]{b, h, q, k}, e[k] / sum);
                }
            }
        }
        return out.castTo(type);
    }

    static INDArray randomRows(long seed, long rows, long width, DataType type) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, rows, width).castTo(type);
    }

    /** Every placeholder of {@code d}'s graph: random signals of the publisher's shapes, weights {@code w}, masks of ones. */
    static Map<String, INDArray> placeholders(TransformerSpec spec, Distillation d, double[] w, DataType type) {
        Map<String, INDArray> ph = new HashMap<>();
        INDArray ids = ids(type);
        ph.put(TransformerGraph.IDS, ids);
        for (String site : TransformerGraph.dropoutSites(spec.layers())) ph.put(site, Nd4j.ones(type, B * L, spec.hidden()));
        for (int i = 0; i < d.terms().size(); i++) {
            Term t = d.terms().get(i);
            ph.put(TransformerGraph.weight(i), Nd4j.scalar(type, w[i]));
            switch (t.kind()) {
                case LABELS -> ph.put(TransformerGraph.ONE_HOT, oneHot(type));
                case LOGITS -> ph.put(TransformerGraph.TARGETS, randomRows(31, B, CLASSES, type).mul(2));
                case ATTENTION -> ph.put(TransformerGraph.signalName(SignalKind.ATTENTION, t.teacherLayer()),
                        attentionSignal(ids, d.publisherHeads(), 41 + t.teacherLayer(), type));
                case HIDDEN -> ph.put(TransformerGraph.signalName(SignalKind.HIDDEN, t.teacherLayer()),
                        randomRows(51, B * L, d.publisherWidth(), type));
                case RELATIONS -> {
                    SignalKind[] kinds = {SignalKind.QUERIES, SignalKind.KEYS, SignalKind.VALUES};
                    for (int j = 0; j < 3; j++) {
                        ph.put(TransformerGraph.signalName(kinds[j], t.teacherLayer()), randomRows(61 + j, B * L, d.publisherWidth(), type));
                    }
                }
            }
        }
        return ph;
    }

    /** The case's graph in double, its loss gradient checked against finite differences for every parameter; returns the graph. */
    private static TransformerGraph checked(TransformerSpec spec, Distillation d, Map<String, INDArray> ph) {
        TransformerGraph graph = TransformerGraph.build(spec, D, d);
        SameDiff sd = graph.sameDiff();
        TransformerGraph.Pass pass = graph.pass(ph, List.of(TransformerGraph.LOSS));
        Map<String, INDArray> grads = new HashMap<>();
        pass.gradients().forEach((k, v) -> grads.put(k, v.dup()));
        grads.put(TransformerGraph.TOKENS, TransformerGraph.tokenGradient(ids(D), grads.get(TransformerGraph.EMBED_ROWS), VOCAB));
        TransformerGraphTest.check(sd, TransformerGraph.LOSS, ph, graph.parameters(), 3, grads);
        return graph;
    }

    /** Term outputs and loss of one forward pass; asserts loss = sum_i w_i term_i and that the distillation term is not trivially 0. */
    private static double[] termsAndLoss(TransformerGraph graph, Distillation d, Map<String, INDArray> ph, double[] w) {
        int n = d.terms().size();
        String[] names = new String[n + 1];
        for (int i = 0; i < n; i++) names[i] = TransformerGraph.term(i);
        names[n] = TransformerGraph.LOSS;
        Map<String, INDArray> out = graph.sameDiff().output(ph, names);
        double[] terms = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            terms[i] = out.get(TransformerGraph.term(i)).getDouble(0);
            assertThat(terms[i]).as("term %d", i).isFinite();
            sum += w[i] * terms[i];
        }
        assertThat(out.get(TransformerGraph.LOSS).getDouble(0)).as("loss = sum w_i term_i").isCloseTo(sum, within(1e-12));
        return terms;
    }

    /** Builds, checks gradients and the weighted sum; returns the term values. */
    private static double[] check(TransformerSpec spec, Distillation d) {
        double[] w = new double[d.terms().size()];
        for (int i = 0; i < w.length; i++) w[i] = 0.6 + 0.7 * i;    // neither 0 nor 1, different per term
        Map<String, INDArray> ph = placeholders(spec, d, w, D);
        TransformerGraph graph = checked(spec, d, ph);
        double[] terms = termsAndLoss(graph, d, ph, w);
        for (double t : terms) assertThat(t).as("every term positive for random signals").isGreaterThan(1e-4);
        return terms;
    }

    private static boolean hasParameter(TransformerGraph g, String prefix) {
        return g.parameters().stream().anyMatch(p -> p.startsWith(prefix));
    }

    @Test
    void labelsTermAloneIsTheCrossEntropy() {
        TransformerSpec spec = spec(1, "pre", "mean");
        Distillation d = Distillation.labelsOnly();
        double[] w = {0.8};
        Map<String, INDArray> ph = placeholders(spec, d, w, D);
        TransformerGraph graph = checked(spec, d, ph);
        double[] terms = termsAndLoss(graph, d, ph, w);
        INDArray z = graph.sameDiff().output(ph, TransformerGraph.LOGITS).get(TransformerGraph.LOGITS);
        double ce = 0;
        INDArray y = oneHot(D);
        for (int r = 0; r < B; r++) {
            double max = z.getRow(r).maxNumber().doubleValue();
            double lse = 0;
            for (int c = 0; c < CLASSES; c++) lse += Math.exp(z.getDouble(r, c) - max);
            for (int c = 0; c < CLASSES; c++) ce -= y.getDouble(r, c) * (z.getDouble(r, c) - max - Math.log(lse));
        }
        assertThat(terms[0]).isCloseTo(ce / B, within(1e-12));
    }

    @Test
    void logitsTermBackpropagatesAndIsTheTemperedKl() {
        TransformerSpec spec = spec(1, "post", "cls");
        Distillation d = new Distillation(List.of(Term.labels(0.5), Term.logits(0.5, 2.5)), false, 0, 0);
        double[] w = {0.6, 1.3};
        Map<String, INDArray> ph = placeholders(spec, d, w, D);
        TransformerGraph graph = checked(spec, d, ph);
        double[] terms = termsAndLoss(graph, d, ph, w);
        INDArray z = graph.sameDiff().output(ph, TransformerGraph.LOGITS).get(TransformerGraph.LOGITS);
        INDArray t = ph.get(TransformerGraph.TARGETS);
        double kl = 0;
        for (int r = 0; r < B; r++) {
            double[] p = softmax(t.getRow(r).toDoubleVector(), 2.5);
            double[] q = softmax(z.getRow(r).toDoubleVector(), 2.5);
            for (int c = 0; c < CLASSES; c++) kl += p[c] * (Math.log(p[c]) - Math.log(q[c]));
        }
        assertThat(terms[1]).isCloseTo(2.5 * 2.5 * kl / B, within(1e-12));
    }

    private static double[] softmax(double[] z, double temperature) {
        double max = java.util.Arrays.stream(z).max().orElse(0);
        double[] p = new double[z.length];
        double sum = 0;
        for (int i = 0; i < z.length; i++) sum += p[i] = Math.exp((z[i] - max) / temperature);
        for (int i = 0; i < z.length; i++) p[i] /= sum;
        return p;
    }

    /** KL(teacher || student) summed over keys, averaged over heads and the non-PAD queries, by loops. */
    static double attentionKlByHand(INDArray teacher, INDArray student, INDArray ids) {
        double sum = 0;
        int queries = 0;
        long heads = teacher.size(1);
        for (int b = 0; b < ids.size(0); b++) {
            for (int q = 0; q < ids.size(1); q++) {
                if (ids.getDouble(b, q) == 0) continue;
                queries++;
                for (int h = 0; h < heads; h++) {
                    for (int k = 0; k < ids.size(1); k++) {
                        double t = teacher.getDouble(b, h, q, k);
                        if (t > 0) sum += t * (Math.log(t) - Math.log(student.getDouble(b, h, q, k)));
                    }
                }
            }
        }
        return sum / (heads * (double) queries);
    }

    /** An attention term on a real layer (the publisher's layer 1 to the student's 0): gradient and value by hand. */
    @Test
    void attentionTermOnARealLayer() {
        TransformerSpec spec = spec(1, "pre", "mean");
        Distillation d = new Distillation(List.of(Term.labels(0.5), attention(1, 1, 0)), false, HEADS, H);
        double[] w = {0.6, 1.3};
        Map<String, INDArray> ph = placeholders(spec, d, w, D);
        TransformerGraph graph = checked(spec, d, ph);
        assertThat(hasParameter(graph, TransformerGraph.AUXILIARY)).isFalse();
        double[] terms = termsAndLoss(graph, d, ph, w);
        INDArray own = graph.sameDiff().output(ph, TransformerGraph.attention(0)).get(TransformerGraph.attention(0)).dup();
        INDArray signal = ph.get(TransformerGraph.signalName(SignalKind.ATTENTION, 1));
        assertThat(terms[1]).isCloseTo(attentionKlByHand(signal, own, ids(D)), within(1e-12)).isGreaterThan(0.05);
        // the student's own attention as the signal: nothing to learn
        Map<String, INDArray> same = new HashMap<>(ph);
        same.put(TransformerGraph.signalName(SignalKind.ATTENTION, 1), own);
        assertThat(graph.sameDiff().output(same, TransformerGraph.term(1)).get(TransformerGraph.term(1)).getDouble(0)).isCloseTo(0.0, within(1e-12));
    }

    /** ALD: the term binds to the auxiliary layer (index = layers), whose aux_* parameters (LayerNorm in pre-norm) get checked too. */
    @Test
    void attentionTermOnTheAuxiliaryLayer() {
        for (String norm : List.of("pre", "post")) {
            TransformerSpec spec = spec(1, norm, "mean");
            Distillation d = new Distillation(List.of(Term.labels(0.5), attention(1, 0, 1)), true, HEADS, H);
            double[] w = {0.6, 1.3};
            Map<String, INDArray> ph = placeholders(spec, d, w, D);
            TransformerGraph graph = checked(spec, d, ph);
            List<String> aux = graph.parameters().stream().filter(p -> p.startsWith(TransformerGraph.AUXILIARY)).toList();
            assertThat(aux).as(norm).containsExactlyElementsOf("pre".equals(norm)
                    ? List.of("aux_ln1_g", "aux_ln1_b", "aux_q_w", "aux_q_b", "aux_k_w", "aux_k_b")
                    : List.of("aux_q_w", "aux_q_b", "aux_k_w", "aux_k_b"));
            double[] terms = termsAndLoss(graph, d, ph, w);
            INDArray own = graph.sameDiff().output(ph, TransformerGraph.attention(1)).get(TransformerGraph.attention(1)).dup();
            INDArray signal = ph.get(TransformerGraph.signalName(SignalKind.ATTENTION, 0));
            assertThat(terms[1]).as(norm).isCloseTo(attentionKlByHand(signal, own, ids(D)), within(1e-12)).isGreaterThan(0.05);
            Map<String, INDArray> same = new HashMap<>(ph);
            same.put(TransformerGraph.signalName(SignalKind.ATTENTION, 0), own);
            assertThat(graph.sameDiff().output(same, TransformerGraph.term(1)).get(TransformerGraph.term(1)).getDouble(0))
                    .as(norm).isCloseTo(0.0, within(1e-12));
        }
    }

    /** Relations from a wider publisher (12 vs 8, 4 relation heads divide both) on a real layer. */
    @Test
    void relationsTermOnARealLayerFromAWiderPublisher() {
        TransformerSpec spec = spec(1, "pre", "mean");
        Distillation d = new Distillation(List.of(Term.labels(0.5), relations(1, 1, 0, 4)), false, 3, WIDE);
        double[] terms = check(spec, d);
        assertThat(terms[1]).isGreaterThan(0.01);
    }

    /** Relations on the auxiliary layer: it then carries value projections, aux_v_*, checked with the rest. */
    @Test
    void relationsTermOnTheAuxiliaryLayerFromAWiderPublisher() {
        TransformerSpec spec = spec(1, "post", "cls");
        Distillation d = new Distillation(List.of(Term.labels(0.5), relations(1, 0, 1, 2)), true, 3, WIDE);
        TransformerGraph graph = TransformerGraph.build(spec, D, d);
        assertThat(graph.parameters()).contains("aux_q_w", "aux_k_w", "aux_v_w", "aux_v_b");
        check(spec, d);
    }

    /**
     * Relations value by an independent path: a same-width publisher whose queries, keys and values are the student's
     * own gives exactly 0 (each of the three KLs compares a distribution with itself).
     */
    @Test
    void relationsOfTheStudentsOwnProjectionsAreZero() {
        TransformerSpec spec = spec(2, "pre", "mean");
        Distillation d = new Distillation(List.of(Term.labels(0.5), relations(1, 1, 1, 2)), false, HEADS, H);
        double[] w = {0.6, 1.3};
        Map<String, INDArray> ph = placeholders(spec, d, w, D);
        TransformerGraph graph = TransformerGraph.build(spec, D, d);
        assertThat(termsAndLoss(graph, d, ph, w)[1]).isGreaterThan(0.01);
        Map<String, INDArray> own = graph.sameDiff().output(ph, "q_1", "k_1", "v_1");
        Map<String, INDArray> same = new HashMap<>(ph);
        same.put(TransformerGraph.signalName(SignalKind.QUERIES, 1), own.get("q_1").dup());
        same.put(TransformerGraph.signalName(SignalKind.KEYS, 1), own.get("k_1").dup());
        same.put(TransformerGraph.signalName(SignalKind.VALUES, 1), own.get("v_1").dup());
        assertThat(graph.sameDiff().output(same, TransformerGraph.term(1)).get(TransformerGraph.term(1)).getDouble(0)).isCloseTo(0.0, within(1e-12));
    }

    /** Hidden states through a learned projection proj_1 [8, 12] to a wider publisher: gradient, and the value by hand. */
    @Test
    void hiddenTermProjectsToAWiderPublisher() {
        TransformerSpec spec = spec(1, "post", "mean");
        Distillation d = new Distillation(List.of(Term.labels(0.5), hidden(1, 1, 0)), false, 3, WIDE);
        double[] w = {0.6, 1.3};
        Map<String, INDArray> ph = placeholders(spec, d, w, D);
        TransformerGraph graph = checked(spec, d, ph);
        assertThat(graph.parameters()).contains(TransformerGraph.PROJECTION + 1);
        INDArray projection = graph.sameDiff().getVariable(TransformerGraph.PROJECTION + 1).getArr();
        assertThat(projection.shape()).containsExactly(H, WIDE);
        double[] terms = termsAndLoss(graph, d, ph, w);
        INDArray projected = graph.sameDiff().output(ph, TransformerGraph.hidden(0)).get(TransformerGraph.hidden(0)).mmul(projection);
        INDArray teacher = ph.get(TransformerGraph.signalName(SignalKind.HIDDEN, 1));
        INDArray flat = ids(D).reshape(B * L);
        double sum = 0;
        int positions = 0;
        for (int i = 0; i < B * L; i++) {
            if (flat.getDouble(i) == 0) continue;
            positions++;
            for (int j = 0; j < WIDE; j++) sum += Math.pow(projected.getDouble(i, j) - teacher.getDouble(i, j), 2);
        }
        assertThat(terms[1]).isCloseTo(sum / (positions * (double) WIDE), within(1e-12));
    }

    /**
     * Every kind at once, two of them twice (two logits terms at different temperatures, two attention terms reading
     * one publisher layer: one signal placeholder), with ALD: the config layer allows repeated kinds for transformers.
     */
    @Test
    void everyKindAtOnceWithRepeatedKinds() {
        TransformerSpec spec = spec(2, "pre", "mean");
        Term secondLogits = new Term(TermKind.LOGITS, "logits.1", 0.2, 4.0, -1, -1, 0, null);
        Term secondAttention = new Term(TermKind.ATTENTION, "attention.1", 0.2, 1, 1, 2, 0, null);
        Distillation d = new Distillation(List.of(Term.labels(0.5), Term.logits(0.5, 1.0), secondLogits, attention(1, 1, 0),
                secondAttention, relations(1, 0, 2, 2), hidden(1, 1, 1)), true, HEADS, H);
        double[] terms = check(spec, d);
        assertThat(terms).hasSize(7);
        assertThat(terms[1]).as("two temperatures, two values").isNotCloseTo(terms[2], within(1e-6));
    }

    /** The parameter list is the real model's, then the training-only ones: real weights start the same with or without them. */
    @Test
    void trainingOnlyParametersComeAfterTheRealOnesAndStartTheRealOnesAlike() {
        TransformerSpec spec = spec(2, "pre", "mean");
        TransformerGraph plain = TransformerGraph.build(spec, D, Distillation.labelsOnly());
        Distillation d = new Distillation(List.of(Term.labels(0.5), relations(1, 0, 2, 2), hidden(1, 1, 0)), true, 3, WIDE);
        TransformerGraph full = TransformerGraph.build(spec, D, d);
        List<String> real = new ArrayList<>(full.parameters());
        real.removeIf(TransformerGraph::trainingOnly);
        assertThat(full.parameters().subList(0, real.size())).isEqualTo(plain.parameters());
        assertThat(full.parameters().subList(real.size(), full.parameters().size())).allMatch(TransformerGraph::trainingOnly).isNotEmpty();
        for (String p : plain.parameters()) {
            assertThat(full.sameDiff().getVariable(p).getArr().dup().data().asDouble()).as(p)
                    .containsExactly(plain.sameDiff().getVariable(p).getArr().dup().data().asDouble());
        }
    }
}
