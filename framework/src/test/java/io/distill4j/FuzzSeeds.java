package io.distill4j;

import io.distill4j.data.text.Truncation;
import io.distill4j.data.text.WordTokenizer;
import io.distill4j.data.text.WordVocabulary;
import io.distill4j.model.Head;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.TrainableModel;
import io.distill4j.model.transformer.SameDiffTransformer;
import io.distill4j.model.transformer.TransformerSpec;
import io.distill4j.step.Precision;
import io.distill4j.step.TrainingSteps;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Writes the seed inputs of the fuzz targets that need a model or a vocabulary built by the code itself (the
 * transformer and DL4J model zips, vocabulary.json) into their inputs folders. Not a test: run it by name when a format
 * changes, {@code mvn -pl framework -am test -Dtest=FuzzSeeds -Dsurefire.failIfNoSpecifiedTests=false}. The words come
 * from the first IMDB reviews when {@code data/imdb/reviews.json} is there, else from a fixed sentence.
 */
class FuzzSeeds {
    static final byte[] SEPARATOR = "\n--8<--\n".getBytes(StandardCharsets.US_ASCII);
    private static final Path RESOURCES = Path.of("src", "test", "resources", "io", "distill4j");

    @Test
    void write() throws IOException {
        WordVocabulary vocabulary = WordVocabulary.fromCounts(counts(), 20);
        byte[] vocabularyJson = bytes(vocabulary);
        byte[] tailJson = bytes(WordVocabulary.fromCounts(counts(), 8).withTruncation(Truncation.values()[Truncation.values().length - 1]));
        Path vocabularies = RESOURCES.resolve("data/text/WordVocabularyFuzzTestInputs/readVocabulary");
        seed(vocabularies.resolve("seed-imdb-20"), vocabularyJson);
        seed(vocabularies.resolve("seed-imdb-8-truncation"), tailJson);

        // a text transformer of 20 ids, as a run exports it
        SameDiffTransformer transformer = new SameDiffTransformer(
                new TransformerSpec(20, 8, 1, 8, 2, 16, 0.0, "pre", "mean", 2, 1e-3, 0.9, 0.999, 1e-8, 2.0, 1));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        transformer.export(zip, Map.of(WordVocabulary.FILE_NAME, vocabularyJson));
        Path transformers = RESOURCES.resolve("model/transformer/TransformerZipFuzzTestInputs/readZip");
        seed(transformers.resolve("seed-zip"), concat(new byte[]{1}, zip.toByteArray()));
        seed(transformers.resolve("seed-entries"), entries(zip.toByteArray(), List.of("transformer.json", "parameters.bin", "vocabulary.json")));
        // D1 of RELIABILITY-ROUND3: a vocabulary of more ids than the embedding table has rows
        Map<String, byte[]> parts = unzip(zip.toByteArray());
        parts.put(WordVocabulary.FILE_NAME, bytes(WordVocabulary.fromCounts(counts(), 40)));
        seed(transformers.resolve("seed-vocabulary-bigger-than-table"), join(parts, List.of("transformer.json", "parameters.bin", "vocabulary.json")));

        // the MLP init: fills in ParticipantsFuzzTest (2x2 images, 2 hidden units, 3 classes)
        TrainableModel mlp = new ModelFactory(3, InputShape.image(2, 2, 1), 10, TrainingSteps.FUSED, Precision.FP32)
                .build(new io.distill4j.config.ModelSpec("student", "mlp", List.of(2), List.of(), null, 0.0, "labels", null, null, null),
                        Head.DISTILL, 2, 0.5, 1);
        ByteArrayOutputStream dl4j = new ByteArrayOutputStream();
        mlp.export(dl4j, Map.of(WordVocabulary.FILE_NAME, vocabularyJson));
        Path inits = RESOURCES.resolve("train/ParticipantsFuzzTestInputs/initFromZip");
        seed(inits.resolve("seed-zip"), concat(new byte[]{1}, dl4j.toByteArray()));
        seed(inits.resolve("seed-entries"), entries(dl4j.toByteArray(), List.of("configuration.json", "coefficients.bin", "updaterState.bin", "vocabulary.json")));
    }

    private static Map<String, Long> counts() throws IOException {
        Path reviews = Path.of("..", "data", "imdb", "reviews.json");
        String text = "the movie was not bad at all , really ! i liked the actors and the story of the film";
        if (Files.isRegularFile(reviews)) {
            byte[] head = new byte[4000];
            try (var in = Files.newInputStream(reviews)) {
                text = new String(head, 0, Math.max(0, in.readNBytes(head, 0, head.length)), StandardCharsets.UTF_8);
            }
        }
        Map<String, Long> counts = new TreeMap<>();
        WordTokenizer.forEachToken(text, t -> counts.merge(t, 1L, Long::sum));
        counts.remove("t");
        counts.remove("s");
        return counts;
    }

    private static byte[] bytes(WordVocabulary v) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        v.writeTo(out);
        return out.toByteArray();
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) out.put(e.getName(), in.readAllBytes());
        }
        return out;
    }

    /** A target's entries layout: flag byte 0, then each entry (empty when absent), split at the separator. */
    private static byte[] entries(byte[] zip, List<String> names) throws IOException {
        return join(unzip(zip), names);
    }

    private static byte[] join(Map<String, byte[]> entries, List<String> names) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(new byte[]{0});
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) parts.add(SEPARATOR);
            parts.add(entries.getOrDefault(names.get(i), new byte[0]));
        }
        return concat(parts.toArray(new byte[0][]));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static void seed(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
