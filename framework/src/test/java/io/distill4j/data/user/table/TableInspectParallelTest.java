package io.distill4j.data.user.table;

import io.distill4j.data.DataException;
import io.distill4j.data.user.Inspection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import static io.distill4j.data.user.table.TableFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Inspecting in byte ranges on several threads reports exactly what one thread reports. */
class TableInspectParallelTest {
    @TempDir
    Path dir;

    /**
     * Numbers (with -0.0, spellings of one value, NA), a categorical column mixing texts and numbers, an id column
     * with more distinct values than are counted, and a label; {@code quote} puts a quoted multi-line cell early.
     */
    private static String table(int rows, boolean quote) {
        StringBuilder sb = new StringBuilder("x,n,c,id,label\n");
        Random r = new Random(5);
        String[] spellings = {"1", "1.0", "01", "-0.0", "0", "2.5", "red", "blue", "NA", ""};
        for (int i = 0; i < rows; i++) {
            String c = spellings[r.nextInt(spellings.length)];
            if (quote && i == 7) c = "\"multi\nline, quoted\"";
            sb.append(i % 31 == 0 ? "null" : Double.toString(r.nextGaussian())).append(',')
                    .append(r.nextInt(50) - 25).append(',').append(c).append(",u").append(r.nextInt(30_000)).append(',')
                    .append(r.nextInt(9) == 0 ? "k" + r.nextInt(3) : Integer.toString(r.nextInt(3))).append('\n');
        }
        return sb.toString();
    }

    private static void sameEitherWay(Path f) throws IOException {
        Inspection one = TableFormat.csv().withThreads(1, 1).inspect(f);
        for (int threads : new int[]{2, 3, 5}) {
            Inspection many = TableFormat.csv().withThreads(threads, 1).inspect(f);
            assertThat(many.examples()).isEqualTo(one.examples());
            assertThat(many.details()).isEqualTo(one.details());
            assertThat(many.dataKeys()).isEqualTo(one.dataKeys());
            assertThat(many.classCounts()).containsExactlyEntriesOf(one.classCounts());
            assertThat(many.shape()).isEqualTo(one.shape());
        }
    }

    /** Whether three threads really tallied in ranges (null: the file sent them back to one thread). */
    private static boolean rangesTaken(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            var head = TableParser.headerLine(ch, ch.size(), ',');
            return TableInspector.parallel(f.toString(), ch, ch.size(), head, ',', 3, 1) != null;
        }
    }

    @Test
    void parallelEqualsSequentialWithoutQuotes() throws IOException {
        // no id column: every count is exact in ranges, so the parallel result is the one reported
        String t = table(20_000, false).replaceAll(",u\\d+,", ",u,");
        Path f = write(dir, "t.csv", t);
        assertThat(rangesTaken(f)).isTrue();
        sameEitherWay(f);
        assertThat(TableFormat.csv().withThreads(3, 1).inspect(f).details())
                .anyMatch(d -> d.startsWith("column 'c': categorical, 5 distinct, top: ") && d.contains(" missing"));
    }

    @Test
    void quotesFallBackToOneThreadWithTheSameResult() throws IOException {
        Path f = write(dir, "q.csv", table(20_000, true));
        assertThat(rangesTaken(f)).isFalse();
        sameEitherWay(f);
    }

    @Test
    void aColumnPastTheCountBoundIsRecountedInOneThread() throws IOException {
        // ranges each meet more than 10,000 ids, so their counts of the first 10,000 would be short
        Path f = write(dir, "ids.csv", table(60_000, false));
        assertThat(rangesTaken(f)).isFalse();
        sameEitherWay(f);
        assertThat(TableFormat.csv().withThreads(3, 1).inspect(f).details()).anyMatch(d -> d.startsWith("column 'id': categorical, more than 10000 distinct"));
    }

    @Test
    void numbersPastTheCountBoundThenATextAreCountedInFull() throws IOException {
        // numeric counts are dropped once full while no text is seen; the late text makes them shown, so all are counted
        StringBuilder sb = new StringBuilder("n,label\n");
        for (int i = 0; i <= 10_000; i++) sb.append(i).append(",a\n");
        sb.append("z,b\n5.0,a\n");
        Path f = write(dir, "late.csv", sb.toString());
        for (int threads : new int[]{1, 2}) {
            Inspection i = TableFormat.csv().withThreads(threads, 1).inspect(f);
            assertThat(i.details()).contains("column 'n': categorical, more than 10000 distinct, top: 5 (2), 0 (1), 1 (1), 10 (1), 100 (1)");
            assertThat(i.shape().features()).isEqualTo(10_000);
        }
    }

    @Test
    void refusalsNameTheSameLine() throws IOException {
        String t = table(20_000, false).replaceAll(",u\\d+,", ",u,");
        int cut = t.length() * 4 / 5;
        cut = t.indexOf('\n', cut) + 1;
        long line = t.substring(0, cut).chars().filter(c -> c == '\n').count() + 1;
        Path f = write(dir, "bad.csv", t.substring(0, cut) + "1,2\n" + t.substring(cut));
        for (int threads : new int[]{1, 3}) {
            assertThatThrownBy(() -> TableFormat.csv().withThreads(threads, 1).inspect(f))
                    .isInstanceOf(DataException.class).hasMessage(f + ":" + line + ": expected 5 fields (as the header has), got 2");
        }
    }
}
