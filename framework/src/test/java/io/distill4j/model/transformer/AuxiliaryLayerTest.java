package io.distill4j.model.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.loss.Term;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ALD (ERNIE 3.0 Titan's auxiliary layer) in a trained model: the attention term trains the auxiliary layer and, through
 * it, the last real layer's feed-forward; the export drops the auxiliary layer without changing a prediction.
 */
class AuxiliaryLayerTest {
    static final int L = 8;
    static final int VOCAB = 20;
    static final int LAYERS = 2;
    static final int HEADS = 2;
    static final int HIDDEN = 16;

    static TransformerSpec spec(double dropout, long seed) {
        return new TransformerSpec(VOCAB, L, LAYERS, HIDDEN, HEADS, 32, dropout, "pre", "mean", 2, 3e-3, 0.9, 0.999, 1e-8, 2.0, seed);
    }

    /** Random rows: 2..L tokens from 1..VOCAB-1 then PAD, with random one-hot labels. */
    static INDArray[] batch(Random random, int n) {
        float[][] ids = new float[n][L];
        float[][] y = new float[n][2];
        for (int r = 0; r < n; r++) {
            int len = 2 + random.nextInt(L - 1);
            for (int i = 0; i < len; i++) ids[r][i] = 1 + random.nextInt(VOCAB - 1);
            y[r][random.nextInt(2)] = 1;
        }
        return new INDArray[]{Nd4j.createFromArray(ids), Nd4j.createFromArray(y)};
    }

    /** Labels, and the publisher's last layer's attention against the auxiliary layer (index LAYERS). */
    static Distillation ald() {
        return new Distillation(List.of(Term.labels(0.5), DistillationTermsTest.attention(1.0, LAYERS - 1, LAYERS)), true, HEADS, HIDDEN);
    }

    static Lesson attentionLesson(Distillation d, INDArray ids, long seed, double attentionWeight) {
        INDArray signal = DistillationTermsTest.attentionSignal(ids, HEADS, seed, DataType.FLOAT);
        return new Lesson(d.terms(), new double[]{0.5, attentionWeight}, Map.of(SignalKey.of(SignalKind.ATTENTION, LAYERS - 1), signal));
    }

    private static Map<String, INDArray> auxiliaryValues(SameDiffTransformer model) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String p : model.graph().parameters()) {
            if (TransformerGraph.trainingOnly(p)) out.put(p, model.graph().sameDiff().getVariable(p).getArr().dup());
        }
        return out;
    }

    @Test
    void theAttentionTermTrainsTheAuxiliaryLayerAndTheExportDropsItWithoutChangingAPrediction() throws IOException {
        Distillation d = ald();
        SameDiffTransformer model = new SameDiffTransformer(spec(0.1, 3), d);
        Map<String, INDArray> auxBefore = auxiliaryValues(model);
        assertThat(auxBefore.keySet()).containsExactly("aux_ln1_g", "aux_ln1_b", "aux_q_w", "aux_q_b", "aux_k_w", "aux_k_b");
        Random random = new Random(1);
        for (int step = 0; step < 4; step++) {
            INDArray[] b = batch(random, 6);
            assertThat(model.fit(b[0], b[1], attentionLesson(d, b[0], step, 1.0))).isFinite();
        }
        Map<String, INDArray> auxAfter = auxiliaryValues(model);
        for (String p : auxBefore.keySet()) {
            // the keys' bias adds the same q.b to every score of a query's row, which softmax ignores: its gradient is 0
            if (p.equals("aux_k_b")) continue;
            // Adam moves every entry with a nonzero gradient by about the learning rate per step
            assertThat(auxAfter.get(p).sub(auxBefore.get(p)).amaxNumber().doubleValue()).as(p).isGreaterThan(1e-3);
        }

        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        model.export(zip, Map.of());
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.toByteArray()))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) entries.put(e.getName(), in.readAllBytes());
        }
        assertThat(entries.keySet()).containsExactly(TransformerZip.SPEC, TransformerZip.PARAMETERS);
        JsonNode json = new ObjectMapper().readTree(entries.get(TransformerZip.SPEC));
        assertThat(json.get("layers").asInt()).as("the configured layers, not the auxiliary one").isEqualTo(LAYERS);
        TransformerZip.Saved saved = TransformerZip.readSaved(new ByteArrayInputStream(zip.toByteArray()));
        assertThat(saved.parameters().keySet()).noneMatch(n -> n.startsWith("aux_") || n.startsWith("proj_"));
        assertThat(new ArrayList<>(saved.parameters().keySet()))
                .isEqualTo(TransformerGraph.build(spec(0.1, 3), DataType.FLOAT, Distillation.labelsOnly()).parameters());

        TransformerZip.Loaded loaded = TransformerZip.read(new ByteArrayInputStream(zip.toByteArray()));
        INDArray ids = batch(new Random(9), 7)[0];
        float[] inRun = model.inferenceLogits(ids).dup().data().asFloat();
        assertThat(loaded.model().inferenceLogits(ids).dup().data().asFloat()).as("bit for bit").containsExactly(inRun);
    }

    /** d(loss)/d(param) of one double-precision pass with the attention term's weight {@code w}. */
    private static Map<String, INDArray> gradients(Distillation d, double w) {
        TransformerSpec spec = spec(0.0, 3);
        TransformerGraph graph = TransformerGraph.build(spec, DataType.DOUBLE, d);
        INDArray[] b = batch(new Random(2), 5);
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(TransformerGraph.IDS, b[0].castTo(DataType.DOUBLE));
        ph.put(TransformerGraph.ONE_HOT, b[1].castTo(DataType.DOUBLE));
        for (String site : TransformerGraph.dropoutSites(LAYERS)) ph.put(site, Nd4j.ones(DataType.DOUBLE, 5 * L, HIDDEN));
        ph.put(TransformerGraph.weight(0), Nd4j.scalar(0.5));
        ph.put(TransformerGraph.weight(1), Nd4j.scalar(w));
        ph.put(TransformerGraph.signalName(SignalKind.ATTENTION, LAYERS - 1), DistillationTermsTest.attentionSignal(b[0], HEADS, 4, DataType.DOUBLE));
        Map<String, INDArray> out = new HashMap<>();
        graph.pass(ph, List.of(TransformerGraph.LOSS)).gradients().forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    /**
     * ALD's point: the attention of the auxiliary layer is computed from the last real layer's output, so the term's
     * gradient reaches that layer's feed-forward. Bound to the last real layer instead, it cannot: that layer's attention
     * is computed before its feed-forward, whose gradient is then the labels' alone, bit for bit.
     */
    @Test
    void theTermsGradientReachesTheLastRealLayersFeedForwardOnlyThroughTheAuxiliaryLayer() {
        String last = "l" + (LAYERS - 1) + "_";
        Map<String, INDArray> with = gradients(ald(), 1.0);
        Map<String, INDArray> without = gradients(ald(), 0.0);
        for (String p : List.of(last + "ff1_w", last + "ff2_w", last + "ff2_b")) {
            double difference = with.get(p).sub(without.get(p)).norm2Number().doubleValue();
            assertThat(difference).as(p).isGreaterThan(1e-3 * without.get(p).norm2Number().doubleValue());
        }
        Distillation onLastReal = new Distillation(List.of(Term.labels(0.5), DistillationTermsTest.attention(1.0, LAYERS - 1, LAYERS - 1)),
                false, HEADS, HIDDEN);
        Map<String, INDArray> realWith = gradients(onLastReal, 1.0);
        Map<String, INDArray> realWithout = gradients(onLastReal, 0.0);
        for (String p : List.of(last + "ff1_w", last + "ff2_w")) {
            assertThat(realWith.get(p).dup().data().asDouble()).as(p).containsExactly(realWithout.get(p).dup().data().asDouble());
        }
        // while the layer's attention projections do get it
        assertThat(realWith.get(last + "q_w").sub(realWithout.get(last + "q_w")).norm2Number().doubleValue()).isGreaterThan(1e-6);
    }
}
