package io.distill4j.data.user.table;

import io.distill4j.data.user.FeatureSink;
import io.distill4j.data.user.Part;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserDataSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small helpers for the table tests: a sink that keeps what it is given, files, specs. */
final class TableFixtures {
    private TableFixtures() {
    }

    record Row(Part part, float[] features, int label) {
    }

    static final class Captured implements FeatureSink {
        int width = -1;
        final List<Row> rows = new ArrayList<>();

        @Override
        public void begin(int width) {
            this.width = width;
        }

        @Override
        public void add(Part part, float[] row, int label) {
            rows.add(new Row(part, row.clone(), label));
        }
    }

    record Result(Preprocessor pre, Captured sink) {
        TablePreprocessor table() {
            return (TablePreprocessor) pre;
        }
    }

    static Path write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    static UserDataSpec spec(Path train) {
        return UserDataSpec.of("csv", train);
    }

    static UserDataSpec spec(String format, Path train, Path test, String label, List<String> columns, List<String> drop,
                             String missing, String unseen) {
        return new UserDataSpec(format, train, test, test == null ? 0.2 : 0, 0, 0, label, null, columns, drop, missing, unseen,
                null, null, null, null, null, null, null, null);
    }

    /** Everything in the training part: no test, no validation. */
    static SplitPlan allTrain() {
        return new SplitPlan(0, 0, 1);
    }

    static Result prepare(TableFormat f, UserDataSpec spec, SplitPlan plan) throws IOException {
        Captured sink = new Captured();
        Preprocessor pre = f.prepare(spec, plan, sink);
        return new Result(pre, sink);
    }

    static Result prepare(UserDataSpec spec, SplitPlan plan) throws IOException {
        return prepare(spec.format().equals("tsv") ? TableFormat.tsv() : TableFormat.csv(), spec, plan);
    }
}
