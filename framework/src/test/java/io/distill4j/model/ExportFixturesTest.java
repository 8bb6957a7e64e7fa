package io.distill4j.model;

import io.distill4j.data.InputShape;
import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.data.text.WordVocabulary;
import io.distill4j.model.transformer.TransformerFamily;
import io.distill4j.model.transformer.TransformerZip;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Committed exports, so a change to how zips are written or read cannot silently stop reading the files users have:
 * {@code *-checksums-v1.zip} carry {@link EntryChecksums} (this format), {@code *-before-checksums.zip} are the same
 * models as exported before checksums existed. Written once by {@link #writeFixtures} (run with
 * {@code -Ddistill4j.writeModelFixtures=true}; it refuses to overwrite).
 */
class ExportFixturesTest {
    static final Path DIR = Path.of("src/test/resources/io/distill4j/model");
    static final String TRANSFORMER = "transformer-student-checksums-v1.zip";
    static final String TRANSFORMER_OLD = "transformer-student-before-checksums.zip";
    static final String MLP = "mlp-student-checksums-v1.zip";
    static final String MLP_OLD = "mlp-student-before-checksums.zip";
    static final String PROVENANCE = "distill4j-provenance.json";

    private static ModelSpec mlpSpec() {
        return new ModelSpec("student-8", "mlp", List.of(8), List.of(), new OptimizerSpec("adam", 0.01, null), 0.0,
                ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null);
    }

    private static TrainableModel mlp(long seed) {
        return new ModelFactory(3, InputShape.image(4, 4, 1), 100, TrainingSteps.FUSED, Precision.FP32).build(mlpSpec(), Head.LABELS, 2.0, 0.5, seed);
    }

    private static TrainableModel transformer(long seed) {
        ModelSpec spec = new ModelSpec("student-8", TransformerFamily.NAME, List.of(8), List.of(), new OptimizerSpec("adam", 0.001, null),
                0.0, ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null, 1, 2, 16, "pre", "mean");
        return new ModelFactory(2, InputShape.text(8, 10), 100, TrainingSteps.FUSED, Precision.FP32).build(spec, Head.LABELS, 2.0, 0.5, seed);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ExportFixturesTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name + " (write it with -Ddistill4j.writeModelFixtures=true)").isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void aTransformerExportOfThisFormatIsVerifiedAndReadBack() throws IOException {
        byte[] zip = resource(TRANSFORMER);
        assertThat(ZipFixtures.entries(zip)).containsKeys(EntryChecksums.ENTRY, TransformerZip.VOCABULARY, PROVENANCE);
        TransformerZip.Loaded now = TransformerZip.read(new ByteArrayInputStream(zip), TRANSFORMER);
        TransformerZip.Loaded before = TransformerZip.read(new ByteArrayInputStream(resource(TRANSFORMER_OLD)), TRANSFORMER_OLD);
        assertThat(ZipFixtures.entries(resource(TRANSFORMER_OLD))).doesNotContainKey(EntryChecksums.ENTRY);
        assertThat(now.classify("a great film")).containsExactly(before.classify("a great film"));
        Map<String, byte[]> e = ZipFixtures.entries(zip);
        e.put(PROVENANCE, "{}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> TransformerZip.read(new ByteArrayInputStream(ZipFixtures.zip(e)), TRANSFORMER))
                .isInstanceOf(ModifiedEntryException.class)
                .hasMessage("entry distill4j-provenance.json of " + TRANSFORMER + " was modified (checksum mismatch)");
    }

    @Test
    void anMlpExportOfThisFormatLoadsInDl4jAndStartsAModel() throws IOException {
        for (String name : List.of(MLP, MLP_OLD)) {
            byte[] zip = resource(name);
            assertThat(ZipFixtures.entries(zip).containsKey(EntryChecksums.ENTRY)).as(name).isEqualTo(name.equals(MLP));
            assertThat(ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false).numParams()).as(name)
                    .isEqualTo(mlp(1).parameterCount());
            assertThatCode(() -> mlp(2).initialise(new ByteArrayInputStream(zip))).as(name).doesNotThrowAnyException();
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "distill4j.writeModelFixtures", matches = "true")
    void writeFixtures() throws IOException {
        Files.createDirectories(DIR);
        for (String name : List.of(TRANSFORMER, TRANSFORMER_OLD, MLP, MLP_OLD)) {
            assertThat(DIR.resolve(name)).as("fixtures are never overwritten").doesNotExist();
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        ByteArrayOutputStream vocabulary = new ByteArrayOutputStream();
        WordVocabulary.fromCounts(Map.of("great", 10L, "awful", 9L, "film", 8L), 10).writeTo(vocabulary);
        entries.put(TransformerZip.VOCABULARY, vocabulary.toByteArray());
        entries.put(PROVENANCE, "{\"schemaVersion\":1,\"model\":\"student-8\",\"note\":\"test fixture\"}".getBytes(StandardCharsets.UTF_8));
        write(transformer(3), entries, TRANSFORMER, TRANSFORMER_OLD);
        entries.remove(TransformerZip.VOCABULARY);
        write(mlp(3), entries, MLP, MLP_OLD);
    }

    private static void write(TrainableModel model, Map<String, byte[]> entries, String name, String old) throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        model.export(zip, entries);
        Files.write(DIR.resolve(name), zip.toByteArray());
        Files.write(DIR.resolve(old), ZipFixtures.zipWithoutChecksums(ZipFixtures.entries(zip.toByteArray())));
    }
}
