package io.distill4j.data.user.text;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import io.distill4j.data.DataException;
import io.distill4j.data.text.Truncation;
import io.distill4j.data.user.FeatureSink;
import io.distill4j.data.user.Part;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.Preprocessors;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserDataSpec;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzzes a user's texts with the built-in word vocabulary: {@link TextFormat#inspect} ({@code distill4j new --data}) and
 * {@link TextFormat#prepare} of the bytes as a {@code .jsonl}
 * or a {@code text-csv} file (a validation of one example, a 0.2 test split), then the fitted preprocessing's
 * {@link Preprocessor#read} of the same file as prediction input, and the preprocessing read back from its own
 * entries. Contract: rows of maxLength ids below the vocabulary size, or a {@link DataException}. Input: flags (bit 0
 * text-csv, bit 1 data.malformedText replace, bits 2-3 the truncation), data.maxLength - 1 (low 4 bits),
 * data.vocabSize - 4 (low 5 bits), then the file.
 */
class TextFuzzTest {
    private static final FuzzContract FUZZ = new FuzzContract("text", false);
    private static Path dir;

    @FuzzTest(maxDuration = "60s")
    void prepareText(byte[] input) throws Throwable {
        if (input.length < 3 || input.length > FuzzContract.MAX_INPUT) return;
        if (dir == null) dir = Files.createTempDirectory("fuzz-text");
        int flags = input[0] & 0xff;
        boolean csv = (flags & 1) != 0;
        Truncation[] truncations = Truncation.values();
        Truncation truncation = truncations[((flags >> 2) & 3) % truncations.length];
        int maxLength = 1 + (input[1] & 15);
        int vocabSize = 4 + (input[2] & 31);
        Path file = dir.resolve(csv ? "train.csv" : "train.jsonl");
        Files.write(file, Arrays.copyOfRange(input, 3, input.length));
        TextFormat format = csv ? TextFormat.csv() : TextFormat.jsonl();
        UserDataSpec spec = new UserDataSpec(format.name(), file, null, 0.2, 0, 1, null, null, null, null, null, null,
                null, null, null, null, maxLength, vocabSize, truncation, (flags & 2) != 0 ? "replace" : "error");
        FUZZ.run(input, () -> {
            try {
                format.inspect(file);   // distill4j new --data
            } catch (DataException e) {
                FuzzContract.requireMessage(e);
            }
            Sink sink = new Sink(vocabSize);
            Preprocessor p = format.prepare(spec, new SplitPlan(0.2, 1, 0), sink);
            if (sink.width != maxLength || p.shape().features() != maxLength) throw new AssertionError("width " + sink.width + ", shape " + p.shape());
            Preprocessor back = Preprocessors.read(p.entries(), "fuzz.zip").orElseThrow();
            for (Preprocessor q : new Preprocessor[]{p, back}) {
                q.read(file, ex -> ids(ex.features(), maxLength, vocabSize));
            }
        }, DataException.class);
    }

    static void ids(float[] row, int width, int vocabSize) {
        if (row.length != width) throw new AssertionError("row of " + row.length + " ids, maxLength " + width);
        for (float v : row) {
            if (!(v >= 0 && v < vocabSize && v == Math.rint(v))) throw new AssertionError("id " + v + " outside 0.." + (vocabSize - 1) + " in " + Arrays.toString(row));
        }
    }

    private static final class Sink implements FeatureSink {
        final int vocabSize;
        int width = -1;

        Sink(int vocabSize) {
            this.vocabSize = vocabSize;
        }

        @Override
        public void begin(int width) {
            if (this.width >= 0) throw new AssertionError("begin twice");
            this.width = width;
        }

        @Override
        public void add(Part part, float[] row, int label) {
            if (part == null || label < 0) throw new AssertionError("part " + part + ", label " + label);
            ids(row, width, vocabSize);
        }
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
