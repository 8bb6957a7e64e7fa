package io.distill4j.data.user.table;

import io.distill4j.data.user.ClassNames;
import io.distill4j.data.user.Part;
import io.distill4j.data.user.Preprocessors;
import io.distill4j.data.user.RawExample;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserFormats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.distill4j.data.user.table.TableFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TableFormatTest {
    @TempDir
    Path dir;

    @Test
    void registered() {
        assertThat(UserFormats.names()).contains("csv", "tsv");
        assertThat(UserFormats.get("tsv")).isInstanceOf(TableFormat.class);
    }

    @Test
    void standardisesNumbersAndOneHotsSortedCategories() throws IOException {
        Path f = write(dir, "t.csv", "x,color,label\n1,red,b\n2,blue,a\n3,red,b\n6,green,a\n");
        Result r = prepare(spec(f), allTrain());
        TableColumn x = r.table().columns().get(0);
        assertThat(x.numeric).isTrue();
        assertThat(x.mean).isEqualTo(3.0);
        assertThat(x.std).isCloseTo(Math.sqrt((4 + 1 + 0 + 9) / 4.0), within(1e-12));
        assertThat(r.table().columns().get(1).categories).containsExactly("blue", "green", "red");
        assertThat(r.pre().classes()).containsExactly("a", "b");
        assertThat(r.pre().shape().features()).isEqualTo(4);
        assertThat(r.sink().width).isEqualTo(4);
        float[] first = r.sink().rows.get(0).features();
        assertThat(first[0]).isEqualTo((float) ((1 - 3.0) / x.std));
        assertThat(new float[]{first[1], first[2], first[3]}).containsExactly(0f, 0f, 1f);
        assertThat(r.sink().rows).extracting(Row::label).containsExactly(1, 0, 1, 0);
    }

    @Test
    void constantColumnHasStdOne() throws IOException {
        Path f = write(dir, "t.csv", "a,b,label\n5,1,x\n5,2,y\n5,3,x\n");
        Result r = prepare(spec(f), allTrain());
        assertThat(r.table().columns().get(0).std).isEqualTo(1.0);
        assertThat(r.sink().rows).allSatisfy(row -> assertThat(row.features()[0]).isEqualTo(0f));
    }

    @Test
    void columnsAndDropChooseTheFeatures() throws IOException {
        Path f = write(dir, "t.csv", "id,a,b,c,label\n1,1,2,3,x\n2,4,5,6,y\n");
        Result only = prepare(spec("csv", f, null, null, List.of("c", "a"), List.of(), null, null), allTrain());
        assertThat(only.table().columns()).extracting(c -> c.name).containsExactly("c", "a");
        Result dropped = prepare(spec("csv", f, null, null, List.of(), List.of("id"), null, null), allTrain());
        assertThat(dropped.table().columns()).extracting(c -> c.name).containsExactly("a", "b", "c");
    }

    @Test
    void labelColumnByName() throws IOException {
        Path f = write(dir, "t.csv", "species,a\nsetosa,1\nvirginica,2\n");
        Result r = prepare(spec("csv", f, null, "species", List.of(), List.of(), null, null), allTrain());
        assertThat(r.pre().classes()).containsExactly("setosa", "virginica");
    }

    @Test
    void missingMeanIsZeroAfterStandardising() throws IOException {
        Path f = write(dir, "t.csv", "a,label\n1,x\nNA,y\n3,x\n ,y\nn/a,x\n?,x\nNULL,y\nnan,y\n");
        Result r = prepare(spec("csv", f, null, null, List.of(), List.of(), "mean", null), allTrain());
        assertThat(r.table().columns().get(0).mean).isEqualTo(2.0);   // from the two numbers only
        assertThat(r.sink().rows.get(1).features()[0]).isEqualTo(0f);
        assertThat(r.sink().rows.get(3).features()[0]).isEqualTo(0f);
    }

    @Test
    void missingZeroIsRawZero() throws IOException {
        Path f = write(dir, "t.csv", "a,label\n1,x\n,y\n3,x\n");
        Result r = prepare(spec("csv", f, null, null, List.of(), List.of(), "zero", null), allTrain());
        TableColumn a = r.table().columns().get(0);
        assertThat(r.sink().rows.get(1).features()[0]).isEqualTo((float) ((0 - a.mean) / a.std));
    }

    @Test
    void missingCategoricalCellIsItsOwnCategory() throws IOException {
        Path f = write(dir, "t.csv", "c,label\nred,x\n,y\nblue,x\n");
        Result r = prepare(spec("csv", f, null, null, List.of(), List.of(), "zero", null), allTrain());
        assertThat(r.table().columns().get(0).categories).containsExactly("(missing)", "blue", "red");
        assertThat(r.sink().rows.get(1).features()).containsExactly(1f, 0f, 0f);
    }

    @Test
    void numbersInACategoricalColumnAreCategoriesByValue() throws IOException {
        Path f = write(dir, "t.csv", "c,label\nsmall,x\n1,y\n1.0,x\n2.5,y\n");
        Result r = prepare(spec(f), allTrain());
        assertThat(r.table().columns().get(0).categories).containsExactly("1", "2.5", "small");
        assertThat(r.sink().rows.get(1).features()).isEqualTo(r.sink().rows.get(2).features());
    }

    @Test
    void unseenCategoryIsAllZerosWhenAsked() throws IOException {
        Path train = write(dir, "train.csv", "c,label\nred,x\nblue,y\n");
        Path test = write(dir, "test.csv", "label,c\nx,green\ny,red\n");   // columns found by name, in any order
        Result r = prepare(spec("csv", train, test, null, List.of(), List.of(), null, "zeros"), allTrain());
        assertThat(r.sink().rows).hasSize(4);
        Row green = r.sink().rows.get(2);
        assertThat(green.part()).isEqualTo(Part.TEST);
        assertThat(green.features()).containsExactly(0f, 0f);
        assertThat(r.sink().rows.get(3).features()).containsExactly(0f, 1f);
    }

    @Test
    void tsv() throws IOException {
        Path f = write(dir, "t.tsv", "a\tb c\tlabel\n1\tx,y\tp\n2\tz\tq\n");
        Result r = prepare(spec("tsv", f, null, null, List.of(), List.of(), null, null), allTrain());
        assertThat(r.table().columns().get(1).categories).containsExactly("x,y", "z");
        assertThat(r.table().columns().get(1).name).isEqualTo("b c");
        // the export remembers the tab: prediction reads the TSV back to the same floats
        var back = Preprocessors.read(r.pre().entries(), "m.zip").orElseThrow();
        List<RawExample> read = new ArrayList<>();
        back.read(f, read::add);
        assertThat(read).extracting(RawExample::features).containsExactly(r.sink().rows.get(0).features(), r.sink().rows.get(1).features());
    }

    @Test
    void quotedFieldsHoldCommasAndNewlines() throws IOException {
        Path f = write(dir, "t.csv", "\"a\",note,label\n1,\"hello, world\",x\n2,\"two\nlines\",y\n3,\"say \"\"hi\"\"\",x\n");
        Result r = prepare(spec(f), allTrain());
        assertThat(r.table().columns().get(1).categories).containsExactly("hello, world", "say \"hi\"", "two\nlines");
        List<RawExample> back = new ArrayList<>();
        r.pre().read(f, back::add);
        assertThat(back).extracting(RawExample::id).containsExactly("t.csv:2", "t.csv:3", "t.csv:5");
    }

    @Test
    void crlfAndByteOrderMark() throws IOException {
        Path f = write(dir, "t.csv", "\uFEFFa,label\r\n1,x\r\n2,y\r\n");
        Result r = prepare(spec(f), allTrain());
        assertThat(r.table().columns()).extracting(c -> c.name).containsExactly("a");
        assertThat(r.pre().classes()).containsExactly("x", "y");
    }

    @Test
    void statisticsComeFromTrainRowsOnly() throws IOException {
        // an explicit test file with huge values: leaking them would move the mean far from 2
        Path train = write(dir, "train.csv", "a,c,label\n1,red,x\n2,red,y\n3,blue,x\n");
        Path test = write(dir, "test.csv", "a,c,label\n1000000,red,x\n2000000,blue,y\n");
        Result r = prepare(spec("csv", train, test, null, List.of(), List.of(), null, null), allTrain());
        assertThat(r.table().columns().get(0).mean).isEqualTo(2.0);
        assertThat(r.sink().rows).extracting(Row::part).containsExactly(Part.TRAIN, Part.TRAIN, Part.TRAIN, Part.TEST, Part.TEST);
    }

    @Test
    void statisticsIgnoreHeldOutRowsOfTheTrainingSource() throws IOException {
        // values of held-out rows (test and validation of the split) are 1000x the training ones
        StringBuilder sb = new StringBuilder("a,c,label\n");
        SplitPlan plan = new SplitPlan(0.25, 4, 3);
        int n = 40;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 2;
        Part[] parts = plan.assign(labels, List.of("p", "q"), "x");
        double sum = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            double v = parts[i] == Part.TRAIN ? i : 1000.0 * i;
            String cat = parts[i] == Part.TRAIN ? "seen" : "held" + i;
            if (parts[i] == Part.TRAIN) {
                sum += v;
                count++;
            }
            sb.append(v).append(',').append(cat).append(',').append(labels[i] == 0 ? "p" : "q").append('\n');
        }
        Path f = write(dir, "t.csv", sb.toString());
        Result r = prepare(spec("csv", f, null, null, List.of(), List.of(), null, "zeros"), plan);
        assertThat(r.table().columns().get(0).mean).isCloseTo(sum / count, within(1e-9));
        assertThat(r.table().columns().get(1).categories).containsExactly("seen");
        // and the sink got the plan's parts, in source order
        assertThat(r.sink().rows).extracting(Row::part).containsExactly(parts);
    }

    @Test
    void splitIsThePlansStratifiedAssignment() throws IOException {
        StringBuilder sb = new StringBuilder("a,label\n");
        List<String> raw = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String l = i % 3 == 0 ? "10" : i % 3 == 1 ? "2" : "9";
            raw.add(l);
            sb.append(i).append(',').append(l).append('\n');
        }
        Path f = write(dir, "t.csv", sb.toString());
        SplitPlan plan = new SplitPlan(0.2, 6, 42);
        Result r = prepare(spec(f), plan);
        List<String> classes = ClassNames.of(raw);
        assertThat(r.pre().classes()).containsExactly("2", "9", "10");
        int[] labels = raw.stream().mapToInt(ClassNames.indexOf(classes)::get).toArray();
        assertThat(r.sink().rows).extracting(Row::part).containsExactly(plan.assign(labels, classes, f.toString()));
        assertThat(r.sink().rows).extracting(Row::label).containsExactly(Arrays.stream(labels).boxed().toArray(Integer[]::new));
        assertThat(r.sink().rows.stream().filter(x -> x.part() == Part.TEST).count()).isEqualTo(12);
        assertThat(r.sink().rows.stream().filter(x -> x.part() == Part.VALIDATION).count()).isEqualTo(6);
    }

    @Test
    void predictionGivesThePreparedFloatsBitForBit() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,c,label\n");
        java.util.Random rnd = new java.util.Random(5);
        for (int i = 0; i < 500; i++) {
            String a = i % 17 == 0 ? "NA" : Double.toString(rnd.nextGaussian() * 1e3 + 0.1);
            String b = String.format(java.util.Locale.ROOT, "%.7e", rnd.nextDouble() / 3);
            String c = i % 11 == 0 ? "" : "k" + rnd.nextInt(5);
            sb.append(a).append(',').append(b).append(',').append(c).append(',').append(i % 2).append('\n');
        }
        Path f = write(dir, "t.csv", sb.toString());
        for (String missing : List.of("mean", "zero")) {
            Result r = prepare(spec("csv", f, null, null, List.of(), List.of(), missing, null), new SplitPlan(0.3, 20, 1));
            // through the JSON the export carries, not the in-memory object
            var back = Preprocessors.read(r.pre().entries(), "test").orElseThrow();
            List<RawExample> read = new ArrayList<>();
            back.read(f, read::add);
            assertThat(read).hasSize(500);
            for (int i = 0; i < 500; i++) {
                float[] p = r.sink().rows.get(i).features();
                float[] q = read.get(i).features();
                for (int k = 0; k < p.length; k++) assertThat(Float.floatToRawIntBits(q[k])).isEqualTo(Float.floatToRawIntBits(p[k]));
                assertThat(read.get(i).label()).isEqualTo(Integer.toString(i % 2));
            }
        }
    }

    @Test
    void leavesNoSpillFilesBehind() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = spills(tmp);
        Path ok = write(dir, "ok.csv", "a,label\n1,x\n2,y\n");
        prepare(spec(ok), allTrain());
        Path bad = write(dir, "bad.csv", "a,label\n1,x\n2\n");
        try {
            prepare(spec(bad), allTrain());
        } catch (RuntimeException expected) {
            // refused; its spill must be gone all the same
        }
        assertThat(spills(tmp)).isEqualTo(before);
    }

    private static long spills(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("distill4j-table-")).count();
        }
    }
}
