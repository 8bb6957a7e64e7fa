package io.distill4j.model.transformer;

import io.distill4j.data.text.WordVocabulary;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SameDiffTransformerTest {
    private static final int L = 8;
    private static final int VOCAB = 20;

    private static TransformerSpec spec(double dropout, String norm, String pooling, long seed) {
        return new TransformerSpec(VOCAB, L, 1, 16, 2, 32, dropout, norm, pooling, 2, 3e-3, 0.9, 0.999, 1e-8, 2.0, seed);
    }

    /** A batch of the task "does token 5 occur?": CLS, 2..7 random tokens from 3..19, PAD after. */
    private static INDArray[] batch(Random random, int n) {
        float[][] ids = new float[n][L];
        float[][] y = new float[n][2];
        for (int r = 0; r < n; r++) {
            ids[r][0] = WordVocabulary.CLS;
            int len = 2 + random.nextInt(L - 2);
            boolean five = random.nextBoolean();
            for (int i = 1; i < len; i++) {
                int t;
                do t = 3 + random.nextInt(VOCAB - 3); while (t == 5);
                ids[r][i] = t;
            }
            if (five) ids[r][1 + random.nextInt(len - 1)] = 5;
            y[r][five ? 1 : 0] = 1;
        }
        return new INDArray[]{Nd4j.createFromArray(ids), Nd4j.createFromArray(y)};
    }

    private static double accuracy(SameDiffTransformer model, INDArray[] data) {
        INDArray predicted = model.inferenceLogits(data[0]).argMax(1);
        INDArray truth = data[1].argMax(1);
        return predicted.eq(truth).castTo(DataType.FLOAT).meanNumber().doubleValue();
    }

    @Test
    void learnsWhetherATokenOccurs() {
        for (String norm : List.of("pre", "post")) {
            SameDiffTransformer model = new SameDiffTransformer(spec(0.1, norm, "mean", 3));
            Random random = new Random(1);
            double first = model.fit(batch(random, 32)[0], batch(new Random(1), 32)[1], null, 0);
            double last = 0;
            for (int step = 0; step < 300; step++) {
                INDArray[] b = batch(random, 32);
                last = model.fit(b[0], b[1], null, 0);
            }
            double acc = accuracy(model, batch(new Random(99), 500));
            assertTrue(last < first / 3, norm + ": loss " + first + " -> " + last);
            assertTrue(acc > 0.9, norm + ": accuracy " + acc);
            assertEquals(301, model.iterations());
        }
    }

    @Test
    void learnsFromSoftTargetsAlone() {
        SameDiffTransformer teacher = new SameDiffTransformer(spec(0.0, "pre", "cls", 3));
        SameDiffTransformer student = new SameDiffTransformer(spec(0.0, "pre", "mean", 4));
        Random random = new Random(2);
        for (int step = 0; step < 300; step++) {
            INDArray[] b = batch(random, 32);
            teacher.fit(b[0], b[1], null, 0);
            // alpha 1: the labels carry no weight, so the student learns the task only through the teacher's logits
            student.fit(b[0], Nd4j.zeros(DataType.FLOAT, 32, 2), teacher.trainingLogits(), 1.0);
        }
        assertTrue(accuracy(student, batch(new Random(98), 500)) > 0.85);
    }

    /**
     * The pooled training memory changes nothing, bit for bit, against M2.1's array cache: reused arrays are not zeroed,
     * so an op that did not write its whole output would show here. Two models of the same shapes (a student and its
     * twin) take turns on one thread, so each reuses the arrays of the other's pass, and batches of two sizes alternate.
     */
    @Test
    void pooledTrainingMemoryGivesTheSameSteps() {
        for (String norm : List.of("pre", "post")) {
            SameDiffTransformer[] pooled = {new SameDiffTransformer(spec(0.2, norm, "mean", 6), true), new SameDiffTransformer(spec(0.2, norm, "mean", 7), true)};
            SameDiffTransformer[] plain = {new SameDiffTransformer(spec(0.2, norm, "mean", 6), false), new SameDiffTransformer(spec(0.2, norm, "mean", 7), false)};
            Random random = new Random(4);
            for (int step = 0; step < 8; step++) {
                INDArray[] b = batch(random, step % 4 < 2 ? 16 : 9);
                INDArray t = step < 4 ? null : Nd4j.rand(DataType.FLOAT, b[0].size(0), 2);
                int m = step % 2;
                assertEquals(plain[m].fit(b[0], b[1], t, 0.5), pooled[m].fit(b[0], b[1], t, 0.5), 0.0, norm + " step " + step);
                assertEquals(plain[m].trainingLogits(), pooled[m].trainingLogits(), norm + " step " + step);
            }
            for (int m = 0; m < 2; m++) {
                for (String name : plain[m].parameterValues().keySet()) {
                    assertArrayEquals(plain[m].parameterValues().get(name), pooled[m].parameterValues().get(name), norm + " " + name);
                }
            }
        }
    }

    @Test
    void sameSeedSameTrajectoryAndResumeIsBitwiseExact() throws IOException {
        SameDiffTransformer straight = new SameDiffTransformer(spec(0.2, "pre", "mean", 5));
        SameDiffTransformer first = new SameDiffTransformer(spec(0.2, "pre", "mean", 5));
        Random a = new Random(3);
        Random b = new Random(3);
        for (int step = 0; step < 6; step++) {
            INDArray[] x = batch(a, 16);
            INDArray[] y = batch(b, 16);
            assertEquals(straight.fit(x[0], x[1], null, 0), first.fit(y[0], y[1], null, 0), 0.0, "step " + step);
        }
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        first.save(saved);
        SameDiffTransformer resumed = new SameDiffTransformer(spec(0.2, "pre", "mean", 5));
        resumed.restore(new ByteArrayInputStream(saved.toByteArray()));
        assertEquals(6, resumed.iterations());
        for (int step = 0; step < 6; step++) {
            INDArray[] x = batch(a, 16);
            INDArray[] y = batch(b, 16);
            INDArray t = Nd4j.rand(DataType.FLOAT, 16, 2);
            assertEquals(straight.fit(x[0], x[1], t, 0.5), resumed.fit(y[0], y[1], t, 0.5), 0.0, "resumed step " + step);
        }
        assertEquals(straight.parameterValues().keySet(), resumed.parameterValues().keySet());
        for (String name : straight.parameterValues().keySet()) {
            assertArrayEquals(straight.parameterValues().get(name), resumed.parameterValues().get(name), name);
        }
    }

    @Test
    void aStateOfAnotherShapeIsRefused() throws IOException {
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        new SameDiffTransformer(spec(0, "pre", "mean", 5)).save(saved);
        SameDiffTransformer wider = new SameDiffTransformer(
                new TransformerSpec(VOCAB, L, 1, 32, 2, 32, 0, "pre", "mean", 2, 3e-3, 0.9, 0.999, 1e-8, 2.0, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wider.restore(new ByteArrayInputStream(saved.toByteArray())));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void dropoutOnlyInTraining() {
        SameDiffTransformer model = new SameDiffTransformer(spec(0.3, "pre", "mean", 6));
        INDArray[] b = batch(new Random(4), 8);
        INDArray before = model.inferenceLogits(b[0]).dup();
        assertEquals(before, model.inferenceLogits(b[0]), "inference is deterministic");
        model.fit(b[0], b[1], null, 0);
        INDArray training = model.trainingLogits().dup();
        assertNotEquals(before, training, "the training pass drops units");
        SameDiffTransformer noDropout = new SameDiffTransformer(spec(0.0, "pre", "mean", 6));
        INDArray plain = noDropout.inferenceLogits(b[0]).dup();
        noDropout.fit(b[0], b[1], null, 0);
        assertEquals(plain, noDropout.trainingLogits(), "without dropout the training pass is the inference pass");
        assertEquals(2, noDropout.forwardPasses());
    }

    @Test
    void aRowsLogitsDoNotDependOnItsBatch() {
        SameDiffTransformer model = new SameDiffTransformer(spec(0.0, "post", "mean", 7));
        INDArray[] b = batch(new Random(5), 6);
        INDArray all = model.inferenceLogits(b[0]).dup();
        INDArray one = model.inferenceLogits(b[0].getRow(2).reshape(1, L)).dup();
        assertEquals(all.getRow(2).reshape(1, 2), one);
        assertTrue(all.getRow(2).sub(all.getRow(3)).norm2Number().doubleValue() > 0);
    }

    /**
     * The padding mask: a model with 4 more positions (the same weights, its extra position rows unused) gives the same
     * logits for the same reviews padded 4 PAD further. Without the key mask the padding positions would take attention
     * weight; without the pooling mask they would enter the mean.
     */
    @Test
    void appendingPadTokensDoesNotChangeTheLogits() {
        for (String norm : List.of("pre", "post")) {
            for (String pooling : List.of("mean", "cls")) {
                TransformerSpec shortSpec = spec(0.0, norm, pooling, 9);
                TransformerSpec longSpec = new TransformerSpec(VOCAB, L + 4, 1, 16, 2, 32, 0.0, norm, pooling, 2, 3e-3, 0.9, 0.999, 1e-8, 2.0, 9);
                SameDiffTransformer shorter = new SameDiffTransformer(shortSpec);
                SameDiffTransformer longer = new SameDiffTransformer(longSpec);
                Map<String, float[]> weights = new LinkedHashMap<>(longer.parameterValues());
                weights.put("positions", java.util.Arrays.copyOf(weights.get("positions"), L * 16));
                shorter.setParameterValues(weights);
                INDArray ids = batch(new Random(10), 6)[0];
                INDArray padded = Nd4j.concat(1, ids, Nd4j.zeros(DataType.FLOAT, 6, 4));
                INDArray expected = shorter.inferenceLogits(ids).dup();
                INDArray actual = longer.inferenceLogits(padded);
                assertTrue(expected.equalsWithEps(actual, 1e-5), norm + "/" + pooling + ": " + expected + " vs " + actual);
                assertTrue(expected.getRow(0).sub(expected.getRow(1)).norm2Number().doubleValue() > 1e-4, "rows differ");
            }
        }
    }

    /** Dropout masks are drawn per step: two training passes of the same weights on the same batch differ. */
    @Test
    void twoTrainingPassesDifferWhereInferencePassesAgree() {
        TransformerSpec frozen = new TransformerSpec(VOCAB, L, 1, 16, 2, 32, 0.3, "pre", "mean", 2, 0.0, 0.9, 0.999, 1e-8, 2.0, 12);
        // learning rate 0: the weights move only by ND4J's degenerate-correction step (epsilon = 1e-8, optim.AdamRule)
        SameDiffTransformer model = new SameDiffTransformer(frozen);
        INDArray[] b = batch(new Random(11), 8);
        INDArray inference = model.inferenceLogits(b[0]).dup();
        model.fit(b[0], b[1], null, 0);
        INDArray first = model.trainingLogits().dup();
        model.fit(b[0], b[1], null, 0);
        assertTrue(first.sub(model.trainingLogits()).amaxNumber().doubleValue() > 1e-3, "two dropout draws");
        double drift = inference.sub(model.inferenceLogits(b[0])).amaxNumber().doubleValue();
        assertTrue(drift < 1e-3, "inference has no dropout: logits moved by " + drift);
    }

    /** The hook runs inside fit, before the update: the training logits are there and the step is not yet counted. */
    @Test
    void theForwardHookSeesThisFitsTrainingLogitsBeforeTheUpdate() {
        SameDiffTransformer model = new SameDiffTransformer(spec(0.1, "post", "mean", 13));
        INDArray[] b = batch(new Random(12), 8);
        List<INDArray> seen = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        model.onForward(() -> {
            seen.add(model.trainingLogits().dup());
            steps.add(model.iterations());
        });
        model.fit(b[0], b[1], null, 0);
        model.fit(b[0], b[1], null, 0);
        assertEquals(List.of(0L, 1L), steps);
        assertEquals(seen.get(1), model.trainingLogits());
        assertNotEquals(seen.get(0), seen.get(1));
        model.onForward(null);
        model.fit(b[0], b[1], null, 0);
        assertEquals(2, seen.size());
    }

    @Test
    void anExportedModelClassifiesRawTextOnItsOwn() throws IOException {
        SameDiffTransformer model = new SameDiffTransformer(spec(0.0, "pre", "mean", 8));
        Random random = new Random(6);
        for (int step = 0; step < 5; step++) {
            INDArray[] b = batch(random, 16);
            model.fit(b[0], b[1], null, 0);
        }
        WordVocabulary words = WordVocabulary.fromCounts(Map.of("great", 10L, "awful", 9L, "film", 8L), 6);
        ByteArrayOutputStream vocabulary = new ByteArrayOutputStream();
        words.writeTo(vocabulary);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        Map<String, byte[]> entries = new LinkedHashMap<>();        // Map.of's order changes from one JVM to the next
        entries.put(TransformerZip.VOCABULARY, vocabulary.toByteArray());
        entries.put("extra.txt", new byte[]{1, 2});
        model.export(zip, entries);
        TransformerZip.Loaded loaded = TransformerZip.read(new ByteArrayInputStream(zip.toByteArray()));
        INDArray[] b = batch(new Random(7), 4);
        assertEquals(model.inferenceLogits(b[0]).dup(), loaded.model().inferenceLogits(b[0]));
        assertEquals(java.util.Set.of(TransformerZip.VOCABULARY, "extra.txt"), loaded.entries().keySet());
        double[] p = loaded.classify("A great film!");
        double[] q = loaded.classify("An awful film?");
        assertEquals(1.0, p[0] + p[1], 1e-9);
        INDArray expected = model.inferenceLogits(Nd4j.createFromArray(words.encode("A great film!", L, true)).castTo(DataType.FLOAT).reshape(1, L));
        assertEquals(Math.exp(expected.getDouble(1)) / (Math.exp(expected.getDouble(0)) + Math.exp(expected.getDouble(1))), p[1], 1e-6);
        assertNotEquals(p[1], q[1]);
    }
}
