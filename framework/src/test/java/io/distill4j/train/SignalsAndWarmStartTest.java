package io.distill4j.train;

import io.distill4j.config.DistillSpec;
import io.distill4j.config.LayerRef;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.ModelsSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.config.TermSpec;
import io.distill4j.data.LabeledSplit;
import io.distill4j.data.InputShape;
import io.distill4j.model.Lesson;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.TrainableModel;
import io.distill4j.signal.Signal;
import io.distill4j.signal.SignalChannel;
import io.distill4j.signal.SignalKey;
import io.distill4j.signal.SignalKind;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Signals by name (only what a learner's terms read is published, of this step, detached), warm start (a publisher's
 * learners learn from labels alone until it has warmed up) and per-term values, on tiny transformers.
 */
class SignalsAndWarmStartTest {
    private static final int LENGTH = 8;
    private static final int VOCABULARY = 12;
    private static final int BATCH = 16;
    private static final int HEADS = 2;
    private static final long SEED = 11;
    private static final ModelFactory FACTORY = new ModelFactory(2, InputShape.text(LENGTH, VOCABULARY), Integer.MAX_VALUE,
            TrainingSteps.FUSED, Precision.FP32);

    /** [labels 0.5, logits 0.5 at T 2, attention 1 on the publisher's last layer and the learner's last]. */
    private static final List<TermSpec> TERMS = List.of(new TermSpec("labels", 0.5, null, null, null, null, null),
            new TermSpec("logits", 0.5, 2.0, null, null, null, null),
            new TermSpec("attention", 1.0, null, LayerRef.LAST, LayerRef.LAST, null, null));

    private static ModelSpec transformer(String name, String learnsFrom, int hidden, int layers, double dropout, Boolean ald,
                                         Integer warmStartSteps, String warmStartOn) {
        return new ModelSpec(name, "transformer", List.of(hidden), null, new OptimizerSpec("adam", 0.003, null), dropout,
                learnsFrom, ModelSpec.TRAINING_PASS, null, null, layers, HEADS, 2 * hidden, "pre", "mean", null, ald, warmStartSteps,
                warmStartOn, null);
    }

    private static DistillSpec distill(int burnIn, boolean twins) {
        return new DistillSpec(null, null, 1, burnIn, twins, 0.0, TERMS);
    }

    private static LabeledSplit textData(int n) {
        return SyntheticData.tokenCounts(n, LENGTH, VOCABULARY);
    }

    private static OnlineTrainer trainer(ModelsSpec models, DistillSpec distill, LabeledSplit train, boolean parallel) {
        return new OnlineTrainer(Participants.build(models, distill, SEED, FACTORY), train, distill, 2, BATCH, SEED, parallel);
    }

    private static Participant participant(OnlineTrainer t, String name) {
        return t.participants().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private static byte[] saved(TrainableModel model) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            model.save(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The deployable parameters (an export's parameters.bin: without the auxiliary layer a twin lacks). */
    private static byte[] exportedParameters(TrainableModel model) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            model.export(out, Map.of());
            try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(out.toByteArray()))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    if (e.getName().equals("parameters.bin")) return zip.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no parameters.bin in the export");
    }

    @Test
    void onlyTheSignalsALearnersTermsReadArePublishedAndTheyAreThisStepsAndDetached() {
        LabeledSplit train = textData(64);
        // a 2-layer teacher and one student reading its logits and its last layer's attention
        ModelsSpec models = new ModelsSpec(transformer("teacher", "labels", 16, 2, 0.1, null, null, null), null,
                List.of(transformer("s1", "teacher", 8, 1, 0.1, null, null, null)));
        OnlineTrainer t = trainer(models, distill(0, false), train, false);
        SignalChannel channel = t.channel();
        SignalKey attention1 = SignalKey.of(SignalKind.ATTENTION, 1);
        long logitsBytes = (long) BATCH * 2 * 4;
        long attentionBytes = (long) BATCH * HEADS * LENGTH * LENGTH * 4;
        for (int step = 1; step <= 3; step++) {
            t.advance();
            assertThat(channel.publishedCount()).as("logits and attention@1 each step").isEqualTo(2L * step);
            assertThat(channel.publishedBytes()).isEqualTo(step * (logitsBytes + attentionBytes));
        }
        Signal logits = channel.at("teacher", SignalKey.LOGITS, 3).orElseThrow();
        Signal attention = channel.at("teacher", attention1, 3).orElseThrow();
        assertThat(logits.bytes()).isEqualTo(logitsBytes);
        assertThat(attention.bytes()).isEqualTo((long) BATCH * HEADS * LENGTH * LENGTH * 4);
        assertThat(attention.values().shape()).containsExactly(BATCH, HEADS, LENGTH, LENGTH);
        // nothing else: not the other layer, not the other kinds, and nothing from the student
        for (SignalKind kind : SignalKind.values()) {
            for (int layer = 0; layer < 2; layer++) {
                if (kind == SignalKind.ATTENTION && layer == 1) continue;
                assertThat(channel.latest("teacher", SignalKey.of(kind, layer))).as(kind + "@" + layer).isEmpty();
            }
        }
        assertThat(channel.latest("s1")).isEmpty();
        // a learner asks for this step's signal: the previous step's is no answer
        assertThat(channel.at("teacher", attention1, 2)).isEmpty();
        assertThat(channel.at("teacher", SignalKey.LOGITS, 4)).isEmpty();
        // attention probabilities: each query's row sums to 1
        INDArray rowSums = attention.values().sum(3);
        assertThat(rowSums.minNumber().doubleValue()).isCloseTo(1.0, within(1e-5));
        assertThat(rowSums.maxNumber().doubleValue()).isCloseTo(1.0, within(1e-5));
        // detached: the learner fitting (even on the signal itself) leaves the published values as they were
        float[] before = attention.values().ravel().toFloatVector();
        float[] logitsBefore = logits.values().ravel().toFloatVector();
        TrainableModel student = participant(t, "s1").model();
        INDArray x = train.features().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, BATCH),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
        INDArray y = Nd4j.zeros(BATCH, 2);
        for (int i = 0; i < BATCH; i++) y.putScalar(i, train.labels()[i], 1);
        student.fit(x, y, Lesson.at(participant(t, "s1").terms(), 4, Map.of(SignalKey.LOGITS, logits.values(), attention1, attention.values())));
        student.fit(x, y, Lesson.labelsOnly());
        assertThat(student.iterations()).isEqualTo(3 + 2);
        assertThat(attention.values().ravel().toFloatVector()).containsExactly(before);
        assertThat(logits.values().ravel().toFloatVector()).containsExactly(logitsBefore);
    }

    /** teacher (2 layers) -> assistant (1 layer, warm start) -> s1 (ALD) with its twin. */
    private static ModelsSpec ladder(int warmStart, String warmStartOn, String assistantLearnsFrom) {
        return new ModelsSpec(transformer("teacher", "labels", 16, 2, 0.1, null, null, null),
                transformer("assistant", assistantLearnsFrom, 8, 1, 0.1, null, warmStart, warmStartOn),
                List.of(transformer("s1", "assistant", 8, 1, 0.1, true, null, null)));
    }

    @Test
    void duringItsWarmStartAPublishersLearnersLearnFromLabelsAndItPublishesNothing() {
        int warm = 3;
        LabeledSplit train = textData(96);
        OnlineTrainer t = trainer(ladder(warm, null, "teacher"), distill(0, true), train, false);
        assertThat(t.participants()).extracting(Participant::name).containsExactly("teacher", "assistant", "s1", "s1.twin");
        TrainableModel student = participant(t, "s1").model();
        TrainableModel twin = participant(t, "s1.twin").model();
        assertThat(exportedParameters(student)).as("same initial weights").isEqualTo(exportedParameters(twin));
        for (int step = 1; step <= warm; step++) {
            StepRecord r = t.advance();
            assertThat(r.losses()).as("everyone steps").containsOnlyKeys("teacher", "assistant", "s1", "s1.twin");
            // s1 learns from labels alone, as its twin does: the same bits
            assertThat(exportedParameters(student)).as("step %d", step).isEqualTo(exportedParameters(twin));
            assertThat(r.losses().get("s1")).as("step %d", step).isEqualTo(r.losses().get("s1.twin"));
            assertThat(t.channel().latest("assistant")).as("step %d: the assistant publishes nothing", step).isEmpty();
            assertThat(t.channel().at("teacher", SignalKey.LOGITS, step)).as("the teacher publishes for the assistant").isPresent();
        }
        StepRecord after = t.advance();
        assertThat(t.channel().at("assistant", SignalKey.LOGITS, warm + 1)).isPresent();
        assertThat(t.channel().at("assistant", SignalKey.of(SignalKind.ATTENTION, 0), warm + 1)).isPresent();
        assertThat(exportedParameters(student)).as("s1 learns from the assistant now").isNotEqualTo(exportedParameters(twin));
        assertThat(after.losses().get("s1")).isNotEqualTo(after.losses().get("s1.twin"));
        // per-term values of the distilling transformers, in their order; the loss is their weighted sum
        assertThat(after.terms()).containsOnlyKeys("assistant", "s1");
        for (String name : List.of("assistant", "s1")) {
            Map<String, Double> v = after.terms().get(name);
            assertThat(List.copyOf(v.keySet())).containsExactly("labels", "logits", "attention");
            assertThat(v.values()).allMatch(d -> Double.isFinite(d) && d >= 0);
            assertThat(v.get("attention")).as(name + " attention KL of a real signal").isPositive();
            assertThat(after.losses().get(name)).isCloseTo(0.5 * v.get("labels") + 0.5 * v.get("logits") + v.get("attention"),
                    within(1e-4 * after.losses().get(name)));
        }
    }

    @Test
    void withWarmStartOnLabelsThePublisherItselfLearnsFromLabelsDuringItsWarmStart() {
        int warm = 2;
        LabeledSplit train = textData(96);
        OnlineTrainer onLabels = trainer(ladder(warm, "labels", "teacher"), distill(0, false), train, false);
        OnlineTrainer onSignals = trainer(ladder(warm, "signals", "teacher"), distill(0, false), train, false);
        // the same assistant (same name: same initial weights) learning from labels alone
        OnlineTrainer labelsOnly = trainer(ladder(warm, null, "labels"), distill(0, false), train, false);
        assertThat(participant(labelsOnly, "assistant").source()).isNull();
        for (int step = 1; step <= warm + 1; step++) {
            onLabels.advance();
            onSignals.advance();
            labelsOnly.advance();
            byte[] reference = exportedParameters(participant(labelsOnly, "assistant").model());
            if (step <= warm) {
                assertThat(exportedParameters(participant(onLabels, "assistant").model())).as("step %d", step).isEqualTo(reference);
            } else {
                assertThat(exportedParameters(participant(onLabels, "assistant").model())).as("step %d: learns from the teacher", step)
                        .isNotEqualTo(reference);
            }
            // warmStartOn: signals (the default): it learns from the teacher from the first step
            assertThat(exportedParameters(participant(onSignals, "assistant").model())).as("step %d", step).isNotEqualTo(reference);
        }
    }

    @Test
    void attentionTermsAldAndWarmStartOnBothCoresGiveBitwiseTheSequentialResult() {
        LabeledSplit train = textData(96);
        DistillSpec distill = distill(1, true);
        OnlineTrainer parallel = trainer(ladder(2, null, "teacher"), distill, train, true);
        OnlineTrainer sequential = trainer(ladder(2, null, "teacher"), distill, train, false);
        assertThat(parallel.participants()).allMatch(p -> p.model().fitsConcurrently());
        List<Long> published = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            StepRecord a = parallel.advance();
            StepRecord b = sequential.advance();
            assertThat(a.losses()).as("step %d", a.step()).isEqualTo(b.losses());
            assertThat(a.terms()).as("step %d", a.step()).isEqualTo(b.terms());
            published.add(parallel.channel().publishedCount());
        }
        assertThat(parallel.channel().publishedBytes()).isEqualTo(sequential.channel().publishedBytes());
        // step 1 burn-in: nothing; steps 2-6 the teacher (logits, attention@1); steps 3-6 the assistant (logits, attention@0)
        assertThat(published).containsExactly(0L, 2L, 6L, 10L, 14L, 18L);
        for (int i = 0; i < parallel.participants().size(); i++) {
            assertThat(saved(parallel.participants().get(i).model())).as(parallel.participants().get(i).name())
                    .isEqualTo(saved(sequential.participants().get(i).model()));
        }
    }
}
