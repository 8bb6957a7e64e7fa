package io.distill4j.data.user.table;

import io.distill4j.data.DataException;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserDataSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static io.distill4j.data.user.table.TableFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing in byte ranges on several threads gives what one thread gives: rows, bits, statistics, line numbers. */
class TableParallelTest {
    @TempDir
    Path dir;

    private static String table(int rows, boolean quoteAtStart) {
        StringBuilder sb = new StringBuilder("x,y,c,label\n");
        Random r = new Random(9);
        for (int i = 0; i < rows; i++) {
            String c = i % 13 == 0 ? "" : "v" + r.nextInt(7);
            if (quoteAtStart && i == 3) c = "\"multi\nline, quoted\"";
            sb.append(r.nextGaussian()).append(',').append(i % 29 == 0 ? "NA" : Integer.toString(r.nextInt(1000)))
                    .append(',').append(c).append(',').append("k").append(r.nextInt(3)).append('\n');
        }
        return sb.toString();
    }

    private static UserDataSpec lenient(Path f) {
        return spec("csv", f, null, null, List.of(), List.of(), "mean", "zeros");
    }

    private void sameEitherWay(Path f) throws IOException {
        UserDataSpec spec = lenient(f);
        SplitPlan plan = new SplitPlan(0.2, 50, 4);
        Result one = prepare(TableFormat.csv().withThreads(1, 1), spec, plan);
        for (int threads : new int[]{2, 3, 5}) {
            Result many = prepare(TableFormat.csv().withThreads(threads, 1), spec, plan);
            assertThat(many.pre().entries().get("preprocessing.json")).isEqualTo(one.pre().entries().get("preprocessing.json"));
            assertThat(many.sink().rows).hasSameSizeAs(one.sink().rows);
            for (int i = 0; i < one.sink().rows.size(); i++) {
                Row a = one.sink().rows.get(i);
                Row b = many.sink().rows.get(i);
                assertThat(b.part()).isEqualTo(a.part());
                assertThat(b.label()).isEqualTo(a.label());
                for (int k = 0; k < a.features().length; k++) {
                    assertThat(Float.floatToRawIntBits(b.features()[k])).isEqualTo(Float.floatToRawIntBits(a.features()[k]));
                }
            }
        }
    }

    /** How many byte ranges the parser cut the file into. */
    private int ranges(Path f, int threads) throws IOException {
        List<Path> spills = new java.util.ArrayList<>();
        try {
            return new TableParser(',', false, dir, threads, 1)
                    .parse(f, h -> new TableParser.Layout(h, new int[]{0, 1, 2}, 3), spills).chunks().size();
        } finally {
            for (Path p : spills) java.nio.file.Files.deleteIfExists(p);
        }
    }

    @Test
    void parallelEqualsSequential() throws IOException {
        Path f = write(dir, "t.csv", table(5000, false));
        assertThat(ranges(f, 3)).isEqualTo(3);   // the parallel path is really taken
        sameEitherWay(f);
    }

    @Test
    void quotesFallBackToOneThreadWithTheSameResult() throws IOException {
        Path f = write(dir, "t.csv", table(5000, true));
        assertThat(ranges(f, 3)).isEqualTo(1);
        sameEitherWay(f);
    }

    @Test
    void crlfParallelEqualsSequential() throws IOException {
        sameEitherWay(write(dir, "t.csv", table(3000, false).replace("\n", "\r\n")));
    }

    @Test
    void errorLinesAreFileLinesInEveryRange() throws IOException {
        String t = table(4000, false);
        String[] lines = t.split("\n", -1);
        lines[3500] = "1,2";   // line 3501 of the file, well inside a later range
        Path f = write(dir, "t.csv", String.join("\n", lines));
        for (int threads : new int[]{1, 2, 4}) {
            assertThatThrownBy(() -> prepare(TableFormat.csv().withThreads(threads, 1), lenient(f), allTrain()))
                    .isInstanceOf(DataException.class).hasMessageContaining("t.csv:3501: expected 4 fields");
        }
        // a missing value refused in a later range names its file line and column too
        lines[3500] = lines[3501];
        for (int i = 1; i < lines.length; i++) lines[i] = lines[i].replace(",NA,", ",5,").replace(",,k", ",v0,k");
        lines[3700] = "1,,v1,k1";
        Path g = write(dir, "g.csv", String.join("\n", lines));
        UserDataSpec strict = spec("csv", g, null, null, List.of(), List.of(), "error", null);
        for (int threads : new int[]{1, 2, 4}) {
            assertThatThrownBy(() -> prepare(TableFormat.csv().withThreads(threads, 1), strict, allTrain()))
                    .isInstanceOf(DataException.class).hasMessageStartingWith(g + ":3701:2: missing value");
        }
    }
}
