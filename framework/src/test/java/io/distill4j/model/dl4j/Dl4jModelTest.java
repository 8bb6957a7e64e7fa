package io.distill4j.model.dl4j;

import io.distill4j.config.ConvSpec;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.model.Head;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.ModelZip;
import io.distill4j.model.TrainableModel;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The DL4J model behind the seam: a save continues bit for bit after a restore, an export is DL4J's zip plus our entries. */
class Dl4jModelTest {
    private static final int SIDE = 4;
    private static final int CLASSES = 3;
    private static final int BATCH = 16;
    private static final String ENTRY = "distill4j-provenance.json";
    private static final byte[] JSON = "{\"seed\":7}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private static ModelFactory factory(String engine) {
        return new ModelFactory(CLASSES, InputShape.image(SIDE, SIDE, 1), 100, engine, Precision.FP32);
    }

    private static ModelSpec mlp(double dropout, String schedule) {
        return new ModelSpec("m", "mlp", List.of(8, 6), List.of(), new OptimizerSpec("adam", 0.01, schedule), dropout,
                ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null);
    }

    private static ModelSpec cnn() {
        return new ModelSpec("c", "cnn", List.of(6), List.of(new ConvSpec(3, 2, 1)), new OptimizerSpec("adam", 0.01, null), 0.0,
                ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null);
    }

    private static TrainableModel build(String engine, ModelSpec spec, Head head, long seed) {
        return factory(engine).build(spec, head, 2.0, 0.5, seed);
    }

    private static INDArray features(int step) {
        Nd4j.getRandom().setSeed(1000 + step);
        return Nd4j.rand(DataType.FLOAT, BATCH, SIDE * SIDE);
    }

    private static INDArray oneHot(int step) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, BATCH, CLASSES);
        for (int i = 0; i < BATCH; i++) y.putScalar(i, (i * 7 + step) % CLASSES, 1f);
        return y;
    }

    /** Steps {@code from} to {@code to}: soft targets (when {@code distills}) and dropout draws fixed by the step alone. */
    private static void fit(TrainableModel m, int from, int to, boolean distills) {
        for (int step = from; step < to; step++) {
            INDArray targets = distills ? features(step + 500).getColumns(0, 1, 2).mul(3) : null;
            INDArray x = features(step);
            Nd4j.getRandom().setSeed(77 + step);   // the dropout draws
            m.fit(x, oneHot(step), targets, 0.5);
            m.settle();
        }
    }

    private static float[] params(TrainableModel m) {
        return ((Dl4jModel) m).network().params().dup().data().asFloat();
    }

    private static byte[] saved(TrainableModel m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.save(out);
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"fused,mlp", "dl4j,mlp", "fused,cnn", "dl4j,cnn", "fused,mlp-distill", "dl4j,mlp-distill"})
    void aRestoredModelContinuesBitwiseAsIfNeverStopped(String engine, String kind) throws IOException {
        // the mlp with dropout and a linear learning-rate schedule (its length travels in the checkpoint)
        ModelSpec spec = kind.equals("cnn") ? cnn() : mlp(0.2, OptimizerSpec.LINEAR);
        Head head = kind.endsWith("distill") ? Head.DISTILL : Head.LABELS;
        boolean distills = head == Head.DISTILL;
        TrainableModel uninterrupted = build(engine, spec, head, 5);
        fit(uninterrupted, 0, 12, distills);

        TrainableModel first = build(engine, spec, head, 5);
        fit(first, 0, 6, distills);
        byte[] checkpoint = saved(first);
        // another initialisation: everything that decides the rest of the run must come from the checkpoint
        TrainableModel resumed = build(engine, spec, head, 6);
        resumed.restore(new ByteArrayInputStream(checkpoint));
        assertThat(resumed.iterations()).isEqualTo(6);
        assertThat(params(resumed)).containsExactly(params(first));
        fit(resumed, 6, 12, distills);

        assertThat(Arrays.equals(params(resumed), params(uninterrupted))).as("parameters after 12 steps").isTrue();
        assertThat(resumed.iterations()).isEqualTo(uninterrupted.iterations()).isEqualTo(12);
        assertThat(resumed.engine()).isEqualTo(uninterrupted.engine()).isEqualTo(engine);
        // and the optimizer state too: one more step lands on the same parameters
        fit(resumed, 12, 13, distills);
        fit(uninterrupted, 12, 13, distills);
        assertThat(Arrays.equals(params(resumed), params(uninterrupted))).isTrue();
    }

    @Test
    void theCheckpointIsModelSerializersZipWithUpdaterState() throws IOException {
        TrainableModel m = build(TrainingSteps.FUSED, mlp(0.0, null), Head.LABELS, 1);
        fit(m, 0, 3, false);
        Path file = tmp.resolve("m.zip");
        Files.write(file, saved(m));
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
        MultiLayerNetwork net = ((Dl4jModel) m).network();
        assertThat(back.params()).isEqualTo(net.params());
        assertThat(back.getUpdater().getStateViewArray()).as("Adam's moments, landed from the fused step's heap copy")
                .isEqualTo(net.getUpdater().getStateViewArray());
        assertThat(back.getIterationCount()).isEqualTo(3);
    }

    @Test
    void aModelCannotContinueFromOneThatLearnedFromOtherTargets() throws IOException {
        byte[] distilled = saved(build(TrainingSteps.FUSED, mlp(0.0, null), Head.DISTILL, 1));
        TrainableModel labelsOnly = build(TrainingSteps.FUSED, mlp(0.0, null), Head.LABELS, 1);
        assertThatThrownBy(() -> labelsOnly.restore(new ByteArrayInputStream(distilled))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpointed learning from soft targets").hasMessageContaining("cannot change what it learns from");
    }

    @Test
    void aRestoredDistillingModelTakesItsOwnTemperature() throws IOException {
        byte[] atTwo = saved(factory(TrainingSteps.DL4J).build(mlp(0.0, null), Head.DISTILL, 2.0, 0.5, 1));
        TrainableModel atFour = factory(TrainingSteps.DL4J).build(mlp(0.0, null), Head.DISTILL, 4.0, 0.5, 1);
        atFour.restore(new ByteArrayInputStream(atTwo));
        MultiLayerNetwork net = ((Dl4jModel) atFour).network();
        org.deeplearning4j.nn.conf.layers.LossLayer head = (org.deeplearning4j.nn.conf.layers.LossLayer)
                net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer();
        assertThat(((io.distill4j.loss.SoftLogitKdLoss) head.getLossFn()).getTemperature()).isEqualTo(4.0);
    }

    @Test
    void forwardPassesKeepCountingAcrossARestore() throws IOException {
        TrainableModel m = build(TrainingSteps.FUSED, mlp(0.0, null), Head.LABELS, 1);
        fit(m, 0, 3, false);
        m.restore(new ByteArrayInputStream(saved(m)));
        fit(m, 3, 5, false);
        assertThat(m.forwardPasses()).isEqualTo(5);
    }

    private static List<String> entries(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return Collections.list(z.entries()).stream().map(java.util.zip.ZipEntry::getName).toList();
        }
    }

    private Path export(TrainableModel m, Map<String, byte[]> entries) throws IOException {
        Path file = tmp.resolve("export-" + System.nanoTime() + ".zip");
        try (OutputStream out = Files.newOutputStream(file)) {
            m.export(out, entries);
        }
        return file;
    }

    @Test
    void anExportIsTheDeployableNetworkWithExtraEntriesThatDl4jIgnores() throws IOException {
        TrainableModel m = build(TrainingSteps.FUSED, mlp(0.0, null), Head.DISTILL, 3);
        fit(m, 0, 2, true);
        Path file = export(m, Map.of(ENTRY, JSON));
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(file.toFile());
        MultiLayerNetwork net = ((Dl4jModel) m).network();
        INDArray x = features(99);
        assertThat(back.params()).isEqualTo(net.params());
        assertThat(back.output(x)).as("class probabilities: the KD loss is swapped for softmax")
                .isEqualTo(NetworkFactory.deployable(net).output(x));
        assertThat(back.output(x).sum(1).getFloat(0)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(ModelZip.entry(file, ENTRY)).hasValueSatisfying(b -> assertThat(b).isEqualTo(JSON));
        assertThat(ModelZip.entry(file, "other.json")).isEmpty();
        assertThat(entries(file)).contains("configuration.json", "coefficients.bin", ENTRY)
                .as("exports are for inference: no optimizer state").doesNotContain("updaterState.bin");
    }

    @Test
    void anEntryOfDl4jsOwnIsRefused() {
        TrainableModel m = build(TrainingSteps.FUSED, mlp(0.0, null), Head.LABELS, 3);
        assertThatThrownBy(() -> m.export(OutputStream.nullOutputStream(), Map.of("coefficients.bin", new byte[]{1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("coefficients.bin");
    }

    /** The report's size of a model is its export without entries: exactly what ModelSerializer writes. */
    @Test
    void anExportWithoutEntriesHasTheSizeOfModelSerializersZip() throws IOException {
        TrainableModel m = build(TrainingSteps.FUSED, cnn(), Head.LABELS, 3);
        Path plain = tmp.resolve("plain.zip");
        ModelSerializer.writeModel(NetworkFactory.deployable(((Dl4jModel) m).network()), plain.toFile(), false);
        assertThat(Files.size(export(m, Map.of()))).isEqualTo(Files.size(plain));
    }

    @Test
    void evaluationRowsAreDl4jsInferencePassAndNoTrainingCost() {
        TrainableModel m = build(TrainingSteps.FUSED, mlp(0.3, null), Head.LABELS, 3);
        INDArray x = features(5);
        float[][] rows = m.inferenceRows(x);
        assertThat(rows).hasDimensions(BATCH, CLASSES);
        assertThat(rows).isEqualTo(io.distill4j.step.Logits.inference(((Dl4jModel) m).network(), x).toFloatMatrix());
        assertThat(m.inferenceRows(x)).as("no dropout").isEqualTo(rows);
        assertThat(m.forwardPasses()).isZero();
    }

    /** {@code init:} for the DL4J families: a model starts from an exported network's weights, and keeps training. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"fused,mlp", "dl4j,mlp", "fused,cnn"})
    void aModelStartsFromAnExportedNetworksWeights(String engine, String kind) throws IOException {
        ModelSpec spec = kind.equals("cnn") ? cnn() : mlp(0.0, null);
        TrainableModel trained = build(engine, spec, Head.LABELS, 5);
        fit(trained, 0, 5, false);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        trained.export(zip, Map.of(ENTRY, JSON));

        TrainableModel started = build(engine, spec, Head.DISTILL, 9);
        assertThat(params(started)).as("another seed starts elsewhere").isNotEqualTo(params(trained));
        started.initialise(new ByteArrayInputStream(zip.toByteArray()));
        assertThat(params(started)).containsExactly(params(trained));
        // the training step was rebuilt around the new weights: it steps from them, not from its old copies
        float[] before = params(started);
        fit(started, 5, 6, true);
        assertThat(params(started)).isNotEqualTo(before);
        float[] fromTrained = params(trained);
        for (int i = 0; i < before.length; i++) assertThat(Math.abs(params(started)[i] - fromTrained[i])).isLessThan(0.1f);
    }

    @Test
    void aNetworkOfOtherShapesIsRefusedNamingTheParameter() throws IOException {
        TrainableModel trained = build(TrainingSteps.FUSED, mlp(0.0, null), Head.LABELS, 5);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        trained.export(zip, Map.of());
        ModelSpec wider = new ModelSpec("m", "mlp", List.of(10, 6), List.of(), new OptimizerSpec("adam", 0.01, null), 0.0,
                ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null);
        TrainableModel other = build(TrainingSteps.FUSED, wider, Head.LABELS, 5);
        assertThatThrownBy(() -> other.initialise(new ByteArrayInputStream(zip.toByteArray())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another architecture").hasMessageContaining("0_W");
        assertThatThrownBy(() -> other.initialise(new ByteArrayInputStream("not a zip".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfAny(IllegalArgumentException.class, IOException.class);
    }
}
