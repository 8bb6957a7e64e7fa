package io.distill4j.model.dl4j;

import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.model.EntryChecksums;
import io.distill4j.model.Head;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.ModelFileException;
import io.distill4j.model.ModelZip;
import io.distill4j.model.ModifiedEntryException;
import io.distill4j.model.TrainableModel;
import io.distill4j.model.ZipFixtures;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * A DL4J model zip for {@code init:} is read as an untrusted file (round 3: D7): DL4J allocates what the zip declares, so
 * every tampered export is refused by our checks, naming the entry, before DL4J reads it.
 */
class ModelZipDefensiveTest {
    private static final String PROVENANCE = "distill4j-provenance.json";
    private static byte[] export;

    @TempDir
    Path tmp;

    private static TrainableModel model(long seed) {
        ModelSpec spec = new ModelSpec("m", "mlp", List.of(8, 6), List.of(), new OptimizerSpec("adam", 0.01, null), 0.0,
                ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null);
        return new ModelFactory(3, InputShape.image(4, 4, 1), 100, TrainingSteps.FUSED, Precision.FP32).build(spec, Head.LABELS, 2.0, 0.5, seed);
    }

    @BeforeAll
    static void export() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        model(5).export(zip, Map.of(PROVENANCE, "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8)));
        export = zip.toByteArray();
    }

    private static Map<String, byte[]> entries() throws IOException {
        return ZipFixtures.entries(export);
    }

    private static void initialise(byte[] zip) throws IOException {
        model(9).initialise(new ByteArrayInputStream(zip));
    }

    /** Offset of the coefficient data buffer's declared length (after the shape buffer and the allocation mode). */
    private static int lengthOffset(byte[] coefficients) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(coefficients));
        in.readUTF();
        long shape = in.readLong();
        in.readUTF();
        for (long i = 0; i < shape; i++) in.readLong();
        in.readUTF();
        return coefficients.length - in.available();
    }

    @Test
    void anExportCarriesChecksumsAndStartsAModel() throws IOException {
        assertThat(entries()).containsKey(EntryChecksums.ENTRY);
        assertThatCode(() -> initialise(export)).doesNotThrowAnyException();
        assertThatCode(() -> initialise(ZipFixtures.zipWithoutChecksums(entries()))).as("an export of before checksums")
                .doesNotThrowAnyException();
    }

    /** D7: a huge declared length went to ND4J's allocator; a negative one was a stack trace. */
    @Test
    void aCoefficientArrayOfAnotherDeclaredLengthIsRefusedBeforeDl4jReadsIt() throws IOException {
        byte[] c = entries().get(SavedNetwork.COEFFICIENTS);
        int at = lengthOffset(c);
        for (long declared : new long[]{Integer.MAX_VALUE, -1, Long.MAX_VALUE}) {
            byte[] bad = c.clone();
            ByteBuffer.wrap(bad).putLong(at, declared);
            Map<String, byte[]> e = entries();
            e.put(SavedNetwork.COEFFICIENTS, bad);
            assertThatThrownBy(() -> initialise(ZipFixtures.zipWithChecksums(e))).as("declared " + declared)
                    .isInstanceOf(ModelFileException.class).hasMessageContaining("entry coefficients.bin: declares " + declared + " values");
        }
        Map<String, byte[]> truncated = entries();
        truncated.put(SavedNetwork.COEFFICIENTS, Arrays.copyOf(c, c.length - 10));
        assertThatThrownBy(() -> initialise(ZipFixtures.zipWithChecksums(truncated))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("entry coefficients.bin: holds");
        Map<String, byte[]> garbage = entries();
        garbage.put(SavedNetwork.COEFFICIENTS, "garbage".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> initialise(ZipFixtures.zipWithChecksums(garbage))).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("entry coefficients.bin");
    }

    /** A configuration declaring wider layers would have DL4J allocate them; it is another architecture, said so. */
    @Test
    void aConfigurationOfOtherLayerSizesIsRefusedBeforeDl4jBuildsIt() throws IOException {
        String json = new String(entries().get(SavedNetwork.CONFIGURATION), StandardCharsets.UTF_8);
        assertThat(json).contains("\"nout\" : 8");
        Map<String, byte[]> e = entries();
        e.put(SavedNetwork.CONFIGURATION, json.replaceFirst("\"nout\" : 8", "\"nout\" : 800000000").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> initialise(ZipFixtures.zipWithChecksums(e))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another architecture: layer 0 (parameters 0_W, 0_b)");
        e.put(SavedNetwork.CONFIGURATION, "{\"confs\": 5}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> initialise(ZipFixtures.zipWithChecksums(e))).isInstanceOf(ModelFileException.class)
                .hasMessage("model zip: entry configuration.json: not a DL4J network configuration");
    }

    @Test
    void anEditedEntryIsReportedAsModifiedByInitAndByTheProvenanceReader() throws IOException {
        Map<String, byte[]> e = entries();
        e.put(PROVENANCE, "{\"model\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        byte[] tampered = ZipFixtures.zip(e);
        assertThatThrownBy(() -> initialise(tampered)).isInstanceOf(ModifiedEntryException.class)
                .hasMessage("entry distill4j-provenance.json of model zip was modified (checksum mismatch)");
        Map<String, byte[]> coefficients = entries();
        byte[] c = coefficients.get(SavedNetwork.COEFFICIENTS);
        coefficients.put(SavedNetwork.COEFFICIENTS, Arrays.copyOf(c, c.length - 10));
        assertThatThrownBy(() -> initialise(ZipFixtures.zip(coefficients))).as("an edit that also breaks the entry")
                .isInstanceOf(ModifiedEntryException.class).hasMessage("entry coefficients.bin of model zip was modified (checksum mismatch)");
        Path file = tmp.resolve("student.zip");
        Files.write(file, tampered);
        assertThatThrownBy(() -> ModelZip.entry(file, PROVENANCE)).isInstanceOf(ModifiedEntryException.class)
                .hasMessage("entry distill4j-provenance.json of " + file + " was modified (checksum mismatch)");
        Files.write(file, export);
        assertThat(ModelZip.entry(file, PROVENANCE)).isPresent();
    }

    /** A checkpoint's zip (with optimizer state) is checked the same way before DL4J restores it. */
    @Test
    void aCheckpointedNetworkWithAnOversizedOptimizerStateIsRefused() throws IOException {
        TrainableModel trained = model(5);
        trained.fit(org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 16),
                org.nd4j.linalg.factory.Nd4j.eye(3).getRows(0, 1, 2, 0), null, 0);
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        trained.save(saved);
        assertThatCode(() -> model(9).restore(new ByteArrayInputStream(saved.toByteArray()))).doesNotThrowAnyException();
        Map<String, byte[]> e = ZipFixtures.entries(saved.toByteArray());
        byte[] state = e.get(SavedNetwork.UPDATER).clone();
        ByteBuffer.wrap(state).putLong(lengthOffset(state), 1L << 40);
        e.put(SavedNetwork.UPDATER, state);
        assertThatThrownBy(() -> model(9).restore(new ByteArrayInputStream(ZipFixtures.zip(e)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot be restored: entry updaterState.bin: declares " + (1L << 40) + " values");
    }

    @Test
    void aZipBombIsRefusedWithoutBeingReadWhole() throws IOException {
        Map<String, byte[]> e = entries();
        e.put("bomb.bin", new byte[40 << 20]);
        byte[] bomb = ZipFixtures.zipWithChecksums(e);
        assertThat(bomb.length).isLessThan(1 << 20);
        assertThatThrownBy(() -> initialise(bomb)).isInstanceOf(ModelFileException.class)
                .hasMessageMatching("model zip: entry bomb\\.bin: holds more than 1678\\d{4} bytes, .*");
    }
}
