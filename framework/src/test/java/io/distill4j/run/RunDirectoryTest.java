package io.distill4j.run;

import io.distill4j.model.ModelZip;
import io.distill4j.runtime.AtomicFiles;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunDirectoryTest {
    private static final String ENTRY = "distill4j-provenance.json";
    private static final byte[] JSON = "{\"seed\":7}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private static MultiLayerNetwork net() {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3).activation(Activation.SOFTMAX).build())
                .build());
        n.init();
        return n;
    }

    private static java.util.List<String> entries(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return Collections.list(z.entries()).stream().map(java.util.zip.ZipEntry::getName).toList();
        }
    }

    @Test
    void anExportedModelCarriesExtraEntriesThatDl4jIgnores() throws IOException {
        RunDirectory dir = RunDirectory.create(tmp, "x", tmp.resolve("run"));
        MultiLayerNetwork net = net();
        Path file = dir.studentFile("s");
        dir.writeModel(file, net, Map.of(ENTRY, JSON));

        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(file.toFile());
        INDArray x = Nd4j.linspace(DataType.FLOAT, -1, 0.25, 12).reshape(3, 4);
        assertThat(back.params()).isEqualTo(net.params());
        assertThat(back.output(x)).isEqualTo(net.output(x));
        assertThat(ModelZip.entry(file, ENTRY)).hasValueSatisfying(b -> assertThat(b).isEqualTo(JSON));
        assertThat(ModelZip.entry(file, "other.json")).isEmpty();
        assertThat(entries(file)).contains("configuration.json", "coefficients.bin", ENTRY)
                .as("exports are for inference: no optimizer state").doesNotContain("updaterState.bin");
        assertThat(AtomicFiles.temporarySibling(file)).doesNotExist();
    }

    @Test
    void anEntryOfDl4jsOwnIsRefusedAndTheExportOnDiskIsLeftAsItWas() throws IOException {
        RunDirectory dir = RunDirectory.create(tmp, "x", tmp.resolve("run"));
        Path file = dir.studentFile("s");
        dir.writeModel(file, net(), Map.of(ENTRY, JSON));
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> dir.writeModel(file, net(), Map.of("coefficients.bin", new byte[]{1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("coefficients.bin");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(AtomicFiles.temporarySibling(file)).doesNotExist();
    }

    @Test
    void theModelBytesAreWhatModelSerializerWritesWithoutTheExtras() throws IOException {
        MultiLayerNetwork net = net();
        Path plain = tmp.resolve("plain.zip");
        ModelSerializer.writeModel(net, plain.toFile(), false);
        assertThat((long) ModelZip.bytes(net).length).isEqualTo(Files.size(plain));
    }
}
