package io.distill4j.model.dl4j;

import io.distill4j.config.ConvSpec;
import io.distill4j.config.Footprint;
import io.distill4j.config.KeyProblem;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.config.TrainingSpec;
import io.distill4j.data.DatasetInfo;
import io.distill4j.model.Head;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.ModelFamilies;
import io.distill4j.model.TrainableModel;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * User images come in any size and in 1 or 3 channels: the cnn family (fused step and DL4J's fit alike) and the mlp
 * (on the flattened channel-major row) build and train on them through the factory a run uses.
 */
class CnnInputShapesTest {
    private static final int CLASSES = 3;
    private static final int BATCH = 6;

    private static ModelSpec cnn(List<ConvSpec> conv) {
        return new ModelSpec("c", "cnn", List.of(5), conv, new OptimizerSpec("adam", 0.01, null), 0.0,
                ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null);
    }

    private static ModelSpec mlp() {
        return new ModelSpec("m", "mlp", List.of(8), List.of(), new OptimizerSpec("adam", 0.01, null), 0.0,
                ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null);
    }

    private static DatasetInfo data(InputShape s) {
        return new DatasetInfo("mine", "a", "b", "c", "d", CLASSES, s.height(), s.width(), s.channels(), 60, 20);
    }

    private static INDArray x(InputShape s, int step) {
        Nd4j.getRandom().setSeed(100 + step);
        return Nd4j.rand(DataType.FLOAT, BATCH, s.features()).subi(0.5);
    }

    private static INDArray y(int step) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, BATCH, CLASSES);
        for (int i = 0; i < BATCH; i++) y.putScalar(i, (i + step) % CLASSES, 1f);
        return y;
    }

    /** Trains {@code spec} 6 steps with {@code engine}; returns the final parameters. */
    private static float[] train(ModelSpec spec, InputShape s, String engine, String expectedEngine) {
        TrainableModel m = new ModelFactory(CLASSES, s, 100, engine, Precision.FP32).build(spec, Head.LABELS, 1, 0, 3);
        assertThat(m.engine()).as("the step that trains it").isEqualTo(expectedEngine);
        float[] initial = ((Dl4jModel) m).network().params().dup().data().asFloat();
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 6; step++) {
            // one batch over and over: the loss must fall if the gradient flows through every layer
            last = m.fit(x(s, 0), y(0), null, 0);
            m.settle();
            if (step == 0) first = last;
        }
        assertThat(last).isFinite().isLessThan(first);
        INDArray logits = m.inferenceLogits(x(s, 9));
        assertThat(logits.shape()).containsExactly(BATCH, CLASSES);
        float[] params = ((Dl4jModel) m).network().params().dup().data().asFloat();
        assertThat(params).isNotEqualTo(initial);
        return params;
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"20,12,3", "12,20,3", "8,8,1", "17,9,1"})
    void aCnnTrainsOnAnySizeAndChannelsWithTheFusedStepAsWithDl4jsFit(int h, int w, int c) {
        InputShape s = InputShape.image(h, w, c);
        // two stages; the second pooling truncates an odd side (the fused step must match DL4J's Truncate mode)
        ModelSpec spec = cnn(List.of(new ConvSpec(4, 3, 2), new ConvSpec(3, 2, 1)));
        assertThat(ModelFamilies.get("cnn").check(spec, "models.c", new TrainingSpec(null, BATCH, null, null, null, null, null, null),
                data(s))).isEmpty();
        float[] fused = train(spec, s, TrainingSteps.FUSED, "fused");
        float[] dl4j = train(spec, s, TrainingSteps.DL4J, "dl4j");
        float worst = 0;
        for (int i = 0; i < fused.length; i++) worst = Math.max(worst, Math.abs(fused[i] - dl4j[i]));
        assertThat(worst).as("fused and DL4J steps agree on %dx%dx%d", h, w, c).isLessThan(1e-4f);
    }

    @Test
    void anMlpTrainsOnFlattenedColourImages() {
        InputShape s = InputShape.image(20, 12, 3);
        assertThat(ModelFamilies.get("mlp").check(mlp(), "models.m", new TrainingSpec(null, BATCH, null, null, null, null, null, null),
                data(s))).isEmpty();
        TrainableModel m = new ModelFactory(CLASSES, s, 100, TrainingSteps.FUSED, Precision.FP32).build(mlp(), Head.LABELS, 1, 0, 3);
        assertThat(((Dl4jModel) m).network().layerInputSize(0)).isEqualTo(20 * 12 * 3);
        train(mlp(), s, TrainingSteps.FUSED, "fused");
        train(mlp(), s, TrainingSteps.DL4J, "dl4j");
    }

    @Test
    void theShrinkCheckLooksAtTheShortSideOfANonSquareImage() {
        TrainingSpec t = new TrainingSpec(null, BATCH, null, null, null, null, null, null);
        DatasetInfo wide = data(InputShape.image(6, 40, 3));
        // kernel 5 leaves 2 rows, pool 2 leaves 1: fits; kernel 7 does not fit 6 rows however wide the image is
        assertThat(ModelFamilies.get("cnn").check(cnn(List.of(new ConvSpec(4, 5, 2))), "models.c", t, wide)).isEmpty();
        Optional<KeyProblem> tooBig = ModelFamilies.get("cnn").check(cnn(List.of(new ConvSpec(4, 7, 1))), "models.c", t, wide);
        assertThat(tooBig).get().extracting(KeyProblem::key).isEqualTo("models.c.conv[0]");
    }

    @Test
    void theFootprintCountsEveryChannelAndBothSides() {
        TrainingSpec t = new TrainingSpec(null, BATCH, null, null, null, null, null, null);
        ModelSpec spec = cnn(List.of(new ConvSpec(4, 3, 2)));
        Footprint grey = ModelFamilies.get("cnn").footprint(spec, t, data(InputShape.image(20, 12, 1)), 0);
        Footprint colour = ModelFamilies.get("cnn").footprint(spec, t, data(InputShape.image(20, 12, 3)), 0);
        // first conv: 4 x c x 3 x 3 + 4; output 18 x 10 -> pooled 9 x 5 x 4 = 180 into hidden 5, then 5 -> 3
        long dense = 180 * 5 + 5 + 5 * 3 + 3;
        LayerCounts g = LayerCounts.of(spec, data(InputShape.image(20, 12, 1)));
        LayerCounts c = LayerCounts.of(spec, data(InputShape.image(20, 12, 3)));
        assertThat(g.params()).isEqualTo(4 * 9 + 4 + dense);
        assertThat(c.params()).isEqualTo(4 * 27 + 4 + dense);
        TrainableModel built = new ModelFactory(CLASSES, InputShape.image(20, 12, 3), 100, TrainingSteps.DL4J, Precision.FP32)
                .build(spec, Head.LABELS, 1, 0, 3);
        assertThat(built.parameterCount()).as("what DL4J builds").isEqualTo(c.params());
        assertThat(colour.nativeBytes()).isGreaterThan(grey.nativeBytes());
    }

    /** The image rows are channel-major (c, y, x): exactly what the cnn's input reshape reads as NCHW. */
    @Test
    void theInputReshapeReadsChannelMajorRows() {
        int h = 4, w = 3, c = 3;
        ModelSpec spec = cnn(List.of(new ConvSpec(2, 2, 1)));
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = ((Dl4jModel) new ModelFactory(CLASSES, InputShape.image(h, w, c), 100,
                TrainingSteps.DL4J, Precision.FP32).build(spec, Head.LABELS, 1, 0, 3)).network();
        float[] row = new float[c * h * w];
        for (int i = 0; i < row.length; i++) row[i] = i;
        INDArray nchw = net.getLayerWiseConfigurations().getInputPreProcess(0)
                .preProcess(Nd4j.create(row, new long[]{1, row.length}, 'c'), 1, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        assertThat(nchw.shape()).containsExactly(1, c, h, w);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) assertThat(nchw.getFloat(0, ch, y, x)).isEqualTo(row[ch * h * w + y * w + x]);
            }
        }
    }
}
