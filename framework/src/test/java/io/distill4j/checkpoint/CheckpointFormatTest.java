package io.distill4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.data.EpochCursor;
import io.distill4j.loss.SoftLogitKdLoss;
import io.distill4j.model.Head;
import io.distill4j.model.TrainableModel;
import io.distill4j.model.dl4j.Dl4jModel;
import io.distill4j.model.dl4j.NetworkFactory;
import io.distill4j.signal.TemporalEnsemble;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins checkpoint format {@value Manifest#FORMAT_VERSION}: a tiny checkpoint written once by the real
 * {@link CheckpointStore} is committed under {@code src/test/resources/io/distill4j/checkpoint/format-1/}, and this
 * reads it with today's code. If reading or writing changes, this fails: a format change is then a deliberate act
 * (docs/checkpoint-format.md, "Changing the format"): bump {@link Manifest#FORMAT_VERSION}, write a new fixture with
 * {@code -Ddistill4j.writeFormatFixture=true} and decide what happens to the old one.
 */
class CheckpointFormatTest {
    private static final String FIXTURE = "format-" + Manifest.FORMAT_VERSION;
    static final String YAML = "name: format-fixture\nrecipe: online\ndistill: {temperature: 2.0, alpha: 0.25, temporalEnsemble: 0.5}\n";
    static final String CONFIG_HASH = "5c1c3a9bd1a0e8b2f1d3e5a7c9b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6";
    static final TrainerState STATE = new TrainerState(12, 40, new EpochCursor.State(16, 4, 7, 3, 0), 7, CONFIG_HASH, 3.5);
    static final int CLASSES = 3;
    /** Example 0 and 2 seen once with these logits; 1 and 3 never. */
    static final float[][] LOGITS = {{1f, -2f, 0.5f}, {0.25f, 0.75f, -1f}};

    @TempDir
    Path tmp;

    private static ModelSpec mlp(String name, String learnsFrom, Integer... hidden) {
        return new ModelSpec(name, "mlp", List.of(hidden), List.of(), new OptimizerSpec("adam", 0.01, null), 0.0, learnsFrom,
                null, null, null);
    }

    /** The teacher (4→3→3, labels, 27 params) and a student (4→2→3, distilled, 19 params), on 2x2 one-channel inputs. */
    static Map<String, MultiLayerNetwork> networks() {
        NetworkFactory factory = new NetworkFactory(CLASSES, 2, 2, 1, DataType.FLOAT);
        Map<String, MultiLayerNetwork> models = new LinkedHashMap<>();
        models.put("teacher", factory.build(mlp("teacher", ModelSpec.LABELS, 3), Head.LABELS, 2.0, 0.25, 1));
        models.put("student", factory.build(mlp("student", "teacher", 2), Head.DISTILL, 2.0, 0.25, 2));
        // known values, not an initialisation's: the assertions say exactly what the files hold
        for (MultiLayerNetwork net : models.values()) {
            net.setParams(ramp(net.numParams(), 1f / 32));
            net.getUpdater().getStateViewArray().assign(ramp(net.getUpdater().getStateViewArray().length(), 1f / 1024));
        }
        return models;
    }

    /** The same networks as the models a run checkpoints (the DL4J model the mlp family builds). */
    static Map<String, TrainableModel> models() {
        Map<String, TrainableModel> models = new LinkedHashMap<>();
        networks().forEach((name, net) -> models.put(name, new Dl4jModel(net, name, TrainingSteps.FUSED, Precision.FP32)));
        return models;
    }

    /** (i + 1) · step for i = 0..n-1: exactly representable floats. */
    static INDArray ramp(long n, float step) {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (i + 1) * step;
        return Nd4j.create(v, new long[]{1, n}, 'c');
    }

    static TemporalEnsemble memory() {
        TemporalEnsemble memory = new TemporalEnsemble(4, CLASSES, 0.5);
        memory.update(new int[]{0, 2}, Nd4j.create(LOGITS).castTo(DataType.FLOAT));
        return memory;
    }

    static Path write(Path runDir) {
        return new CheckpointStore(runDir).write(models(), Map.of("signal-memory-teacher.bin", memory().toBytes()), STATE, YAML, 3);
    }

    private static Path fixture() throws URISyntaxException {
        java.net.URL url = CheckpointFormatTest.class.getResource(FIXTURE);
        assertThat(url).as("no committed checkpoint of format " + Manifest.FORMAT_VERSION + " (src/test/resources/io/distill4j/checkpoint/"
                + FIXTURE + "); write one with -Ddistill4j.writeFormatFixture=true").isNotNull();
        return Path.of(url.toURI());
    }

    @Test
    void theCommittedCheckpointOfThisFormatReadsAsWritten() throws Exception {
        CheckpointStore store = new CheckpointStore(fixture());
        assertThat(Files.readString(store.root().resolve("latest")).trim()).isEqualTo("step-00000012");
        Set<String> needs = Set.of("teacher.zip", "student.zip", "signal-memory-teacher.bin");
        List<String> skipped = new ArrayList<>();
        CheckpointStore.Loaded loaded = store.loadNewestValid(null, config -> needs, skipped::add);
        assertThat(skipped).isEmpty();
        assertThat(loaded.dir().getFileName().toString()).isEqualTo("step-00000012");
        assertThat(loaded.state()).isEqualTo(STATE);
        assertThat(Files.readString(loaded.configFile())).isEqualTo(YAML);
        assertThat(loaded.models()).containsOnlyKeys("teacher", "student");

        // the model files are DL4J's ModelSerializer zips with updater state, whatever reads them
        MultiLayerNetwork student = ModelSerializer.restoreMultiLayerNetwork(loaded.models().get("student").toFile(), true);
        assertThat(student.numParams()).isEqualTo(19);
        assertThat(student.params().data().asFloat()).containsExactly(ramp(19, 1f / 32).data().asFloat());
        assertThat(student.getUpdater().getStateViewArray().data().asFloat()).as("Adam's m and v")
                .containsExactly(ramp(38, 1f / 1024).data().asFloat());
        LossLayer head = (LossLayer) student.getLayerWiseConfigurations().getConf(student.getnLayers() - 1).getLayer();
        assertThat(head.getLossFn()).isInstanceOfSatisfying(SoftLogitKdLoss.class, kd -> {
            assertThat(kd.getTemperature()).isEqualTo(2.0);
            assertThat(kd.getAlpha()).isEqualTo(0.25);
        });
        MultiLayerNetwork teacher = ModelSerializer.restoreMultiLayerNetwork(loaded.models().get("teacher").toFile(), true);
        assertThat(teacher.numParams()).isEqualTo(27);
        assertThat(teacher.params().data().asFloat()).containsExactly(ramp(27, 1f / 32).data().asFloat());
        assertThat(teacher.getUpdater().getStateViewArray().length()).isEqualTo(54);
        assertThat(((LossLayer) teacher.getLayerWiseConfigurations().getConf(teacher.getnLayers() - 1).getLayer()).getLossFn())
                .isInstanceOf(LossMCXENT.class);

        // and a run's model restores from it: the student of the run, built afresh, takes the checkpoint's state
        TrainableModel resumed = new io.distill4j.model.ModelFactory(CLASSES, io.distill4j.data.InputShape.image(2, 2, 1), 40,
                TrainingSteps.FUSED, Precision.FP32).build(mlp("student", "teacher", 2), Head.DISTILL, 2.0, 0.25, 99);
        loaded.restore("student", resumed);
        assertThat(((Dl4jModel) resumed).network().params().data().asFloat()).containsExactly(ramp(19, 1f / 32).data().asFloat());
        assertThat(resumed.iterations()).isZero();

        TemporalEnsemble memory = new TemporalEnsemble(4, CLASSES, 0.5);
        try (InputStream in = loaded.open("signal-memory-teacher.bin")) {
            memory.read(in);
        }
        // a second visit with zero logits halves what was stored (decay 0.5): the stored rows are LOGITS
        float[][] halved = memory.update(new int[]{0, 2, 1}, Nd4j.zeros(DataType.FLOAT, 3, CLASSES)).toFloatMatrix();
        assertThat(halved[0]).containsExactly(0.5f, -1f, 0.25f);
        assertThat(halved[1]).containsExactly(0.125f, 0.375f, -0.5f);
        assertThat(halved[2]).as("example 1 was never seen: its first visit stores the logits").containsExactly(0f, 0f, 0f);
    }

    @Test
    void todaysWriterWritesTheSameLayoutAndTheSameFilesOfOurOwn() throws Exception {
        Path committed = fixture().resolve("checkpoints/step-00000012");
        Path fresh = write(tmp);
        try (var a = Files.list(committed); var b = Files.list(fresh)) {
            assertThat(b.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(
                    a.map(p -> p.getFileName().toString()).toList());
        }
        for (String own : List.of("state.json", "config.yaml", "signal-memory-teacher.bin")) {
            assertThat(Files.readAllBytes(fresh.resolve(own))).as(own).isEqualTo(Files.readAllBytes(committed.resolve(own)));
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode was = json.readTree(committed.resolve("manifest.json").toFile());
        JsonNode now = json.readTree(fresh.resolve("manifest.json").toFile());
        assertThat(now.fieldNames()).toIterable().containsExactlyElementsOf(() -> was.fieldNames());
        assertThat(now.get("formatVersion")).isEqualTo(was.get("formatVersion"));
        assertThat(now.get("step")).isEqualTo(was.get("step"));
        assertThat(now.get("configHash")).isEqualTo(was.get("configHash"));
        // the zips hold DL4J's timestamps, so only the checksums of our own files can be equal
        for (String own : List.of("state.json", "config.yaml", "signal-memory-teacher.bin")) {
            assertThat(now.get("sha256").get(own)).as(own).isEqualTo(was.get("sha256").get(own));
        }
    }

    /** Writes the fixture of the current format into the source tree; run once, deliberately, for a new format version. */
    @Test
    @EnabledIfSystemProperty(named = "distill4j.writeFormatFixture", matches = "true")
    void writeTheFixtureOfTheCurrentFormat() throws IOException {
        Path target = Path.of("src/test/resources/io/distill4j/checkpoint").resolve(FIXTURE);
        assertThat(target).as("a committed fixture is never overwritten; a new format gets a new folder").doesNotExist();
        write(target);
    }
}
