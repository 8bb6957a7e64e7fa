package io.distill4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.run.RunDirectory;
import io.distill4j.runtime.NativeRuntime;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ModelProvenanceTest {
    @TempDir
    Path tmp;

    static Provenance run() {
        NativeRuntime runtime = new NativeRuntime("CpuBackend", "linux-x86_64-avx2", 2, 1, "OPENBLAS", 2, "2", "SKYLAKEX", "(unset)", "Intel(R) Xeon(R) Processor (GenuineIntel family 6 model 207)");
        return new Provenance("1.2.3", "abc123", "Eclipse Adoptium 17", "Linux 6.1", "amd64", runtime, 42, "f00d",
                "mnist", Map.of("train-images-idx3-ubyte", "ba89"), List.of("train", "--config", "x.yaml"),
                "2026-01-01T00:00:00Z", List.of(new Provenance.Resume(8, List.of("resume", "r"), "2026-01-02T00:00:00Z",
                List.of(), runtime)));
    }

    @Test
    void theEntryOfAStudentZipReadsBackAsWritten() throws IOException {
        io.distill4j.model.TrainableModel model = new io.distill4j.model.ModelFactory(3, io.distill4j.data.InputShape.image(2, 2, 1),
                10, io.distill4j.step.TrainingSteps.FUSED, io.distill4j.step.Precision.FP32).build(new io.distill4j.config.ModelSpec("student-64",
                "mlp", List.of(2), List.of(), null, 0.0, "assistant", null, null, null), io.distill4j.model.Head.DISTILL, 2, 0.5, 1);
        ModelProvenance written = new ModelProvenance(ModelProvenance.SCHEMA_VERSION, "student-64", "student", "mlp", "assistant",
                15, 80, run());
        RunDirectory dir = RunDirectory.create(tmp, "x", tmp.resolve("run"));
        dir.writeModel(dir.studentFile("student-64"), model, Map.of(ModelProvenance.ENTRY, written.toJson()));

        assertThat(ModelProvenance.read(dir.studentFile("student-64"))).contains(written);
        // the field names are the documented schema (docs/checkpoint-format.md, "Exported students")
        JsonNode json = new ObjectMapper().readTree(written.toJson());
        assertThat(json.fieldNames()).toIterable().containsExactly("schemaVersion", "model", "role", "family", "learnsFrom",
                "params", "steps", "run");
        assertThat(json.get("run").get("configHash").asText()).isEqualTo("f00d");
        assertThat(json.get("run").get("runtime").get("binary").asText()).isEqualTo("linux-x86_64-avx2");
        assertThat(ModelProvenance.ENTRY).isEqualTo("distill4j-provenance.json");
    }

    @Test
    void aZipWithoutTheEntryHasNoProvenance() throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3).activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        Path plain = tmp.resolve("plain.zip");
        org.deeplearning4j.util.ModelSerializer.writeModel(net, plain.toFile(), false);
        assertThat(ModelProvenance.read(plain)).isEmpty();
    }
}
