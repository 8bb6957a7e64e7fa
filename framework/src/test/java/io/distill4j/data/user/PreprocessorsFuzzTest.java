package io.distill4j.data.user;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.FuzzContract;
import io.distill4j.data.DataException;
import org.junit.jupiter.api.AfterAll;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes {@link Preprocessors#read}, the preprocessing an exported student carries, then the preprocessor it gives
 * reading a small valid input of its kind (a CSV of its columns, a 3x3 PNG, a folder of a long and a short .txt file). Contract: a preprocessor whose
 * rows have {@code shape().features()} finite values (text: ids below the vocabulary size), or a
 * {@link DataException}; an absurd size must be refused when read, not fail at allocation. Input:
 * {@code preprocessing.json}, {@code vocabulary.json}, {@code tokenizer.json}, split at {@link #SEPARATOR} (an empty
 * part: no entry).
 */
class PreprocessorsFuzzTest {
    static final byte[] SEPARATOR = "\n--8<--\n".getBytes(StandardCharsets.US_ASCII);
    static final List<String> ENTRIES = List.of(Preprocessor.ENTRY, "vocabulary.json", "tokenizer.json");
    private static final FuzzContract FUZZ = new FuzzContract("preprocessing-json", true);
    private static Path dir;

    @FuzzTest(maxDuration = "60s")
    void readPreprocessing(byte[] input) throws Throwable {
        if (input.length > FuzzContract.MAX_INPUT) return;
        if (dir == null) {
            dir = Files.createTempDirectory("fuzz-preprocessing");
            BufferedImage img = new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 3; y++) for (int x = 0; x < 3; x++) img.setRGB(x, y, (x * 80) << 16 | (y * 80) << 8 | 40);
            ImageIO.write(img, "png", dir.resolve("small.png").toFile());
            // one text longer than the fixtures' maxLength (truncated), one shorter (padded)
            Files.createDirectories(dir.resolve("texts"));
            Files.writeString(dir.resolve("texts/long.txt"), "the movie was not bad at all , really !");
            Files.writeString(dir.resolve("texts/short.txt"), "good");
        }
        byte[][] parts = FuzzContract.split(input, ENTRIES.size(), SEPARATOR);
        Map<String, byte[]> entries = new HashMap<>();
        for (int i = 0; i < parts.length; i++) if (parts[i].length > 0) entries.put(ENTRIES.get(i), parts[i]);
        FUZZ.run(input, () -> {
            Preprocessor p = Preprocessors.read(entries, "fuzz.zip").orElse(null);
            if (p == null) return;
            int width = p.shape().features();
            Path small = switch (p.kind()) {
                case "table" -> table(entries.get(Preprocessor.ENTRY));
                case "image" -> dir.resolve("small.png");
                case "text" -> dir.resolve("texts");
                default -> throw new AssertionError("kind " + p.kind());
            };
            List<float[]> rows = new ArrayList<>();
            p.read(small, ex -> rows.add(ex.features()));
            if (rows.isEmpty()) throw new AssertionError("no row from " + small.getFileName());
            for (float[] row : rows) {
                if (row.length != width) throw new AssertionError("row of " + row.length + ", shape " + p.shape());
                for (float v : row) {
                    if (!Float.isFinite(v)) throw new AssertionError("non-finite feature");
                    if (p.kind().equals("text") && !(v >= 0 && v < p.shape().vocabulary())) {
                        throw new AssertionError("id " + v + " outside the vocabulary of " + p.shape().vocabulary());
                    }
                }
            }
        }, DataException.class);
    }

    /** A CSV of one row with the columns the table preprocessing names: "0" for a numeric one, its first category else. */
    private static Path table(byte[] json) throws Exception {
        JsonNode root = new ObjectMapper().readTree(json);
        String d = root.path("delimiter").asText();
        List<String> header = new ArrayList<>();
        List<String> row = new ArrayList<>();
        for (JsonNode c : root.path("columns")) {
            header.add(quote(c.path("name").asText()));
            JsonNode categories = c.path("categories");
            row.add(quote(c.path("type").asText().equals("categorical") && categories.size() > 0 ? categories.get(0).asText() : "0"));
        }
        Path file = dir.resolve("small.csv");
        Files.writeString(file, String.join(d, header) + "\n" + String.join(d, row) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
