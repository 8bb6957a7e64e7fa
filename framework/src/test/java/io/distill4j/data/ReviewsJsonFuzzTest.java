package io.distill4j.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzzes {@link ReviewsJson#read} (the IMDB reviews file). Contract: every record reaches the sink with a text and a label
 * 0 or 1, or a {@link DataException}. Input: the expected record count (first byte, 0..15), then the file.
 */
class ReviewsJsonFuzzTest {
    private static final FuzzContract FUZZ = new FuzzContract("reviews-json", false);
    private static Path dir;

    @FuzzTest(maxDuration = "60s")
    void readReviews(byte[] input) throws Throwable {
        if (input.length < 1 || input.length > FuzzContract.MAX_INPUT) return;
        if (dir == null) dir = Files.createTempDirectory("fuzz-reviews");
        Path file = dir.resolve("reviews.json");
        Files.write(file, Arrays.copyOfRange(input, 1, input.length));
        int expected = input[0] & 0x0f;
        FUZZ.run(input, () -> ReviewsJson.read(file, expected, (index, text, label) -> {
            if (text == null || (label != 0 && label != 1)) throw new AssertionError("record " + index + " passed unchecked");
        }), DataException.class);
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
