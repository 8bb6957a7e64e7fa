package io.distill4j.model.transformer;

import io.distill4j.loss.Term;
import io.distill4j.loss.TermKind;
import io.distill4j.model.Lesson;
import io.distill4j.signal.SignalKey;
import io.distill4j.signal.SignalKind;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.distill4j.model.transformer.AuxiliaryLayerTest.HEADS;
import static io.distill4j.model.transformer.AuxiliaryLayerTest.HIDDEN;
import static io.distill4j.model.transformer.AuxiliaryLayerTest.L;
import static io.distill4j.model.transformer.AuxiliaryLayerTest.LAYERS;
import static io.distill4j.model.transformer.AuxiliaryLayerTest.VOCAB;
import static io.distill4j.model.transformer.AuxiliaryLayerTest.batch;
import static io.distill4j.model.transformer.AuxiliaryLayerTest.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** A transformer that distils: labels-only steps, starting from an export, capturing signals, per-term values. */
class DistillingTransformerTest {
    private static final SignalKey ATTENTION_0 = SignalKey.of(SignalKind.ATTENTION, 0);
    private static final SignalKey HIDDEN_0 = SignalKey.of(SignalKind.HIDDEN, 0);

    /** Labels, soft logits and layer 0's attention, without ALD. */
    private static Distillation distilling() {
        return new Distillation(List.of(Term.labels(0.5), Term.logits(0.5, 2.0), DistillationTermsTest.attention(1.0, 0, 0)), false, HEADS, HIDDEN);
    }

    private static void assertSameParameters(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        assertThat(actual.keySet()).as(what).containsExactlyElementsOf(expected.keySet());
        for (String name : expected.keySet()) assertThat(actual.get(name)).as(what + ": " + name).containsExactly(expected.get(name));
    }

    /**
     * A labels-only lesson (burn-in, warm start) feeds weight 0 and zero signals to every other term: the step is the
     * labels-only model's, bit for bit (0 times a finite gradient is exactly 0, and x + 0 is x), dropout masks included.
     */
    @Test
    void aLabelsOnlyLessonTakesExactlyTheLabelsOnlyModelsStep() {
        TransformerSpec spec = spec(0.1, 21);
        SameDiffTransformer plain = new SameDiffTransformer(spec, Distillation.labelsOnly());
        SameDiffTransformer distilling = new SameDiffTransformer(spec, distilling());
        // ALD and a hidden term's projection too: training-only parameters must not move real ones, nor be moved
        SameDiffTransformer withExtras = new SameDiffTransformer(spec, new Distillation(List.of(Term.labels(0.3),
                DistillationTermsTest.attention(1.0, 0, LAYERS), DistillationTermsTest.hidden(1.0, 0, 0)), true, HEADS, 24));
        Map<String, INDArray> extrasBefore = trainingOnly(withExtras);
        assertThat(extrasBefore).isNotEmpty();
        Random random = new Random(5);
        for (int step = 0; step < 3; step++) {
            INDArray[] b = batch(random, 6);
            double loss = plain.fit(b[0], b[1], Lesson.labelsOnly());
            assertThat(distilling.fit(b[0], b[1], Lesson.labelsOnly())).as("step %d", step).isEqualTo(loss);
            assertThat(withExtras.fit(b[0], b[1], Lesson.labelsOnly())).as("step %d", step).isEqualTo(loss);
        }
        assertSameParameters(plain.parameterValues(), distilling.parameterValues(), "[labels, logits, attention]");
        assertSameParameters(plain.parameterValues(), withExtras.parameterValues(), "ALD and hidden");
        Map<String, INDArray> extrasAfter = trainingOnly(withExtras);
        for (String p : extrasBefore.keySet()) {
            assertThat(extrasAfter.get(p).data().asFloat()).as(p + " has no gradient in a labels-only step").containsExactly(extrasBefore.get(p).data().asFloat());
        }
    }

    private static Map<String, INDArray> trainingOnly(SameDiffTransformer model) {
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        for (String p : model.graph().parameters()) {
            if (TransformerGraph.trainingOnly(p)) out.put(p, model.graph().sameDiff().getVariable(p).getArr().dup());
        }
        return out;
    }

    private static byte[] export(SameDiffTransformer model) throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        model.export(zip, Map.of());
        return zip.toByteArray();
    }

    @Test
    void initialiseStartsFromAnExportsRealWeightsAndKeepsTheAuxiliaryLayerFresh() throws IOException {
        SameDiffTransformer source = new SameDiffTransformer(spec(0.1, 30), Distillation.labelsOnly());
        Random random = new Random(6);
        for (int step = 0; step < 2; step++) {
            INDArray[] b = batch(random, 6);
            source.fit(b[0], b[1], Lesson.labelsOnly());
        }
        SameDiffTransformer target = new SameDiffTransformer(spec(0.1, 31), AuxiliaryLayerTest.ald());
        Map<String, INDArray> freshAux = trainingOnly(target);
        target.initialise(new ByteArrayInputStream(export(source)));
        assertSameParameters(source.parameterValues(), target.parameterValues(), "initialised");
        Map<String, INDArray> aux = trainingOnly(target);
        for (String p : freshAux.keySet()) assertThat(aux.get(p).data().asFloat()).as(p).containsExactly(freshAux.get(p).data().asFloat());
        INDArray ids = batch(new Random(7), 5)[0];
        float[] expected = source.inferenceLogits(ids).dup().data().asFloat();
        assertThat(target.inferenceLogits(ids).dup().data().asFloat()).containsExactly(expected);
        assertThat(target.iterations()).as("weights, not the optimizer state").isZero();
    }

    @Test
    void initialiseRefusesAnotherArchitectureSayingWhatDiffers() throws IOException {
        TransformerSpec narrow = new TransformerSpec(VOCAB, L, LAYERS, 8, HEADS, 32, 0.1, "pre", "mean", 2, 3e-3, 0.9, 0.999, 1e-8, 2.0, 1);
        byte[] zip = export(new SameDiffTransformer(narrow, Distillation.labelsOnly()));
        SameDiffTransformer target = new SameDiffTransformer(spec(0.1, 2), Distillation.labelsOnly());
        Map<String, float[]> before = target.parameterValues();
        assertThatThrownBy(() -> target.initialise(new ByteArrayInputStream(zip)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden 8 (this model: 16)");
        assertSameParameters(before, target.parameterValues(), "a refused zip changes nothing");

        TransformerSpec postNorm = new TransformerSpec(VOCAB, L, 1, HIDDEN, HEADS, 32, 0.1, "post", "mean", 2, 3e-3, 0.9, 0.999, 1e-8, 2.0, 1);
        byte[] other = export(new SameDiffTransformer(postNorm, Distillation.labelsOnly()));
        assertThatThrownBy(() -> target.initialise(new ByteArrayInputStream(other)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layers 1 (this model: 2)").hasMessageContaining("norm post (this model: pre)");
    }

    @Test
    void initialiseFromSomethingThatIsNotAModelZipSaysSo() throws IOException {
        SameDiffTransformer target = new SameDiffTransformer(spec(0.1, 2), Distillation.labelsOnly());
        byte[] text = "this is a text file, not a zip".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> target.initialise(new ByteArrayInputStream(text)))
                .isInstanceOf(IOException.class).hasMessageContaining("not a zip file");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write(text);
            zip.closeEntry();
        }
        assertThatThrownBy(() -> target.initialise(new ByteArrayInputStream(bytes.toByteArray())))
                .isInstanceOf(IOException.class).hasMessageContaining("not a Distill4J transformer zip");
    }

    /**
     * With dropout 0 the training pass's forward is the inference pass with the same weights, and the update comes after
     * it: the captured signals equal the inference outputs computed just before each fit.
     */
    @Test
    void capturedSignalsAreThisTrainingPasssOwnAttentionAndHiddenStates() {
        SameDiffTransformer model = new SameDiffTransformer(spec(0.0, 40), Distillation.labelsOnly());
        model.capture(Set.of(ATTENTION_0, HIDDEN_0));
        assertThatThrownBy(() -> model.trainingSignal(ATTENTION_0)).isInstanceOf(IllegalStateException.class);
        Random random = new Random(8);
        for (int step = 0; step < 2; step++) {
            INDArray[] b = batch(random, 5);
            Map<String, INDArray> before = model.outputs(b[0], TransformerGraph.attention(0), TransformerGraph.hidden(0));
            INDArray attention = before.get(TransformerGraph.attention(0)).dup();
            INDArray hidden = before.get(TransformerGraph.hidden(0)).dup();
            model.fit(b[0], b[1], Lesson.labelsOnly());
            INDArray a = model.trainingSignal(ATTENTION_0);
            INDArray h = model.trainingSignal(HIDDEN_0);
            assertThat(a.shape()).containsExactly(5, HEADS, L, L);
            assertThat(h.shape()).containsExactly(5 * L, HIDDEN);
            assertThat(a.sub(attention).amaxNumber().doubleValue()).as("step %d attention", step).isLessThan(1e-6);
            assertThat(h.sub(hidden).amaxNumber().doubleValue()).as("step %d hidden", step).isLessThan(1e-5);
            for (int r = 0; r < 5; r++) {
                for (int head = 0; head < HEADS; head++) {
                    for (int q = 0; q < L; q++) {
                        double sum = 0;
                        for (int k = 0; k < L; k++) {
                            double p = a.getDouble(r, head, q, k);
                            if (b[0].getDouble(r, k) == 0) assertThat(p).as("PAD key").isZero();
                            sum += p;
                        }
                        assertThat(sum).isCloseTo(1.0, within(1e-5));
                    }
                }
            }
        }
        assertThat(model.trainingSignal(SignalKey.LOGITS)).isSameAs(model.trainingLogits());
        assertThatThrownBy(() -> model.trainingSignal(SignalKey.of(SignalKind.ATTENTION, 1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void captureOfALayerTheModelLacksIsRefused() {
        SameDiffTransformer model = new SameDiffTransformer(spec(0.0, 41), Distillation.labelsOnly());
        assertThatThrownBy(() -> model.capture(Set.of(SignalKey.of(SignalKind.ATTENTION, LAYERS))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no layer " + LAYERS);
        assertThatThrownBy(() -> model.capture(Set.of(SignalKey.of(SignalKind.HIDDEN, -1))))
                .isInstanceOf(IllegalArgumentException.class);
        model.capture(Set.of(SignalKey.LOGITS, SignalKey.of(SignalKind.VALUES, LAYERS - 1)));   // logits are always kept
    }

    @Test
    void termValuesAreTheTermsInTheirOrderAndWeighToTheLoss() {
        Distillation d = distilling();
        SameDiffTransformer model = new SameDiffTransformer(spec(0.0, 42), d);
        assertThat(model.termValues()).isEmpty();
        INDArray[] b = batch(new Random(9), 6);
        INDArray targets = Nd4j.rand(DataType.FLOAT, 6, 2).mul(3);
        INDArray attention = DistillationTermsTest.attentionSignal(b[0], HEADS, 3, DataType.FLOAT);
        double[] w = {0.3, 0.7, 1.5};
        double loss = model.fit(b[0], b[1], new Lesson(d.terms(), w, Map.of(SignalKey.LOGITS, targets, ATTENTION_0, attention)));
        Map<String, Double> terms = model.termValues();
        assertThat(new ArrayList<>(terms.keySet())).containsExactly("labels", "logits", "attention");
        assertThat(terms.values()).allMatch(Double::isFinite).allMatch(v -> v > 0);
        assertThat(loss).isCloseTo(w[0] * terms.get("labels") + w[1] * terms.get("logits") + w[2] * terms.get("attention"), within(1e-5));
        // the labels term is the cross-entropy of this pass's logits (dropout 0)
        INDArray z = model.trainingLogits();
        double ce = 0;
        for (int r = 0; r < 6; r++) {
            double lse = Math.log(Math.exp(z.getDouble(r, 0)) + Math.exp(z.getDouble(r, 1)));
            for (int c = 0; c < 2; c++) ce -= b[1].getDouble(r, c) * (z.getDouble(r, c) - lse);
        }
        assertThat(terms.get("labels")).isCloseTo(ce / 6, within(1e-5));

        SameDiffTransformer plain = new SameDiffTransformer(spec(0.0, 42), Distillation.labelsOnly());
        plain.fit(b[0], b[1], Lesson.labelsOnly());
        assertThat(plain.termValues()).as("one term: its value is the loss").isEmpty();
    }

    /** Two terms of one kind (allowed for transformers): each has its label and value, and the model trains. */
    @Test
    void twoLogitsTermsAtDifferentTemperaturesTrain() {
        Term hot = new Term(TermKind.LOGITS, "logits.1", 0.3, 4.0, -1, -1, 0, null);
        Distillation d = new Distillation(List.of(Term.labels(0.4), Term.logits(0.3, 1.0), hot), false, 0, 0);
        SameDiffTransformer model = new SameDiffTransformer(spec(0.1, 43), d);
        INDArray[] b = batch(new Random(10), 6);
        INDArray targets = Nd4j.rand(DataType.FLOAT, 6, 2).mul(4);
        double loss = model.fit(b[0], b[1], new Lesson(d.terms(), new double[]{0.4, 0.3, 0.3}, Map.of(SignalKey.LOGITS, targets)));
        Map<String, Double> terms = model.termValues();
        assertThat(new ArrayList<>(terms.keySet())).containsExactly("labels", "logits", "logits.1");
        assertThat(terms.get("logits")).isNotCloseTo(terms.get("logits.1"), within(1e-4));
        assertThat(loss).isCloseTo(0.4 * terms.get("labels") + 0.3 * terms.get("logits") + 0.3 * terms.get("logits.1"), within(1e-5));
    }
}
