package io.distill4j.train;

import io.distill4j.config.ConvSpec;
import io.distill4j.config.DistillSpec;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.ModelsSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.data.LabeledSplit;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.TrainableModel;
import io.distill4j.model.dl4j.Dl4jModel;
import io.distill4j.report.Evaluator;
import io.distill4j.step.Precision;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.distill4j.step.TrainingSteps;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.distill4j.train.SyntheticData.mlp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnlineTrainerTest {
    private static final LabeledSplit TRAIN = SyntheticData.split(640, 1);
    private static final ModelFactory FACTORY = new ModelFactory(SyntheticData.CLASSES, InputShape.image(SyntheticData.SIDE,
            SyntheticData.SIDE, 1), Integer.MAX_VALUE, TrainingSteps.FUSED, Precision.FP32);
    private static final long SEED = 42;

    private static ModelsSpec ladder(String teacherSignal) {
        return new ModelsSpec(mlp("teacher", "labels", 0.2, teacherSignal, 32, 32),
                mlp("assistant", "teacher", 0.1, ModelSpec.TRAINING_PASS, 16),
                List.of(mlp("s1", "assistant", 0.1, ModelSpec.TRAINING_PASS, 8),
                        mlp("s2", "teacher", 0.0, ModelSpec.TRAINING_PASS, 4),
                        mlp("s3", "labels", 0.0, ModelSpec.TRAINING_PASS, 4)));
    }

    private static OnlineTrainer trainer(ModelsSpec models, DistillSpec distill) {
        List<Participant> ps = Participants.build(models, distill, SEED, FACTORY);
        return new OnlineTrainer(ps, TRAIN, distill, 2, 32, SEED, true);
    }

    private static OnlineTrainer sequential(ModelsSpec models, DistillSpec distill) {
        return new OnlineTrainer(Participants.build(models, distill, SEED, FACTORY), TRAIN, distill, 2, 32, SEED, false);
    }

    /** The DL4J network of a model of the DL4J families (all this test builds), parameters up to date. */
    static MultiLayerNetwork net(TrainableModel model) {
        return ((Dl4jModel) model).network();
    }

    private static float[] params(TrainableModel model) {
        return net(model).params().dup().data().asFloat();
    }

    @Test
    void teacherIsBitwiseTheSameWithAndWithoutStudents() {
        DistillSpec distill = new DistillSpec(4.0, 0.7, 1, 3, false, 0.0);
        OnlineTrainer withStudents = trainer(ladder(ModelSpec.TRAINING_PASS), distill);
        ModelsSpec alone = new ModelsSpec(ladder(ModelSpec.TRAINING_PASS).teacher(), null,
                List.of(mlp("only", "labels", 0.0, ModelSpec.TRAINING_PASS, 4)));
        OnlineTrainer teacherAlone = trainer(alone, distill);
        withStudents.run();
        teacherAlone.run();
        assertThat(withStudents.step()).isEqualTo(40);
        float[] a = params(withStudents.participants().get(0).model());
        float[] b = params(teacherAlone.participants().get(0).model());
        assertThat(Arrays.equals(a, b)).as("teacher parameters bitwise equal").isTrue();
        // and training did change them (the comparison is not between two untouched initialisations)
        TrainableModel fresh = Participants.build(alone, distill, SEED, FACTORY).get(0).model();
        assertThat(Arrays.equals(a, params(fresh))).isFalse();
    }

    @Test
    void twoRunsWithTheSameSeedAreBitwiseIdentical() {
        DistillSpec distill = new DistillSpec(4.0, 0.7, 2, 5, false, 0.0);
        OnlineTrainer a = trainer(ladder(ModelSpec.TRAINING_PASS), distill);
        OnlineTrainer b = trainer(ladder(ModelSpec.TRAINING_PASS), distill);
        a.run();
        b.run();
        for (int i = 0; i < a.participants().size(); i++) {
            assertThat(Arrays.equals(params(a.participants().get(i).model()), params(b.participants().get(i).model())))
                    .as(a.participants().get(i).name()).isTrue();
        }
        OnlineTrainer otherSeed = new OnlineTrainer(Participants.build(ladder(ModelSpec.TRAINING_PASS), distill, SEED + 1, FACTORY),
                TRAIN, distill, 2, 32, SEED + 1, true);
        otherSeed.run();
        assertThat(Arrays.equals(params(a.participants().get(2).model()), params(otherSeed.participants().get(2).model()))).isFalse();
    }

    /** Counts forward passes through the teacher's first layer (backprop never calls getActivation). */
    private static AtomicInteger countForwards(MultiLayerNetwork net) {
        AtomicInteger count = new AtomicInteger();
        BaseLayer first = (BaseLayer) net.getLayer(0).conf().getLayer();
        first.setActivationFn(new ActivationReLU() {
            @Override
            public INDArray getActivation(INDArray in, boolean training) {
                count.incrementAndGet();
                return super.getActivation(in, training);
            }
        });
        return count;
    }

    /** Teacher forward passes in 12 steps: DL4J's counted by an instrumented activation, the fused step's by its own counter. */
    private static long teacherForwards(ModelsSpec models, DistillSpec distill, String engine) {
        OnlineTrainer t = new OnlineTrainer(Participants.build(models, distill, SEED, FACTORY.withEngine(engine)), TRAIN, distill, 2, 32, SEED, true);
        Participant teacher = t.participants().get(0);
        assertThat(teacher.model().engine()).isEqualTo(engine);
        AtomicInteger instrumented = TrainingSteps.DL4J.equals(engine) ? countForwards(net(teacher.model())) : null;
        for (int i = 0; i < 12; i++) t.advance();
        assertThat(t.channel().publishedCount()).as("published signals").isEqualTo(
                ModelSpec.EVAL_PASS.equals(models.teacher().signalSource()) ? 8 : 24);
        return instrumented != null ? instrumented.get() : teacher.model().forwardPasses();
    }

    @ParameterizedTest
    @ValueSource(strings = {TrainingSteps.FUSED, TrainingSteps.DL4J})
    void trainingPassSignalCostsExactlyOneTeacherForwardPerStep(String engine) {
        // teacher and assistant publish every step: 24 signals, and still one teacher forward pass per step
        assertThat(teacherForwards(ladder(ModelSpec.TRAINING_PASS), new DistillSpec(4.0, 0.7, 1, 0, false, 0.0), engine)).isEqualTo(12);
    }

    @ParameterizedTest
    @ValueSource(strings = {TrainingSteps.FUSED, TrainingSteps.DL4J})
    void evalPassSignalCostsOneExtraForwardPerPublishedStep(String engine) {
        assertThat(teacherForwards(ladder(ModelSpec.EVAL_PASS), new DistillSpec(4.0, 0.7, 3, 0, false, 0.0), engine)).isEqualTo(12 + 4);
    }

    @Test
    void burnInTrainsEveryoneOnLabelsThenDistillersStepOnlyWhenTheirSourcePublishes() {
        OnlineTrainer t = trainer(ladder(ModelSpec.TRAINING_PASS), new DistillSpec(4.0, 0.7, 3, 4, false, 0.0));
        List<StepRecord> records = new ArrayList<>();
        for (int i = 0; i < 9; i++) records.add(t.advance());
        for (StepRecord r : records.subList(0, 4)) {
            assertThat(r.burnIn()).isTrue();
            assertThat(r.published()).isFalse();
            assertThat(r.losses()).containsOnlyKeys("teacher", "assistant", "s1", "s2", "s3");
        }
        assertThat(records.get(4).losses()).containsOnlyKeys("teacher", "s3");   // step 5: no publish
        assertThat(records.get(5).published()).isTrue();                          // step 6 = 2 * period
        assertThat(records.get(5).losses()).containsOnlyKeys("teacher", "assistant", "s1", "s2", "s3");
        assertThat(records.get(6).losses()).containsOnlyKeys("teacher", "s3");
    }

    @Test
    void studentsLearnFromTheSignal() {
        OnlineTrainer t = new OnlineTrainer(Participants.build(ladder(ModelSpec.TRAINING_PASS), new DistillSpec(2.0, 0.7, 1, 20, false, 0.0),
                SEED, FACTORY), TRAIN, new DistillSpec(2.0, 0.7, 1, 20, false, 0.0), 10, 32, SEED, true);
        t.run();
        Evaluator eval = new Evaluator(SyntheticData.split(600, 99));
        for (Participant p : t.participants()) {
            assertThat(eval.evaluate(p.model()).accuracy()).as(p.name()).isGreaterThan(0.7);
        }
    }

    @Test
    void nanLossStopsTheRunNamingModelAndStep() {
        LabeledSplit poisoned = SyntheticData.split(64, 3);
        poisoned.features().putScalar(new long[]{5, 3}, Float.NaN);
        DistillSpec distill = new DistillSpec(4.0, 0.7, 1, 0, false, 0.0);
        OnlineTrainer t = new OnlineTrainer(Participants.build(ladder(ModelSpec.TRAINING_PASS), distill, SEED, FACTORY),
                poisoned, distill, 1, 64, SEED, true);
        assertThatThrownBy(t::run).isInstanceOf(DivergenceException.class)
                .hasMessage("training diverged: model 'teacher' had loss NaN at step 1");
    }

    @Test
    void aFiniteTrainingLossPastTheBoundIsDivergenceToo() {
        // round 3, D3: a loss went 2.3, 60, 1.9e7, 1.1e20 and never became NaN; the run passed with NaN test losses
        DistillSpec distill = new DistillSpec(4.0, 0.7, 1, 0, false, 0.0);
        OnlineTrainer t = new OnlineTrainer(Participants.build(ladder(ModelSpec.TRAINING_PASS), distill, SEED, FACTORY),
                TRAIN, distill, 1, 64, SEED, false);
        net(t.participants().get(0).model()).params().muli(1e4);   // logits of the scale of an exploding teacher
        assertThatThrownBy(t::advance).isInstanceOf(DivergenceException.class)
                .hasMessageStartingWith("training diverged: model 'teacher' had loss ")
                .hasMessageEndingWith(" at step 1 (past 1,000,000, where no model that still learns goes)");
        assertThat(DivergenceException.diverged(DivergenceException.LOSS_BOUND)).isFalse();
        assertThat(DivergenceException.diverged(Double.POSITIVE_INFINITY)).isTrue();
    }

    @Test
    void aNonFiniteEvaluationLossIsDivergenceNamingTheModelTheSplitAndTheStep() {
        // round 3, D3: NaN test losses went into report.json, which report and compare then refused
        DistillSpec distill = new DistillSpec(4.0, 0.7, 1, 0, false, 0.0);
        List<Participant> participants = Participants.build(ladder(ModelSpec.TRAINING_PASS), distill, SEED, FACTORY);
        net(participants.get(2).model()).params().putScalar(0, Float.NaN);
        Evaluator evaluator = new Evaluator(SyntheticData.split(64, 9));
        assertThatThrownBy(() -> io.distill4j.listeners.PeriodicEvaluation.evaluateAll(evaluator, participants, 12, "test"))
                .isInstanceOf(DivergenceException.class).hasMessage("training diverged: model 's1' had test loss NaN at step 12");
    }

    @Test
    void publishedSignalIsTheTeachersLogitsFromItsTrainingPass() {
        // no dropout: the training pass and an inference pass with the pre-update weights agree exactly
        ModelsSpec models = new ModelsSpec(mlp("teacher", "labels", 0.0, ModelSpec.TRAINING_PASS, 16), null,
                List.of(mlp("s", "teacher", 0.0, ModelSpec.TRAINING_PASS, 4)));
        DistillSpec distill = new DistillSpec(4.0, 0.7, 1, 0, false, 0.0);
        OnlineTrainer t = trainer(models, distill);
        MultiLayerNetwork teacher = net(t.participants().get(0).model());
        io.distill4j.data.EpochCursor probe = io.distill4j.data.EpochCursor.restore(t.cursor().state());
        for (int i = 0; i < 3; i++) {
            INDArray x = io.distill4j.data.Batches.features(TRAIN, probe.next());
            INDArray before = io.distill4j.step.Logits.inference(teacher, x).dup();
            t.advance();
            INDArray published = t.channel().latest("teacher").orElseThrow().values();
            assertThat(published.shape()).containsExactly(32, SyntheticData.CLASSES);
            assertThat(published.equalsWithEps(before, 1e-5)).as("step " + (i + 1)).isTrue();
            // and the update happened after the pass: the teacher now gives different logits
            assertThat(io.distill4j.step.Logits.inference(teacher, x).equalsWithEps(before, 1e-6)).isFalse();
        }
    }

    @Test
    void temporalEnsembleSendsEachExamplesAveragedLogitsFromTheTrainingPasses() {
        ModelsSpec models = new ModelsSpec(mlp("teacher", "labels", 0.0, ModelSpec.TRAINING_PASS, 16), null,
                List.of(mlp("s", "teacher", 0.0, ModelSpec.TRAINING_PASS, 4)));
        double decay = 0.6;
        // burn-in covers the first epoch (20 steps of 32): the memory is filled by the teacher's labels-only steps
        DistillSpec distill = new DistillSpec(4.0, 0.7, 1, 20, false, decay);
        OnlineTrainer t = sequential(models, distill);
        java.util.Map<Integer, float[]> memory = new java.util.HashMap<>();
        io.distill4j.data.EpochCursor probe = io.distill4j.data.EpochCursor.restore(t.cursor().state());
        for (int i = 0; i < 24; i++) {
            int[] idx = probe.next();
            t.advance();
            float[][] latest = t.participants().get(0).model().trainingLogits().toFloatMatrix();
            for (int r = 0; r < idx.length; r++) {
                float[] old = memory.get(idx[r]);
                float[] now = latest[r].clone();
                if (old != null) for (int c = 0; c < now.length; c++) now[c] = (float) decay * old[c] + (float) (1 - decay) * now[c];
                memory.put(idx[r], now);
            }
            if (i < 20) {
                assertThat(t.channel().latest("teacher")).as("nothing is published in burn-in").isEmpty();
                continue;
            }
            float[][] published = t.channel().latest("teacher").orElseThrow().values().toFloatMatrix();
            for (int r = 0; r < idx.length; r++) {
                assertThat(published[r]).as("step " + (i + 1) + " row " + r).containsExactly(memory.get(idx[r]),
                        org.assertj.core.api.Assertions.within(1e-5f));
                assertThat(Arrays.equals(published[r], latest[r])).as("second visit: not the latest logits").isFalse();
            }
        }
        assertThat(t.stateFiles()).containsOnlyKeys(OnlineTrainer.memoryFile("teacher"));
    }

    /** A resume requires these names of a checkpoint before any trainer exists: they must be the ones a trainer writes. */
    @Test
    void theCheckpointedNamesAreKnownFromTheConfigAlone() {
        ModelsSpec models = ladder(ModelSpec.TRAINING_PASS);
        for (double ensemble : new double[]{0.0, 0.8}) {
            DistillSpec distill = new DistillSpec(4.0, 0.7, 1, 3, true, ensemble);
            OnlineTrainer t = trainer(models, distill);
            assertThat(Participants.names(models, true)).containsExactlyElementsOf(t.participants().stream().map(Participant::name).toList())
                    .contains("s1.twin").doesNotContain("s3.twin");
            assertThat(OnlineTrainer.stateFileNames(models, distill)).containsExactlyElementsOf(t.stateFiles().keySet());
        }
        assertThat(OnlineTrainer.stateFileNames(models, new DistillSpec(4.0, 0.7, 1, 3, true, 0.8)))
                .containsExactly(OnlineTrainer.memoryFile("teacher"), OnlineTrainer.memoryFile("assistant"));
    }

    /**
     * DL4J's fit runs the publisher's forward-pass hook inside a workspace: the averaged signal made there must outlive
     * it, since learners on the second thread read it after the teacher's fit has closed the workspace (a CNN study
     * failed with "leaked workspace pointer" before the signal was allocated outside workspaces).
     */
    @Test
    void temporalEnsembleWithDl4jFitAndLearnersOnASecondThreadEqualsSequential() {
        DistillSpec distill = new DistillSpec(4.0, 0.7, 1, 3, true, 0.8);
        OnlineTrainer parallel = new OnlineTrainer(Participants.build(ladder(ModelSpec.TRAINING_PASS), distill, SEED, FACTORY.withEngine(TrainingSteps.DL4J)), TRAIN, distill, 2, 32, SEED, true);
        OnlineTrainer sequential = new OnlineTrainer(Participants.build(ladder(ModelSpec.TRAINING_PASS), distill, SEED, FACTORY.withEngine(TrainingSteps.DL4J)), TRAIN, distill, 2, 32, SEED, false);
        parallel.run();
        sequential.run();
        for (int i = 0; i < parallel.participants().size(); i++) {
            assertThat(Arrays.equals(params(parallel.participants().get(i).model()), params(sequential.participants().get(i).model())))
                    .as(parallel.participants().get(i).name()).isTrue();
        }
    }

    @Test
    void learnersOnASecondThreadGiveBitwiseTheSequentialResult() {
        for (int period : new int[]{1, 3}) {
          for (double ensemble : new double[]{0.0, 0.7}) {
            DistillSpec distill = new DistillSpec(4.0, 0.7, period, 5, false, ensemble);
            OnlineTrainer parallel = trainer(ladder(ModelSpec.TRAINING_PASS), distill);
            OnlineTrainer sequential = sequential(ladder(ModelSpec.TRAINING_PASS), distill);
            List<StepRecord> a = new ArrayList<>();
            List<StepRecord> b = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                a.add(parallel.advance());
                b.add(sequential.advance());
            }
            assertThat(a).extracting(StepRecord::losses).isEqualTo(b.stream().map(StepRecord::losses).toList());
            for (int i = 0; i < parallel.participants().size(); i++) {
                assertThat(Arrays.equals(params(parallel.participants().get(i).model()), params(sequential.participants().get(i).model())))
                        .as("period " + period + " ensemble " + ensemble + " " + parallel.participants().get(i).name()).isTrue();
            }
          }
        }
    }

    /** The fused engine runs the same online loop as DL4J's fit, up to float rounding: same losses, same parameters. */
    @Test
    void fusedAndDl4jEnginesAgreeOverAWholeLadder() {
        DistillSpec distill = new DistillSpec(4.0, 0.7, 2, 4, false, 0.0);
        ModelsSpec models = new ModelsSpec(mlp("teacher", "labels", 0.0, ModelSpec.TRAINING_PASS, 32, 32),
                mlp("assistant", "teacher", 0.0, ModelSpec.TRAINING_PASS, 16),
                List.of(mlp("s1", "assistant", 0.0, ModelSpec.TRAINING_PASS, 8), mlp("s3", "labels", 0.0, ModelSpec.TRAINING_PASS, 4)));
        OnlineTrainer fused = new OnlineTrainer(Participants.build(models, distill, SEED, FACTORY.withEngine(TrainingSteps.FUSED)), TRAIN, distill, 2, 32, SEED, false);
        OnlineTrainer dl4j = new OnlineTrainer(Participants.build(models, distill, SEED, FACTORY.withEngine(TrainingSteps.DL4J)), TRAIN, distill, 2, 32, SEED, false);
        for (int i = 0; i < 20; i++) {
            StepRecord a = fused.advance();
            StepRecord b = dl4j.advance();
            assertThat(a.losses().keySet()).isEqualTo(b.losses().keySet());
            a.losses().forEach((name, loss) -> assertThat(loss).as("step %d %s", a.step(), name)
                    .isCloseTo(b.losses().get(name), org.assertj.core.data.Offset.offset(1e-4)));
        }
        for (int i = 0; i < fused.participants().size(); i++) {
            INDArray a = net(fused.participants().get(i).model()).params();
            INDArray b = net(dl4j.participants().get(i).model()).params();
            assertThat(a.sub(b).amaxNumber().doubleValue()).as(fused.participants().get(i).name()).isLessThan(1e-4);
            assertThat(fused.participants().get(i).model().engine()).isEqualTo(TrainingSteps.FUSED);
        }
    }

    /** A CNN ladder on the 4x4 synthetic images: two conv stages (no pooling) with a dropout dense layer, a pooled student. */
    private static ModelsSpec cnnLadder(double dropout) {
        OptimizerSpec adam = new OptimizerSpec("adam", 0.01, null);
        return new ModelsSpec(new ModelSpec("teacher", "cnn", List.of(16), List.of(new ConvSpec(4, 2, 1), new ConvSpec(6, 2, 1)), adam,
                dropout, "labels", ModelSpec.TRAINING_PASS, null, null), null,
                List.of(new ModelSpec("s1", "cnn", List.of(), List.of(new ConvSpec(3, 3, 2)), adam, 0.0, "teacher",
                                ModelSpec.TRAINING_PASS, null, null),
                        new ModelSpec("s2", "cnn", List.of(8), List.of(new ConvSpec(2, 3, 1)), adam, dropout, "labels",
                                ModelSpec.TRAINING_PASS, null, null)));
    }

    @Test
    void fusedCnnStepsOnASecondThreadGiveBitwiseTheSequentialResult() {
        DistillSpec distill = new DistillSpec(4.0, 0.7, 1, 5, true, 0.7);
        OnlineTrainer parallel = trainer(cnnLadder(0.2), distill);
        OnlineTrainer sequential = sequential(cnnLadder(0.2), distill);
        for (int i = 0; i < 30; i++) {
            assertThat(parallel.advance().losses()).isEqualTo(sequential.advance().losses());
        }
        for (int i = 0; i < parallel.participants().size(); i++) {
            assertThat(parallel.participants().get(i).model().engine()).isEqualTo(TrainingSteps.FUSED);
            assertThat(Arrays.equals(params(parallel.participants().get(i).model()), params(sequential.participants().get(i).model())))
                    .as(parallel.participants().get(i).name()).isTrue();
        }
    }

    @Test
    void fusedAndDl4jEnginesAgreeOverAWholeCnnLadder() {
        DistillSpec distill = new DistillSpec(4.0, 0.7, 2, 4, true, 0.0);
        OnlineTrainer fused = new OnlineTrainer(Participants.build(cnnLadder(0.0), distill, SEED, FACTORY.withEngine(TrainingSteps.FUSED)), TRAIN, distill, 2, 32, SEED, true);
        OnlineTrainer dl4j = new OnlineTrainer(Participants.build(cnnLadder(0.0), distill, SEED, FACTORY.withEngine(TrainingSteps.DL4J)), TRAIN, distill, 2, 32, SEED, true);
        for (int i = 0; i < 20; i++) {
            StepRecord a = fused.advance();
            StepRecord b = dl4j.advance();
            assertThat(a.losses().keySet()).isEqualTo(b.losses().keySet());
            a.losses().forEach((name, loss) -> assertThat(loss).as("step %d %s", a.step(), name)
                    .isCloseTo(b.losses().get(name), org.assertj.core.data.Offset.offset(1e-4)));
        }
        for (int i = 0; i < fused.participants().size(); i++) {
            INDArray a = net(fused.participants().get(i).model()).params();
            INDArray b = net(dl4j.participants().get(i).model()).params();
            assertThat(a.sub(b).amaxNumber().doubleValue()).as(fused.participants().get(i).name()).isLessThan(1e-4);
            assertThat(fused.participants().get(i).model().engine()).isEqualTo(TrainingSteps.FUSED);
        }
    }

    @Test
    void aFailingLearnerThreadIsReportedNotHung() {
        LabeledSplit poisoned = SyntheticData.split(64, 3);
        DistillSpec distill = new DistillSpec(4.0, 0.7, 1, 0, false, 0.0);
        OnlineTrainer t = new OnlineTrainer(Participants.build(ladder(ModelSpec.TRAINING_PASS), distill, SEED, FACTORY),
                poisoned, distill, 1, 32, SEED, true);
        net(t.participants().get(2).model()).params().putScalar(0, Float.NaN);   // s1 runs on the learner thread
        assertThatThrownBy(t::advance).isInstanceOf(DivergenceException.class).hasMessageContaining("model 's1'");
    }
}
