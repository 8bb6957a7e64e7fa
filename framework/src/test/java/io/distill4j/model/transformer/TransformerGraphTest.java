package io.distill4j.model.transformer;

import io.distill4j.loss.SoftLogitKd;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences in double precision against SameDiff's gradient, block by block and for whole pre-LN and
 * post-LN models. Each block test sums the block's output against a fixed random tensor, so every output element
 * carries its own weight. These also pin M2.1's known bugs: {@code gather} backprop (the embedding) and rank-4 {@code mmul}
 * with a transpose (attention) must give the finite-difference gradient.
 */
class TransformerGraphTest {
    private static final DataType D = DataType.DOUBLE;
    private static final int B = 3;
    private static final int L = 5;
    private static final int H = 8;

    /** Token ids with padding at the end of rows 1 and 2 (row 2 is short). */
    private static INDArray ids() {
        return Nd4j.create(new double[][]{{2, 5, 6, 7, 3}, {2, 9, 4, 0, 0}, {2, 3, 0, 0, 0}}).castTo(D);
    }

    private static INDArray random(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(D, shape);
    }

    /** Checks d(loss)/d(param) for up to {@code samples} entries of every parameter; returns the largest relative error. */
    static double check(SameDiff sd, String loss, Map<String, INDArray> placeholders, List<String> params, int samples) {
        sd.setLossVariables(loss);
        return check(sd, loss, placeholders, params, samples, sd.calculateGradients(placeholders, params));
    }

    static double check(SameDiff sd, String loss, Map<String, INDArray> placeholders, List<String> params, int samples,
                        Map<String, INDArray> grads) {
        Random pick = new Random(7);
        double worst = 0;
        for (String name : params) {
            INDArray w = sd.getVariable(name).getArr();
            INDArray g = grads.get(name);
            assertTrue(g != null, "no gradient for " + name);
            for (int s = 0; s < Math.min(samples, w.length()); s++) {
                long i = samples >= w.length() ? s : pick.nextInt((int) w.length());
                double orig = w.getDouble(i);
                double eps = 1e-6;
                w.putScalar(i, orig + eps);
                double plus = sd.output(placeholders, loss).get(loss).getDouble(0);
                w.putScalar(i, orig - eps);
                double minus = sd.output(placeholders, loss).get(loss).getDouble(0);
                w.putScalar(i, orig);
                double numeric = (plus - minus) / (2 * eps);
                double analytic = g.getDouble(i);
                double err = Math.abs(numeric - analytic) / Math.max(1e-6, Math.abs(numeric) + Math.abs(analytic));
                assertTrue(err < 1e-4 || Math.abs(numeric - analytic) < 1e-8,
                        name + "[" + i + "]: analytic " + analytic + " vs finite difference " + numeric);
                worst = Math.max(worst, err);
            }
        }
        return worst;
    }

    /** A scalar loss weighting every element of {@code out} by a fixed random value. */
    private static void weightedSum(SameDiff sd, SDVariable out, long... shape) {
        out.mul(sd.constant("weights", random(99, shape))).sum().rename("out_loss");
    }

    private static SDVariable var(SameDiff sd, String name, long seed, long... shape) {
        return sd.var(name, random(seed, shape).mul(0.5));
    }

    @Test
    void embeddingRowsAddedUpPerIdAndPositionsBackpropagate() {
        SameDiff sd = SameDiff.create();
        SDVariable ids = sd.placeHolder("ids", D, -1, L);
        SDVariable out = TransformerGraph.embed(sd, ids, var(sd, "tokens", 1, 12, H), var(sd, "positions", 2, L, H), L);
        weightedSum(sd, out, B * L, H);
        sd.setLossVariables("out_loss");
        Map<String, INDArray> grads = new HashMap<>(sd.calculateGradients(Map.of("ids", ids()), "positions", TransformerGraph.EMBED_ROWS));
        grads.put("tokens", TransformerGraph.tokenGradient(ids(), grads.get(TransformerGraph.EMBED_ROWS), 12));
        check(sd, "out_loss", Map.of("ids", ids()), List.of("tokens", "positions"), 200, grads);
    }

    /**
     * M2.1's own gather gradient is wrong (issue #9756; here it is off even for ids that occur once, while the
     * finite-difference check above passes for ours): the reason for {@link TransformerGraph#tokenGradient}. When a DL4J
     * upgrade makes this fail, the workaround can go.
     */
    @Test
    void m21GatherBackpropIsWrong() {
        SameDiff sd = SameDiff.create();
        SDVariable ids = sd.placeHolder("ids", D, -1, L);
        weightedSum(sd, TransformerGraph.embed(sd, ids, var(sd, "tokens", 1, 12, H), var(sd, "positions", 2, L, H), L), B * L, H);
        sd.setLossVariables("out_loss");
        Map<String, INDArray> grads = sd.calculateGradients(Map.of("ids", ids()), "tokens", TransformerGraph.EMBED_ROWS);
        INDArray ours = TransformerGraph.tokenGradient(ids(), grads.get(TransformerGraph.EMBED_ROWS), 12);
        assertTrue(ours.sub(grads.get("tokens")).norm2Number().doubleValue() > 1e-3 * ours.norm2Number().doubleValue(),
                "M2.1's gather gradient is now right: the tokenGradient workaround may go");
    }

    /**
     * The model's heap scatter-add (its training path) against the checked native one above, bit for bit, ids repeated
     * within and across rows.
     */
    @Test
    void heapScatterAddMatchesTheCheckedTokenGradient() {
        INDArray ids = ids().castTo(DataType.FLOAT);
        INDArray rows = random(40, B * L, H).castTo(DataType.FLOAT);
        float[] into = new float[12 * H];
        TransformerGraph.addRowsById(ids.reshape(B * L).toFloatVector(), rows.reshape(B * L * H).toFloatVector(), H, into);
        INDArray want = TransformerGraph.tokenGradient(ids, rows, 12);
        assertEquals(want, Nd4j.create(into, new long[]{12, H}), "scatter-add differs from tokenGradient");
        assertTrue(want.getRow(0).norm1Number().doubleValue() > 0, "PAD (id 0) gets its rows' sum too");
    }

    /** Two-head attention over a variable input {@code x} [B * L, H], the padding mask from the {@code ids} placeholder. */
    private static SDVariable attentionBlock(SameDiff sd) {
        SDVariable x = var(sd, "x", 3, B * L, H);
        SDVariable keep = sd.placeHolder("ids", D, -1, L).neq(0.0).castTo(D);
        TransformerGraph.Attention a = new TransformerGraph.Attention(
                new SDVariable[]{var(sd, "wq", 4, H, H), var(sd, "bq", 5, 1, H)}, new SDVariable[]{var(sd, "wk", 6, H, H), var(sd, "bk", 7, 1, H)},
                new SDVariable[]{var(sd, "wv", 8, H, H), var(sd, "bv", 9, 1, H)}, new SDVariable[]{var(sd, "wo", 10, H, H), var(sd, "bo", 11, 1, H)});
        return TransformerGraph.attention(sd, x, keep, a, 2, L, 0);
    }

    @Test
    void maskedMultiHeadAttentionBackpropagates() {
        SameDiff sd = SameDiff.create();
        weightedSum(sd, attentionBlock(sd), B * L, H);
        check(sd, "out_loss", Map.of("ids", ids()), List.of("x", "wq", "bq", "wk", "bk", "wv", "bv", "wo", "bo"), 30);
    }

    @Test
    void attentionGivesPaddingKeysNoWeightAndRowsSumToOne() {
        SameDiff sd = SameDiff.create();
        attentionBlock(sd);
        INDArray probs = sd.output(Map.of("ids", ids()), "attn_0").get("attn_0");
        assertEquals(List.of(3L, 2L, 5L, 5L), List.of(probs.shape()[0], probs.shape()[1], probs.shape()[2], probs.shape()[3]));
        for (int q = 0; q < L; q++) {
            assertEquals(0.0, probs.getDouble(2, 1, q, 2), 0.0, "row 2 key 2 is PAD");
            assertEquals(0.0, probs.getDouble(1, 0, q, 4), 0.0, "row 1 key 4 is PAD");
            assertEquals(1.0, probs.getDouble(2, 1, q, 0) + probs.getDouble(2, 1, q, 1), 1e-12);
        }
    }

    /** Attention probabilities from free scores [B, 2, L, L] with the PAD keys of {@link #ids()} masked. */
    private static SDVariable maskedProbabilities(SameDiff sd, SDVariable scores, SDVariable keep) {
        SDVariable bias = keep.rsub(1.0).mul(-1e9).reshape(-1, 1, 1, L);
        return sd.nn.softmax(scores.add(bias), 3);
    }

    private static INDArray teacherProbabilities() {
        SameDiff t = SameDiff.create();
        SDVariable keep = t.constant("keep", ids().neq(0.0).castTo(D));
        return maskedProbabilities(t, t.constant("scores", random(51, B, 2, L, L).mul(2)), keep).eval();
    }

    /** KL(teacher || student) summed over keys, averaged over heads and non-PAD queries, by loops. */
    private static double attentionKlByHand(INDArray teacher, INDArray student, INDArray ids) {
        double sum = 0;
        int queries = 0;
        for (int b = 0; b < B; b++) {
            for (int q = 0; q < L; q++) {
                if (ids.getDouble(b, q) == 0) continue;
                queries++;
                for (int h = 0; h < 2; h++) {
                    for (int k = 0; k < L; k++) {
                        double t = teacher.getDouble(b, h, q, k);
                        if (t > 0) sum += t * (Math.log(t) - Math.log(student.getDouble(b, h, q, k)));
                    }
                }
            }
        }
        return sum / (2.0 * queries);
    }

    @Test
    void attentionKlIsTheMaskedMeanKlOfTheHeadsAndBackpropagates() {
        SameDiff sd = SameDiff.create();
        SDVariable keep = sd.placeHolder("ids", D, -1, L).neq(0.0).castTo(D);
        SDVariable teacher = sd.placeHolder("teacher", D, -1, 2, L, L);
        SDVariable student = maskedProbabilities(sd, var(sd, "scores", 52, B, 2, L, L), keep);
        TransformerGraph.attentionKl(sd, "attn_loss", teacher, student, keep, 2, L);
        Map<String, INDArray> in = Map.of("ids", ids(), "teacher", teacherProbabilities());
        double value = sd.output(in, "attn_loss").get("attn_loss").getDouble(0);
        double byHand = attentionKlByHand(teacherProbabilities(), student.eval(Map.of("ids", ids())), ids());
        assertEquals(byHand, value, 1e-12, "the loss is the masked mean KL");
        assertTrue(value > 0.05, "different distributions: a positive KL, " + value);
        check(sd, "attn_loss", in, List.of("scores"), B * 2 * L * L);
    }

    @Test
    void attentionKlIsZeroForTheTeachersOwnDistributionAndIgnoresPadQueries() {
        SameDiff sd = SameDiff.create();
        SDVariable keep = sd.placeHolder("ids", D, -1, L).neq(0.0).castTo(D);
        SDVariable teacher = sd.placeHolder("teacher", D, -1, 2, L, L);
        TransformerGraph.attentionKl(sd, "attn_loss", teacher, sd.placeHolder("student", D, -1, 2, L, L), keep, 2, L);
        INDArray t = teacherProbabilities();
        assertEquals(0.0, sd.output(Map.of("ids", ids(), "teacher", t, "student", t), "attn_loss").get("attn_loss").getDouble(0), 1e-15);
        // a PAD query's row (row 2, query 3) may hold anything: it is not a query of the loss
        INDArray other = t.dup();
        other.putScalar(new long[]{2, 0, 3, 0}, 0.3);
        other.putScalar(new long[]{2, 0, 3, 1}, 0.7);
        INDArray student = t.dup();
        student.putScalar(new long[]{2, 0, 3, 0}, 0.9);
        student.putScalar(new long[]{2, 0, 3, 1}, 0.1);
        assertEquals(0.0, sd.output(Map.of("ids", ids(), "teacher", other, "student", student), "attn_loss").get("attn_loss").getDouble(0), 1e-15);
    }

    @Test
    void selfRelationsAreMaskedDistributionsAndTheirKlBackpropagatesToTheProjection() {
        SameDiff sd = SameDiff.create();
        SDVariable keep = sd.placeHolder("ids", D, -1, L).neq(0.0).castTo(D);
        SDVariable relations = TransformerGraph.selfRelation(sd, var(sd, "x", 61, B * L, H), keep, 2, L);
        INDArray r = relations.eval(Map.of("ids", ids()));
        assertEquals(List.of(3L, 2L, 5L, 5L), List.of(r.shape()[0], r.shape()[1], r.shape()[2], r.shape()[3]));
        for (int q = 0; q < L; q++) {
            assertEquals(0.0, r.getDouble(2, 1, q, 3), 0.0, "row 2 key 3 is PAD");
            assertEquals(1.0, r.getDouble(2, 1, q, 0) + r.getDouble(2, 1, q, 1), 1e-12);
            double row = 0;
            for (int k = 0; k < L; k++) row += r.getDouble(0, 0, q, k);
            assertEquals(1.0, row, 1e-12);
        }
        SDVariable teacher = sd.placeHolder("teacher", D, -1, 2, L, L);
        TransformerGraph.attentionKl(sd, "rel_loss", teacher, relations, keep, 2, L);
        check(sd, "rel_loss", Map.of("ids", ids(), "teacher", teacherProbabilities()), List.of("x"), B * L * H);
        SameDiff three = SameDiff.create();
        SDVariable k3 = three.placeHolder("ids", D, -1, L).neq(0.0).castTo(D);
        assertThrows(IllegalArgumentException.class, () -> TransformerGraph.selfRelation(three, var(three, "x", 61, B * L, H), k3, 3, L));
    }

    @Test
    void hiddenMseProjectsTheStudentAndAveragesOverTokenPositions() {
        SameDiff sd = SameDiff.create();
        SDVariable keep = sd.placeHolder("ids", D, -1, L).neq(0.0).castTo(D);
        SDVariable teacher = sd.placeHolder("teacher", D, -1, 6);
        SDVariable student = var(sd, "student", 71, B * L, 4);
        SDVariable projection = var(sd, "projection", 72, 4, 6);
        TransformerGraph.hiddenMse(sd, "hidden_loss", teacher, student, projection, keep);
        INDArray t = random(73, B * L, 6);
        Map<String, INDArray> in = Map.of("ids", ids(), "teacher", t);
        INDArray projected = student.getArr().mmul(projection.getArr());
        double sum = 0;
        int positions = 0;
        INDArray flat = ids().reshape(B * L);
        for (int i = 0; i < B * L; i++) {
            if (flat.getDouble(i) == 0) continue;
            positions++;
            for (int j = 0; j < 6; j++) sum += Math.pow(projected.getDouble(i, j) - t.getDouble(i, j), 2);
        }
        assertEquals(sum / (positions * 6.0), sd.output(in, "hidden_loss").get("hidden_loss").getDouble(0), 1e-12);
        check(sd, "hidden_loss", in, List.of("student", "projection"), 60);
        INDArray padChanged = t.dup();
        padChanged.putRow(2 * L + 4, random(74, 1, 6));   // row 2, position 4 is PAD
        assertEquals(sd.output(in, "hidden_loss").get("hidden_loss").getDouble(0),
                sd.output(Map.of("ids", ids(), "teacher", padChanged), "hidden_loss").get("hidden_loss").getDouble(0), 0.0);
    }

    @Test
    void feedForwardWithGeluBackpropagates() {
        SameDiff sd = SameDiff.create();
        SDVariable x = var(sd, "x", 3, 4, H);
        SDVariable out = TransformerGraph.feedForward(x, new SDVariable[]{var(sd, "w1", 4, H, 6), var(sd, "b1", 5, 1, 6)},
                new SDVariable[]{var(sd, "w2", 6, 6, H), var(sd, "b2", 7, 1, H)});
        weightedSum(sd, out, 4, H);
        check(sd, "out_loss", Map.of(), List.of("x", "w1", "b1", "w2", "b2"), 30);
    }

    @Test
    void geluIsTheTanhApproximation() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.create(new double[]{-3, -1, 0, 0.5, 2}));
        INDArray y = TransformerGraph.gelu(x).eval();
        double[] expected = {-0.0036373920817729943, -0.15880800939172324, 0, 0.34571400982514394, 1.954597694087775};
        for (int i = 0; i < 5; i++) assertEquals(expected[i], y.getDouble(i), 1e-12);
    }

    @Test
    void layerNormBackpropagatesAndNormalises() {
        SameDiff sd = SameDiff.create();
        SDVariable x = var(sd, "x", 3, 4, H);
        SDVariable out = TransformerGraph.layerNorm(x, new SDVariable[]{var(sd, "g", 4, 1, H), var(sd, "b", 5, 1, H)});
        weightedSum(sd, out, 4, H);
        check(sd, "out_loss", Map.of(), List.of("x", "g", "b"), 40);
        SameDiff plain = SameDiff.create();
        INDArray normalised = TransformerGraph.layerNorm(plain.var("x", random(3, 4, H)),
                new SDVariable[]{plain.var("g", Nd4j.ones(D, 1, H)), plain.var("b", Nd4j.zeros(D, 1, H))}).eval();
        assertEquals(0.0, normalised.getRow(1).meanNumber().doubleValue(), 1e-12);
        assertEquals(1.0, normalised.getRow(1).varNumber().doubleValue() * (H - 1) / H, 1e-4);
    }

    @Test
    void meanPoolingIgnoresPaddingAndBackpropagates() {
        SameDiff sd = SameDiff.create();
        SDVariable x = var(sd, "x", 3, B * L, H);
        SDVariable keep = sd.placeHolder("ids", D, -1, L).neq(0.0).castTo(D);
        SDVariable pooled = TransformerGraph.meanPool(x, keep, L, H);
        weightedSum(sd, pooled, B, H);
        check(sd, "out_loss", Map.of("ids", ids()), List.of("x"), 120);
        INDArray xs = sd.getVariable("x").getArr();
        INDArray p = sd.output(Map.of("ids", ids()), pooled.name()).get(pooled.name());
        // row 2 holds two tokens: positions 10 and 11 of the flattened activations
        assertEquals((xs.getDouble(10, 3) + xs.getDouble(11, 3)) / 2, p.getDouble(2, 3), 1e-9);
    }

    @Test
    void clsPoolingTakesPositionZeroAndBackpropagates() {
        SameDiff sd = SameDiff.create();
        SDVariable x = var(sd, "x", 3, B * L, H);
        SDVariable pooled = TransformerGraph.clsPool(x, L, H);
        weightedSum(sd, pooled, B, H);
        check(sd, "out_loss", Map.of(), List.of("x"), 120);
        assertEquals(sd.getVariable("x").getArr().getDouble(5, 2), pooled.eval().getDouble(1, 2), 0.0);
    }

    @Test
    void kdLossMatchesTheFusedStepsLossAndItsGradient() {
        int classes = 4;
        for (double alpha : new double[]{0.0, 0.3, 1.0}) {
            SameDiff sd = SameDiff.create();
            INDArray z = random(21, B, classes).mul(2);
            INDArray t = random(22, B, classes).mul(3);
            INDArray y = Nd4j.zeros(D, B, classes);
            for (int r = 0; r < B; r++) y.putScalar(r, (r * 3) % classes, 1.0);
            SDVariable logits = sd.var("z", z);
            TransformerGraph.kdLoss(sd, logits, sd.placeHolder("y", D, -1, classes), sd.placeHolder("t", D, -1, classes),
                    sd.placeHolder("alpha", D), 2.5);
            Map<String, INDArray> ph = new HashMap<>(Map.of("y", y, "t", t, "alpha", Nd4j.scalar(alpha)));
            double[] expectedGrad = new double[B * classes];
            double expected = SoftLogitKd.lossAndGradient(z.data().asDouble(), y.data().asDouble(), t.data().asDouble(), B, classes,
                    2.5, alpha, expectedGrad);
            assertEquals(expected, sd.output(ph, "loss").get("loss").getDouble(0), 1e-12, "alpha " + alpha);
            sd.setLossVariables("loss");
            INDArray g = sd.calculateGradients(ph, "z").get("z");
            for (int i = 0; i < B * classes; i++) assertEquals(expectedGrad[i], g.getDouble(i), 1e-12, "alpha " + alpha);
            check(sd, "loss", ph, List.of("z"), B * classes);
        }
    }

    /**
     * {@link TransformerGraph#pass} runs the gradient function with its array cache on, where SameDiff's own
     * calculateGradientsAndOutputs turns it off: over several passes (new inputs, masks reused, parameters changed in
     * between, an inference pass interleaved) the two give bitwise the same outputs and gradients, so no array the cache
     * hands out is still in use.
     */
    @Test
    void passWithTheArrayCacheMatchesSameDiffsOwnGradientsBitForBit() {
        cachedPassMatchesSameDiffsOwn("pre", "mean");
        cachedPassMatchesSameDiffsOwn("post", "cls");
    }

    private static void cachedPassMatchesSameDiffsOwn(String norm, String pooling) {
        int length = 8;
        TransformerSpec spec = new TransformerSpec(30, length, 2, 16, 2, 24, 0.1, norm, pooling, 3, 1e-3, 0.9, 0.999, 1e-8, 2.0, 11);
        TransformerGraph graph = TransformerGraph.build(spec, DataType.FLOAT);
        SameDiff sd = graph.sameDiff();
        Map<String, INDArray> masks = new HashMap<>();
        for (String site : TransformerGraph.dropoutSites(2)) masks.put(site, Nd4j.rand(DataType.FLOAT, 4 * length, 16).gt(0.1).castTo(DataType.FLOAT).div(0.9));
        Random random = new Random(3);
        for (int step = 0; step < 4; step++) {
            float[][] ids = new float[4][length];
            for (int r = 0; r < 4; r++) for (int i = 0; i < 2 + random.nextInt(length - 2); i++) ids[r][i] = 1 + random.nextInt(29);
            Map<String, INDArray> ph = new HashMap<>(masks);
            ph.put(TransformerGraph.IDS, Nd4j.createFromArray(ids));
            ph.put(TransformerGraph.ONE_HOT, Nd4j.eye(3).castTo(DataType.FLOAT).getRows(0, 1, 2, step % 3));
            ph.put(TransformerGraph.TARGETS, Nd4j.rand(DataType.FLOAT, 4, 3));
            ph.put(TransformerGraph.weight(0), Nd4j.scalar(DataType.FLOAT, 0.5));
            ph.put(TransformerGraph.weight(1), Nd4j.scalar(DataType.FLOAT, 0.5));
            List<String> wanted = new ArrayList<>(graph.parameters());
            wanted.remove(TransformerGraph.TOKENS);
            wanted.add(TransformerGraph.EMBED_ROWS);
            OutAndGrad reference = sd.calculateGradientsAndOutputs(ph, List.of(TransformerGraph.LOGITS, TransformerGraph.LOSS), wanted);
            Map<String, INDArray> referenceGradients = new HashMap<>();
            reference.getGradients().forEach((name, g) -> referenceGradients.put(name, g.dup()));
            INDArray referenceLogits = reference.getOutputs().get(TransformerGraph.LOGITS).dup();
            INDArray referenceLoss = reference.getOutputs().get(TransformerGraph.LOSS).dup();
            TransformerGraph.Pass pass = graph.pass(ph, List.of(TransformerGraph.LOGITS, TransformerGraph.LOSS));
            assertEquals(referenceLogits, pass.outputs().get(TransformerGraph.LOGITS), "step " + step);
            assertEquals(referenceLoss, pass.outputs().get(TransformerGraph.LOSS), "step " + step);
            assertEquals(referenceGradients.get(TransformerGraph.EMBED_ROWS), pass.gradients().get(TransformerGraph.EMBED_ROWS), "step " + step);
            assertEquals(null, pass.gradients().get(TransformerGraph.TOKENS), "the tokens' gradient is the model's to add up");
            for (String name : graph.parameters()) {
                if (!name.equals(TransformerGraph.TOKENS)) assertEquals(referenceGradients.get(name), pass.gradients().get(name), name + " step " + step);
            }
            // the model's heap sum of a real pass's rows equals the native scatter-add's, bit for bit
            float[] heap = new float[30 * 16];
            TransformerGraph.addRowsById(ph.get(TransformerGraph.IDS).reshape(4 * length).toFloatVector(),
                    pass.gradients().get(TransformerGraph.EMBED_ROWS).dup().reshape(4 * length * 16).toFloatVector(), 16, heap);
            assertEquals(TransformerGraph.tokenGradient(ph.get(TransformerGraph.IDS), referenceGradients.get(TransformerGraph.EMBED_ROWS), 30),
                    Nd4j.create(heap, new long[]{30, 16}), "step " + step);
            sd.output(ph, TransformerGraph.LOGITS);
            for (String name : graph.parameters()) sd.getVariable(name).getArr().addi(0.01 * (step + 1));
        }
    }

    @Test
    void wholePreNormModelBackpropagates() {
        wholeModel("pre", "mean");
    }

    @Test
    void wholePostNormModelWithClsPoolingBackpropagates() {
        wholeModel("post", "cls");
    }

    private static void wholeModel(String norm, String pooling) {
        TransformerSpec spec = new TransformerSpec(12, L, 2, H, 2, 6, 0.1, norm, pooling, 3, 1e-3, 0.9, 0.999, 1e-8, 2.0, 5);
        TransformerGraph graph = TransformerGraph.build(spec, D);
        assertEquals(spec.parameters(), graph.parameters().stream()
                .mapToLong(n -> graph.sameDiff().getVariable(n).getArr().length()).sum());
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(TransformerGraph.IDS, ids());
        INDArray y = Nd4j.zeros(D, B, 3);
        for (int r = 0; r < B; r++) y.putScalar(r, r, 1.0);
        ph.put(TransformerGraph.ONE_HOT, y);
        ph.put(TransformerGraph.TARGETS, random(31, B, 3));
        ph.put(TransformerGraph.weight(0), Nd4j.scalar(0.5));
        ph.put(TransformerGraph.weight(1), Nd4j.scalar(0.5));
        for (String site : TransformerGraph.dropoutSites(2)) {
            ph.put(site, Nd4j.rand(D, B * L, H).gt(0.1).castTo(D).div(0.9));   // a fixed dropout mask: gradients include it
        }
        graph.sameDiff().setLossVariables(TransformerGraph.LOSS);
        TransformerGraph.Pass pass = graph.pass(ph, List.of(TransformerGraph.LOGITS));
        assertEquals(List.of((long) B, 3L), List.of(pass.outputs().get(TransformerGraph.LOGITS).shape()[0], pass.outputs().get(TransformerGraph.LOGITS).shape()[1]));
        Map<String, INDArray> grads = new HashMap<>(pass.gradients());
        grads.put(TransformerGraph.TOKENS, TransformerGraph.tokenGradient(ids(), grads.get(TransformerGraph.EMBED_ROWS), 12));
        check(graph.sameDiff(), TransformerGraph.LOSS, ph, graph.parameters(), 6, grads);
    }
}
