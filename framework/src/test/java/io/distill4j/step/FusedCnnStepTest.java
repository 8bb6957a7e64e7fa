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
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import static io.distill4j.step.FusedMlpStepTest.oneHot;
import static io.distill4j.step.FusedMlpStepTest.targets;
import static org.assertj.core.api.Assertions.assertThat;

/** The fused CNN step against DL4J's own training step, which is the reference it must reproduce. */
class FusedCnnStepTest {
    private static final double T = 2.0;
    private static final double ALPHA = 0.6;

    /** A network shape: image size and channels, conv stages, hidden widths, and a batch size. */
    private record Shape(int side, int channels, List<ConvSpec> conv, List<Integer> hidden, int batch) {
        NetworkFactory factory() {
            return new NetworkFactory(3, side, side, channels, DataType.FLOAT);
        }

        int width() {
            return side * side * channels;
        }

        @Override
        public String toString() {
            return side + "x" + side + "x" + channels + " conv " + conv + " hidden " + hidden;
        }
    }

    private static final Shape SMALL = new Shape(10, 1, List.of(new ConvSpec(3, 3, 2), new ConvSpec(4, 2, 1)), List.of(6), 7);
    private static final List<Shape> SHAPES = List.of(
            SMALL,
            new Shape(9, 2, List.of(new ConvSpec(3, 3, 2)), List.of(), 5),                          // NCHW input of two channels
            new Shape(28, 1, List.of(new ConvSpec(4, 5, 2)), List.of(), 16),                        // the cnn-4 student
            new Shape(28, 1, List.of(new ConvSpec(20, 5, 2), new ConvSpec(50, 5, 2)), List.of(500), 24)); // the teacher: split products

    static MultiLayerNetwork cnn(Shape s, Head head, String optimizer, double dropout) {
        ModelSpec spec = new ModelSpec("m", "cnn", s.hidden(), s.conv(), new OptimizerSpec(optimizer, 0.01, null), dropout,
                head == Head.LABELS ? ModelSpec.LABELS : "teacher", ModelSpec.TRAINING_PASS, null, null);
        return s.factory().build(spec, head, T, ALPHA, 5);
    }

    static INDArray features(Shape s, int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, batch, s.width());
    }

    private static FusedCnnStep fused(MultiLayerNetwork net) {
        return (FusedCnnStep) FusedCnnStep.of(net).orElseThrow(() -> new AssertionError(FusedCnnSupport.unsupported(net)));
    }

    private static INDArray dl4jLabels(MultiLayerNetwork net, INDArray y, INDArray targets) {
        LossLayer head = (LossLayer) net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer();
        if (!(head.getLossFn() instanceof SoftLogitKdLoss kd)) return y;
        kd.setAlpha(targets == null ? 0 : ALPHA);
        return Nd4j.hstack(targets == null ? Nd4j.zerosLike(y) : targets, y);
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        return a.reshape(a.length()).castTo(DataType.DOUBLE).sub(b.reshape(b.length()).castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    @Test
    void gradientAndLossEqualDl4jsForLabelAndDistillationHeads() {
        for (Shape shape : SHAPES) {
            int batch = shape.batch();
            INDArray x = features(shape, batch, 1);
            INDArray y = oneHot(batch, 2);
            for (Head head : Head.values()) {
                for (INDArray t : head == Head.DISTILL ? new INDArray[]{targets(batch, 3), null} : new INDArray[]{null}) {
                    MultiLayerNetwork net = cnn(shape, head, "adam", 0.0);
                    FusedCnnStep step = fused(net);
                    double loss = step.computeGradient(x, y, t, ALPHA);
                    net.setInput(x);
                    net.setLabels(dl4jLabels(net, y, t));
                    net.computeGradientAndScore();
                    String what = head + " " + shape + (t == null ? " labels only" : " with targets");
                    assertThat(loss).as(what).isCloseTo(net.score(), org.assertj.core.data.Offset.offset(1e-5));
                    INDArray reference = net.gradient().gradient().div(batch);
                    double scale = reference.amaxNumber().doubleValue();
                    assertThat(maxAbsDiff(step.gradient(), reference)).as(what).isLessThan(1e-5 * Math.max(1, scale));
                    assertThat(scale).as("a gradient that is not all zeros").isGreaterThan(1e-4);
                    // every layer's gradient, not only the largest: each parameter block checked at its own scale
                    long offset = 0;
                    for (int i = 0; i < net.getnLayers(); i++) {
                        long n = net.getLayer(i).numParams();
                        if (n == 0) continue;
                        INDArray a = step.gradient().reshape(net.numParams()).get(NDArrayIndex.interval(offset, offset + n));
                        INDArray b = reference.reshape(net.numParams()).get(NDArrayIndex.interval(offset, offset + n));
                        double s = b.amaxNumber().doubleValue();
                        assertThat(maxAbsDiff(a, b)).as(what + " layer " + i).isLessThan(1e-4 * s + 1e-7);
                        offset += n;
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd", "nesterovs", "rmsprop"})
    void fiveStepsEqualDl4jFitWithEachOptimizer(String optimizer) {
        MultiLayerNetwork a = cnn(SMALL, Head.DISTILL, optimizer, 0.0);
        MultiLayerNetwork b = cnn(SMALL, Head.DISTILL, optimizer, 0.0);
        INDArray initial = a.params().dup();
        FusedCnnStep step = fused(a);
        for (int i = 0; i < 5; i++) {
            INDArray x = features(SMALL, 9, 10 + i);
            INDArray y = oneHot(9, 20 + i);
            INDArray t = i % 2 == 0 ? targets(9, 30 + i) : null;
            step.fit(x, y, t, ALPHA);
            b.fit(new DataSet(x, dl4jLabels(b, y, t)));
        }
        assertThat(step.network()).isSameAs(a);
        assertThat(a.getIterationCount()).isEqualTo(b.getIterationCount()).isEqualTo(5);
        assertThat(maxAbsDiff(a.params(), b.params())).as(optimizer + " parameters").isLessThan(2e-5);
        assertThat(maxAbsDiff(a.params(), initial)).as("training moved the parameters").isGreaterThan(1e-3);
        if (!"sgd".equals(optimizer)) {
            INDArray stateA = step.network().getUpdater().getStateViewArray();
            INDArray stateB = b.getUpdater().getStateViewArray();
            assertThat(maxAbsDiff(stateA, stateB)).as(optimizer + " state").isLessThan(1e-5 * Math.max(1, stateB.amaxNumber().doubleValue()));
        }
    }

    @Test
    void teacherShapedNetworkFollowsDl4jFitWithAdam() {
        Shape teacher = SHAPES.get(3);
        MultiLayerNetwork a = cnn(teacher, Head.LABELS, "adam", 0.0);
        MultiLayerNetwork b = cnn(teacher, Head.LABELS, "adam", 0.0);
        FusedCnnStep step = fused(a);
        for (int i = 0; i < 3; i++) {
            INDArray x = features(teacher, 32, 10 + i);
            INDArray y = oneHot(32, 20 + i);
            step.fit(x, y, null, ALPHA);
            b.fit(new DataSet(x, y));
        }
        step.network();
        // Adam divides by sqrt(v): a parameter whose gradient is at float-rounding level (~1e-9) may take a different
        // step of up to the learning rate, so the bound is on the typical difference, with the worst far below 3 steps' 0.03
        INDArray diff = a.params().sub(b.params());
        assertThat(diff.norm1Number().doubleValue() / diff.length()).as("mean parameter difference").isLessThan(1e-6);
        assertThat(diff.amaxNumber().doubleValue()).as("largest parameter difference").isLessThan(3e-3);
        INDArray stateB = b.getUpdater().getStateViewArray();
        assertThat(maxAbsDiff(a.getUpdater().getStateViewArray(), stateB)).as("Adam state")
                .isLessThan(1e-3 * stateB.amaxNumber().doubleValue());
    }

    @Test
    void dropoutIsRepeatableAndItsGradientMatchesFiniteDifferences() {
        MultiLayerNetwork net = cnn(SMALL, Head.DISTILL, "adam", 0.3);
        FusedCnnStep step = fused(net);
        INDArray x = features(SMALL, 9, 1);
        INDArray y = oneHot(9, 2);
        INDArray t = targets(9, 3);
        Nd4j.getRandom().setSeed(77);
        double loss = step.computeGradient(x, y, t, ALPHA);
        INDArray analytic = step.gradient().dup();
        Nd4j.getRandom().setSeed(77);
        assertThat(step.computeGradient(x, y, t, ALPHA)).isEqualTo(loss);
        Nd4j.getRandom().setSeed(78);
        assertThat(step.computeGradient(x, y, t, ALPHA)).as("another mask, another loss").isNotEqualTo(loss);
        INDArray params = net.params();
        double eps = 1e-3;
        int checked = 0;
        for (int k = 0; k < params.length(); k += 2) {
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
    void dropoutEqualsDl4jsWithTheSameRandomSeed() {
        MultiLayerNetwork a = cnn(SMALL, Head.DISTILL, "adam", 0.3);
        MultiLayerNetwork b = cnn(SMALL, Head.DISTILL, "adam", 0.3);
        FusedCnnStep step = fused(a);
        INDArray x = features(SMALL, 9, 1);
        INDArray y = oneHot(9, 2);
        INDArray t = targets(9, 3);
        Nd4j.getRandom().setSeed(5);
        double loss = step.computeGradient(x, y, t, ALPHA);
        Nd4j.getRandom().setSeed(5);
        b.setInput(x);
        b.setLabels(dl4jLabels(b, y, t));
        b.computeGradientAndScore();
        assertThat(loss).isCloseTo(b.score(), org.assertj.core.data.Offset.offset(1e-5));
        INDArray reference = b.gradient().gradient().div(9);
        assertThat(maxAbsDiff(step.gradient(), reference)).isLessThan(1e-5 * Math.max(1, reference.amaxNumber().doubleValue()));
    }

    @Test
    void inferenceLogitsEqualDl4jOutputAndDoNotTouchTheTrainingPass() {
        Shape teacher = SHAPES.get(3);
        MultiLayerNetwork net = cnn(teacher, Head.LABELS, "adam", 0.2);
        FusedCnnStep step = fused(net);
        INDArray x = features(teacher, 24, 1);
        step.computeGradient(x, oneHot(24, 2), null, ALPHA);
        INDArray training = step.trainingLogits().dup();
        INDArray expected = Logits.inference(net, features(teacher, 40, 9));
        assertThat(maxAbsDiff(step.inferenceLogits(features(teacher, 40, 9)), expected)).isLessThan(1e-4);
        assertThat(step.trainingLogits()).isEqualTo(training);
        assertThat(step.forwardPasses()).isEqualTo(2);
    }

    @Test
    void aCheckpointedNetworkContinuesBitwiseLikeTheOriginal(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = cnn(SMALL, Head.DISTILL, "adam", 0.2);
        FusedCnnStep original = fused(net);
        for (int i = 0; i < 3; i++) step(original, i);
        File file = dir.resolve("m.zip").toFile();
        ModelSerializer.writeModel(original.network(), file, true);
        FusedCnnStep restored = fused(ModelSerializer.restoreMultiLayerNetwork(file, true));
        for (int i = 3; i < 6; i++) assertThat(step(restored, i)).isEqualTo(step(original, i));
        assertThat(restored.network().params()).isEqualTo(original.network().params());
    }

    private static double step(FusedCnnStep s, int i) {
        Nd4j.getRandom().setSeed(100 + i);
        return s.fit(features(SMALL, 9, 40 + i), oneHot(9, 50 + i), targets(9, 60 + i), ALPHA);
    }

    @Test
    void theCnnFamilyTakesTheFusedStepAndTheDl4jEngineStaysAvailable() {
        MultiLayerNetwork net = cnn(SMALL, Head.DISTILL, "adam", 0.0);
        assertThat(FusedMlpSupport.unsupported(net)).isPresent();
        assertThat(FusedCnnSupport.unsupported(net)).isEmpty();
        assertThat(TrainingSteps.create(net, TrainingSteps.FUSED, "c")).isInstanceOf(FusedCnnStep.class);
        assertThat(TrainingSteps.create(net, TrainingSteps.DL4J, "c")).isInstanceOf(Dl4jFitStep.class);
        MultiLayerNetwork mlp = FusedMlpStepTest.mlp(new NetworkFactory(3, 4, 4, 1, DataType.FLOAT), Head.LABELS, "adam", 0.0, 4);
        assertThat(FusedCnnSupport.unsupported(mlp)).contains("the first layer is not a convolution");
    }
}
