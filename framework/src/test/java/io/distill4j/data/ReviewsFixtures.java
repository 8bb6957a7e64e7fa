package io.distill4j.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Tiny reviews.json files in the aclImdb layout, for tests. */
final class ReviewsFixtures {
    /**
     * Twelve reviews in four blocks of three (test/neg, train/neg, test/pos, train/pos). Every text starts with a word
     * of its own, r0 ... r11, so a test can tell which record an encoded row came from; "dull", "testonly" and "fine"
     * appear in test reviews only.
     */
    static final List<String> TEXTS = List.of(
            "r0 bad bad", "r1 dull", "r2 testonly!",
            "r3 bad movie", "r4 bad bad plot", "r5 awful!",
            "r6 good", "r7 great testonly", "r8 fine fine",
            "r9 good movie", "r10 great great plot", "r11 loved it!");
    static final List<Integer> LABELS = List.of(0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1);
    /** The registry entry of a dataset laid out like {@link #TEXTS}. */
    static final DatasetInfo TINY = DatasetInfo.text("tiny", "reviews.json", 2, 6, 6);

    private ReviewsFixtures() {
    }

    static Path write(Path dir, List<String> texts, List<Integer> labels) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ArrayNode array = json.createArrayNode();
        for (int i = 0; i < texts.size(); i++) array.addObject().put("t", texts.get(i)).put("s", labels.get(i));
        Files.createDirectories(dir);
        Path f = dir.resolve("reviews.json");
        json.writeValue(f.toFile(), array);
        return f;
    }

    static Path write(Path dir) throws IOException {
        return write(dir, TEXTS, LABELS);
    }
}
