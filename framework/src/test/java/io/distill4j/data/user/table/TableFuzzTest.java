package io.distill4j.data.user.table;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import io.distill4j.data.DataException;
import io.distill4j.data.user.FeatureSink;
import io.distill4j.data.user.Part;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserDataSpec;
import org.junit.jupiter.api.AfterAll;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes a user's table: {@link TableFormat#prepare} of the bytes as a CSV or TSV training file (a validation of one
 * example, a 0.2 test split), {@link TableFormat#inspect} of it ({@code distill4j new --data}), then
 * {@link TablePreprocessor#read} of the same bytes as prediction input against the preprocessing of a small valid
 * table. Contract: rows of the sink's width, finite floats, a preprocessing that reads back from its own entries, or a
 * {@link DataException}. Input: flags (bit 0 TSV, bits 1-2 data.missing error/mean/zero, bit 3 data.unseen zeros,
 * bit 4 two parser threads over 64-byte ranges), then the file.
 */
class TableFuzzTest {
    private static final FuzzContract FUZZ = new FuzzContract("table", false);
    private static final String[] MISSING = {"error", "mean", "zero", "error"};
    private static Path dir;
    private static Preprocessor csvModel;
    private static Preprocessor tsvModel;

    @FuzzTest(maxDuration = "60s")
    void prepareTable(byte[] input) throws Throwable {
        if (input.length < 1 || input.length > FuzzContract.MAX_INPUT) return;
        if (dir == null) {
            dir = Files.createTempDirectory("fuzz-table");
            csvModel = model(false);
            tsvModel = model(true);
        }
        int flags = input[0] & 0xff;
        boolean tsv = (flags & 1) != 0;
        Path file = dir.resolve(tsv ? "train.tsv" : "train.csv");
        Files.write(file, Arrays.copyOfRange(input, 1, input.length));
        TableFormat format = tsv ? TableFormat.tsv() : TableFormat.csv();
        if ((flags & 16) != 0) format = format.withThreads(2, 64);
        TableFormat f = format;
        UserDataSpec spec = new UserDataSpec(f.name(), file, null, 0.2, 0, 1, null, null, null, null,
                MISSING[(flags >> 1) & 3], (flags & 8) != 0 ? "zeros" : "error", null, null, null, null, null, null, null, null);
        Preprocessor model = tsv ? tsvModel : csvModel;
        FUZZ.run(input, () -> {
            try {
                Sink sink = new Sink();
                Preprocessor p = f.prepare(spec, new SplitPlan(0.2, 1, 0), sink);
                if (sink.width != p.shape().features()) throw new AssertionError("sink width " + sink.width + ", shape " + p.shape());
                // the export must read back: a statistic preprocessing.json cannot carry would make an unreadable model
                io.distill4j.data.user.Preprocessors.read(p.entries(), "fuzz.zip").orElseThrow();
            } catch (DataException e) {
                FuzzContract.requireMessage(e);
            }
            try {
                f.inspect(file);   // distill4j new --data
            } catch (DataException e) {
                FuzzContract.requireMessage(e);
            }
            model.read(file, ex -> check(ex.features(), model.shape().features()));
        }, DataException.class);
    }

    /** A small valid table's preprocessing: a numeric and a categorical column, labels a/b. */
    private static Preprocessor model(boolean tsv) throws Exception {
        String d = tsv ? "\t" : ",";
        Path file = dir.resolve(tsv ? "model.tsv" : "model.csv");
        StringBuilder s = new StringBuilder("x" + d + "colour" + d + "label\n");
        for (int i = 0; i < 8; i++) s.append(i).append(d).append(i % 3 == 0 ? "red" : "blue").append(d).append(i % 2 == 0 ? "a" : "b").append('\n');
        Files.writeString(file, s, StandardCharsets.UTF_8);
        UserDataSpec spec = new UserDataSpec(tsv ? "tsv" : "csv", file, null, 0.2, 0, 1, null, null, null, null, "mean", "zeros",
                null, null, null, null, null, null, null, null);
        return (tsv ? TableFormat.tsv() : TableFormat.csv()).prepare(spec, new SplitPlan(0.2, 1, 0), new Sink());
    }

    static void check(float[] row, int width) {
        if (row.length != width) throw new AssertionError("row of " + row.length + " floats, width " + width);
        for (float v : row) if (!Float.isFinite(v)) throw new AssertionError("non-finite feature in " + Arrays.toString(row));
    }

    /** Checks every row as a training cache would take it. */
    static final class Sink implements FeatureSink {
        int width = -1;

        @Override
        public void begin(int width) {
            if (this.width >= 0) throw new AssertionError("begin twice");
            if (width < 1) throw new AssertionError("width " + width);
            this.width = width;
        }

        @Override
        public void add(Part part, float[] row, int label) {
            if (part == null || label < 0) throw new AssertionError("part " + part + ", label " + label);
            check(row, width);
        }
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
