package io.distill4j.step;

import io.distill4j.config.ConvSpec;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.loss.SoftLogitKdLoss;
import io.distill4j.model.Head;
import io.distill4j.model.dl4j.NetworkFactory;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fused step against DL4J's own training step, which is the reference it must reproduce. */
class FusedMlpStepTest {
    private static final int CLASSES = 3;
    private static final NetworkFactory SMALL = new NetworkFactory(CLASSES, 4, 4, 1, DataType.FLOAT);
    private static final NetworkFactory MNIST = new NetworkFactory(CLASSES, 28, 28, 1, DataType.FLOAT);
    private static final double T = 2.0;
    private static final double ALPHA = 0.6;

    static MultiLayerNetwork mlp(NetworkFactory factory, Head head, String optimizer, double dropout, Integer... hidden) {
        ModelSpec spec = new ModelSpec("m", "mlp", List.of(hidden), List.of(), new OptimizerSpec(optimizer, 0.01, null), dropout,
                head == Head.LABELS ? ModelSpec.LABELS : "teacher", ModelSpec.TRAINING_PASS, null, null);
        return factory.build(spec, head, T, ALPHA, 5);
    }

    static INDArray features(int batch, int width, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, batch, width);
    }

    static INDArray oneHot(int batch, long seed) {
        Random r = new Random(seed);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, CLASSES);
        for (int i = 0; i < batch; i++) y.putScalar(i, r.nextInt(CLASSES), 1f);
        return y;
    }

    static INDArray targets(int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, batch, CLASSES).muli(3);
    }

    private static FusedMlpStep fused(MultiLayerNetwork net) {
        return (FusedMlpStep) FusedMlpStep.of(net).orElseThrow();
    }

    /** DL4J's labels for the same batch: [targets | one-hot] for a KD head, with its alpha set as the fused step uses it. */
    private static INDArray dl4jLabels(MultiLayerNetwork net, INDArray y, INDArray targets) {
        LossLayer head = (LossLayer) net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer();
        if (!(head.getLossFn() instanceof SoftLogitKdLoss kd)) return y;
        kd.setAlpha(targets == null ? 0 : ALPHA);
        return Nd4j.hstack(targets == null ? Nd4j.zerosLike(y) : targets, y);
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        return a.reshape(a.length()).castTo(DataType.DOUBLE).sub(b.reshape(b.length()).castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    static List<Object[]> shapes() {
        return List.of(new Object[]{SMALL, 16, new Integer[]{8, 5}}, new Object[]{SMALL, 16, new Integer[]{}},
                new Object[]{MNIST, 784, new Integer[]{256, 256}});
    }

    @Test
    void gradientAndLossEqualDl4jsForLabelAndDistillationHeads() {
        for (Object[] shape : shapes()) {
            NetworkFactory factory = (NetworkFactory) shape[0];
            int width = (int) shape[1];
            Integer[] hidden = (Integer[]) shape[2];
            int batch = width == 784 ? 64 : 9;   // the 784-wide case is large enough for the split products
            INDArray x = features(batch, width, 1);
            INDArray y = oneHot(batch, 2);
            for (Head head : Head.values()) {
                for (INDArray t : head == Head.DISTILL ? new INDArray[]{targets(batch, 3), null} : new INDArray[]{null}) {
                    MultiLayerNetwork net = mlp(factory, head, "adam", 0.0, hidden);
                    FusedMlpStep step = fused(net);
                    double loss = step.computeGradient(x, y, t, ALPHA);
                    net.setInput(x);
                    net.setLabels(dl4jLabels(net, y, t));
                    net.computeGradientAndScore();
                    String what = head + " hidden " + List.of(hidden) + (t == null ? " labels only" : " with targets");
                    assertThat(loss).as(what).isCloseTo(net.score(), org.assertj.core.data.Offset.offset(1e-5));
                    // DL4J sums per-example gradients (its updater divides by the batch); the fused step's is the mean
                    INDArray reference = net.gradient().gradient().div(batch);
                    double scale = reference.amaxNumber().doubleValue();
                    assertThat(maxAbsDiff(step.gradient(), reference)).as(what).isLessThan(1e-5 * Math.max(1, scale));
                    assertThat(scale).as("a gradient that is not all zeros").isGreaterThan(1e-4);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd", "nesterovs", "rmsprop"})
    void fiveStepsEqualDl4jFitWithEachOptimizer(String optimizer) {
        MultiLayerNetwork a = mlp(SMALL, Head.DISTILL, optimizer, 0.0, 8, 5);
        MultiLayerNetwork b = mlp(SMALL, Head.DISTILL, optimizer, 0.0, 8, 5);
        INDArray initial = a.params().dup();
        FusedMlpStep step = fused(a);
        for (int i = 0; i < 5; i++) {
            INDArray x = features(9, 16, 10 + i);
            INDArray y = oneHot(9, 20 + i);
            INDArray t = i % 2 == 0 ? targets(9, 30 + i) : null;
            step.fit(x, y, t, ALPHA);
            b.fit(new DataSet(x, dl4jLabels(b, y, t)));
        }
        assertThat(step.network()).isSameAs(a);   // and the last update has landed
        assertThat(a.getIterationCount()).isEqualTo(b.getIterationCount()).isEqualTo(5);
        assertThat(maxAbsDiff(a.params(), b.params())).as(optimizer + " parameters").isLessThan(2e-5);
        assertThat(maxAbsDiff(a.params(), initial)).as("training moved the parameters").isGreaterThan(1e-3);
        if (!"sgd".equals(optimizer)) {
            // the optimizer state the fused step keeps reaches the network, where checkpoints read it
            INDArray stateA = step.network().getUpdater().getStateViewArray();
            INDArray stateB = b.getUpdater().getStateViewArray();
            assertThat(maxAbsDiff(stateA, stateB)).as(optimizer + " state").isLessThan(1e-5 * Math.max(1, stateB.amaxNumber().doubleValue()));
        }
    }

    @Test
    void aCheckpointedNetworkContinuesBitwiseLikeTheOriginal(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = mlp(SMALL, Head.DISTILL, "adam", 0.2, 8, 5);
        FusedMlpStep original = fused(net);
        for (int i = 0; i < 3; i++) step(original, i);
        File file = dir.resolve("m.zip").toFile();
        ModelSerializer.writeModel(original.network(), file, true);
        FusedMlpStep restored = fused(ModelSerializer.restoreMultiLayerNetwork(file, true));
        for (int i = 3; i < 6; i++) {
            double a = step(original, i);
            double b = step(restored, i);
            assertThat(b).isEqualTo(a);
        }
        assertThat(restored.network().params()).isEqualTo(original.network().params());
    }

    private static double step(FusedMlpStep s, int i) {
        Nd4j.getRandom().setSeed(100 + i);   // as the trainer does: dropout masks follow from (seed, step, model)
        return s.fit(features(9, 16, 40 + i), oneHot(9, 50 + i), targets(9, 60 + i), ALPHA);
    }

    @Test
    void dropoutIsRepeatableAndItsGradientMatchesFiniteDifferences() {
        MultiLayerNetwork net = mlp(SMALL, Head.DISTILL, "adam", 0.3, 8, 6);
        FusedMlpStep step = fused(net);
        INDArray x = features(9, 16, 1);
        INDArray y = oneHot(9, 2);
        INDArray t = targets(9, 3);
        Nd4j.getRandom().setSeed(77);
        double loss = step.computeGradient(x, y, t, ALPHA);
        INDArray analytic = step.gradient().dup();
        Nd4j.getRandom().setSeed(77);
        assertThat(step.computeGradient(x, y, t, ALPHA)).isEqualTo(loss);
        Nd4j.getRandom().setSeed(78);
        assertThat(step.computeGradient(x, y, t, ALPHA)).as("another mask, another loss").isNotEqualTo(loss);
        Nd4j.getRandom().setSeed(77);
        step.inferenceLogits(x);   // inference draws nothing and leaves the training buffers alone
        INDArray params = net.params();
        double eps = 5e-3;
        int checked = 0;
        for (int k = 0; k < params.length(); k += 3) {
            double a = analytic.getDouble(k);
            if (Math.abs(a) < 1e-3) continue;
            float orig = params.getFloat(k);
            params.putScalar(k, orig + eps);
            Nd4j.getRandom().setSeed(77);
            double plus = step.computeGradient(x, y, t, ALPHA);
            params.putScalar(k, orig - eps);
            Nd4j.getRandom().setSeed(77);
            double minus = step.computeGradient(x, y, t, ALPHA);
            params.putScalar(k, orig);
            double numeric = (plus - minus) / (2 * eps);
            assertThat(Math.abs(a - numeric)).as("parameter " + k + ": analytic " + a + " numeric " + numeric)
                    .isLessThan(2e-3 + 0.03 * Math.abs(a));
            checked++;
        }
        assertThat(checked).as("parameters with a gradient to check").isGreaterThan(20);
    }

    @Test
    void inferenceLogitsEqualDl4jOutputAndDoNotTouchTheTrainingPass() {
        MultiLayerNetwork net = mlp(MNIST, Head.LABELS, "adam", 0.2, 256, 256);
        FusedMlpStep step = fused(net);
        INDArray x = features(64, 784, 1);
        step.computeGradient(x, oneHot(64, 2), null, ALPHA);
        INDArray training = step.trainingLogits().dup();
        INDArray expected = Logits.inference(net, x);
        assertThat(maxAbsDiff(step.inferenceLogits(x), expected)).isLessThan(1e-4);
        assertThat(step.trainingLogits()).isEqualTo(training);
        assertThat(step.forwardPasses()).isEqualTo(2);
    }

    @Test
    void onlyPlainFloatMlpsTakeTheFusedStep() {
        MultiLayerNetwork cnn = MNIST.build(new ModelSpec("c", "cnn", List.of(16), List.of(new ConvSpec(4, 5, 2)),
                new OptimizerSpec("adam", 0.01, null), 0.0, ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null), Head.LABELS, T, ALPHA, 1);
        assertThat(FusedMlpSupport.unsupported(cnn)).isPresent();
        assertThat(TrainingSteps.create(cnn, TrainingSteps.FUSED, "c").kind()).as("the fused CNN step takes it").isEqualTo(TrainingSteps.FUSED);
        MultiLayerNetwork doubles = new NetworkFactory(CLASSES, 4, 4, 1, DataType.DOUBLE).build(new ModelSpec("d", "mlp",
                List.of(4), List.of(), new OptimizerSpec("adam", 0.01, null), 0.0, ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null),
                Head.LABELS, T, ALPHA, 1);
        assertThat(FusedMlpSupport.unsupported(doubles)).contains("parameters are DOUBLE, not FLOAT");
        MultiLayerNetwork mlp = mlp(SMALL, Head.LABELS, "adam", 0.0, 4);
        assertThat(TrainingSteps.create(mlp, TrainingSteps.FUSED, "m").kind()).isEqualTo(TrainingSteps.FUSED);
        assertThat(TrainingSteps.create(mlp, TrainingSteps.DL4J, "m").kind()).isEqualTo(TrainingSteps.DL4J);
        assertThatThrownBy(() -> TrainingSteps.create(mlp, "turbo", "m")).hasMessageContaining("unknown training engine 'turbo'");
    }

    @Test
    void aLabelsOnlyHeadRefusesSoftTargets() {
        FusedMlpStep step = fused(mlp(SMALL, Head.LABELS, "adam", 0.0, 4));
        assertThatThrownBy(() -> step.fit(features(9, 16, 1), oneHot(9, 2), targets(9, 3), ALPHA))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("labels-only head");
    }
}
