package io.distill4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.checkpoint.CheckpointStore;
import io.distill4j.model.dl4j.NetworkFactory;
import io.distill4j.report.ModelProvenance;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The real CLI, end to end, on small slices of the real datasets (fetched by scripts/fetch-data). */
class TrainEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void onlineSmokeRunWritesTheWholeRunFolder() throws IOException {
        Path run = tmp.resolve("run");
        CliRun r = CliRun.of("train", "--config", "../configs/mnist/online-ta-smoke.yaml", "--set", "data.root=../data/mnist",
                "--run-dir", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("model").contains("test acc").contains("student-32").contains("run folder: " + run);

        assertThat(Files.readString(run.resolve("config.yaml"))).contains("name: mnist-online-ta-smoke").contains("burnInSteps: 2");

        JsonNode prov = JSON.readTree(run.resolve("provenance.json").toFile());
        assertThat(prov.get("seed").asLong()).isEqualTo(42);
        assertThat(prov.get("configHash").asText()).hasSize(64);
        assertThat(prov.get("runtime").get("binary").asText()).startsWith("linux-x86_64");
        assertThat(prov.get("runtime").get("ompThreads").asInt()).isPositive();
        assertThat(prov.get("dataSha256").get("train-images-idx3-ubyte").asText())
                .isEqualTo("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
        assertThat(prov.get("java").asText()).contains("17");

        List<JsonNode> metrics = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) metrics.add(JSON.readTree(line));
        long steps = metrics.stream().filter(m -> m.get("type").asText().equals("step")).count();
        assertThat(steps).isEqualTo(8); // 1024 / 128, logEvery 1
        assertThat(metrics.stream().filter(m -> m.get("type").asText().equals("eval")).count()).isEqualTo(2); // step 4 and the end
        assertThat(metrics.get(0).get("type").asText()).isEqualTo("start");

        JsonNode report = JSON.readTree(run.resolve("report.json").toFile());
        assertThat(report.get("schemaVersion").asInt()).isEqualTo(4);
        JsonNode models = report.get("models");
        assertThat(models).hasSize(8);   // 5 models and the 3 students' scratch twins
        assertThat(models.get(5).get("role").asText()).isEqualTo("twin");
        assertThat(models.get(5).get("twinOf").asText()).isEqualTo("student-128");
        assertThat(models.get(5).get("validation").get("examples").asLong()).isEqualTo(256);
        assertThat(models.get(5).get("test").get("examples").asLong()).isEqualTo(500);
        JsonNode gains = report.get("gains");
        assertThat(gains).hasSize(3);
        assertThat(gains.get(0).get("gainPp").asDouble()).isCloseTo(100 * (models.get(2).get("test").get("accuracy").asDouble()
                - models.get(5).get("test").get("accuracy").asDouble()), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(r.out()).contains("what distillation bought").contains("student-128.twin");
        assertThat(run.resolve("students/student-128.twin.zip")).doesNotExist();
        assertThat(models.get(0).get("role").asText()).isEqualTo("teacher");
        assertThat(models.get(0).get("params").asLong()).isEqualTo(784L * 1200 + 1200 + 1200L * 1200 + 1200 + 1200L * 10 + 10);
        assertThat(models.get(1).get("role").asText()).isEqualTo("assistant");
        assertThat(models.get(2).get("learnsFrom").asText()).isEqualTo("assistant");
        for (JsonNode m : models) {
            assertThat(m.get("test").get("accuracy").asDouble()).as(m.get("name").asText()).isBetween(0.3, 1.0);
        }

        CheckpointStore.Loaded last = new CheckpointStore(run).loadNewestValid(null, s -> { });
        for (int i = 2; i < 5; i++) {
            String student = models.get(i).get("name").asText();
            Path zip = run.resolve("students/" + student + ".zip");
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(zip.toFile());
            INDArray x = Nd4j.rand(DataType.FLOAT, 3, 784);
            INDArray probs = net.output(x);
            assertThat(probs.shape()).containsExactly(3, 10);
            assertThat(probs.sum(1).getDouble(0)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
            // the provenance entry changes nothing DL4J reads: the export is the network as trained
            assertThat(probs).isEqualTo(NetworkFactory.deployable(ModelSerializer.restoreMultiLayerNetwork(last.models().get(student).toFile(),
                    true)).output(x));

            ModelProvenance made = ModelProvenance.read(zip).orElseThrow();
            assertThat(made.model()).isEqualTo(student);
            assertThat(made.role()).isEqualTo("student");
            assertThat(made.learnsFrom()).isEqualTo("assistant");
            assertThat(made.family()).isEqualTo("mlp");
            assertThat(made.params()).isEqualTo(models.get(i).get("params").asLong());
            assertThat(made.steps()).isEqualTo(8);
            assertThat(JSON.readTree(JSON.writeValueAsBytes(made.run()))).as("the run's provenance.json, whole").isEqualTo(prov);
        }
        assertThat(Files.readString(run.resolve("logs/run.log"))).contains("run folder").contains("finished");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "mnist/scratch-smoke.yaml, ../data/mnist, 3",
        "mnist/cnn-online-smoke.yaml, ../data/mnist, 5",     // teacher, 2 students, their 2 twins
        "fashion-mnist/online-ta-smoke.yaml, ../data/fashion-mnist, 8"})
    void otherShippedSmokeConfigsRunEndToEnd(String config, String dataRoot, int models) throws IOException {
        Path run = tmp.resolve("run");
        CliRun r = CliRun.of("train", "-q", "--config", "../configs/" + config, "--set", "data.root=" + dataRoot,
                "--run-dir", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode report = JSON.readTree(run.resolve("report.json").toFile());
        assertThat(report.get("models")).hasSize(models);
        for (JsonNode m : report.get("models")) {
            assertThat(m.get("test").get("accuracy").asDouble()).as(m.get("name").asText()).isGreaterThan(0.2);
        }
    }
}
