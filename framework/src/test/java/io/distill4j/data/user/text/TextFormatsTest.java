package io.distill4j.data.user.text;

import io.distill4j.data.text.WordVocabulary;
import io.distill4j.data.user.Part;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.Preprocessors;
import io.distill4j.data.user.RawExample;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserFormats;
import io.distill4j.data.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.distill4j.data.user.text.TextFiles.spec;
import static io.distill4j.data.user.text.TextFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

class TextFormatsTest {
    @TempDir
    Path dir;

    private static final SplitPlan NO_SPLIT = new SplitPlan(0, 0, 1);

    @Test
    void theThreeFormatsAreRegistered() {
        assertThat(UserFormats.names()).contains("jsonl", "text-csv", "text-folders");
        assertThat(UserFormats.get("jsonl")).isInstanceOf(TextFormat.class);
        assertThat(UserFormats.get("text-csv").name()).isEqualTo("text-csv");
        assertThat(UserFormats.get("text-folders").name()).isEqualTo("text-folders");
    }

    @Test
    void jsonlReadsTextAndStringOrNumberLabelsAndItsTestSource() throws Exception {
        Path train = write(dir.resolve("train.jsonl"), """
                {"text": "good movie", "label": 1}
                {"text": "bad movie", "label": 0}

                {"text": "good good plot", "label": "1", "extra": true}
                {"text": "bad plot", "label": 0}
                """);
        Path test = write(dir.resolve("test.jsonl"), "{\"text\": \"good\", \"label\": 1}\r\n{\"text\": \"bad unseen\", \"label\": 0}\n");
        CollectingSink sink = new CollectingSink();
        Preprocessor p = TextFormat.jsonl().prepare(spec("jsonl", train, test, 5, 100), NO_SPLIT, sink);

        assertThat(p.classes()).containsExactly("0", "1");
        assertThat(sink.width).isEqualTo(5);
        assertThat(sink.labels.get(Part.TRAIN)).containsExactly(1, 0, 1, 0);
        assertThat(sink.labels.get(Part.TEST)).containsExactly(1, 0);
        // counts: good 3, bad 2, movie 2, plot 2 -> good 3, then by word: bad 4, movie 5, plot 6
        assertThat(sink.rows(Part.TRAIN).get(0)).containsExactly(WordVocabulary.CLS, 3, 5, 0, 0);
        assertThat(sink.rows(Part.TEST).get(1)).containsExactly(WordVocabulary.CLS, 4, WordVocabulary.UNK, 0, 0);
        assertThat(p.shape()).isEqualTo(InputShape.text(5, 7));
        assertThat(sink.order).containsExactly(Part.TRAIN, Part.TRAIN, Part.TRAIN, Part.TRAIN, Part.TEST, Part.TEST);
    }

    @Test
    void textCsvReadsQuotedMultiLineFieldsAndNamedColumns() throws Exception {
        Path train = write(dir.resolve("train.csv"), """
                id,review,sentiment
                1,"great film, truly
                great",pos
                2,"awful ""film""\",neg
                3,great,pos
                4,awful,neg
                """);
        var s = new io.distill4j.data.user.UserDataSpec("text-csv", train, null, 0, 0, 0, "sentiment", "review", null, null,
                null, null, null, null, null, null, 6, 50, null, null);
        CollectingSink sink = new CollectingSink();
        Preprocessor p = TextFormat.csv().prepare(s, NO_SPLIT, sink);
        assertThat(p.classes()).containsExactly("neg", "pos");
        assertThat(sink.labels.get(Part.TRAIN)).containsExactly(1, 0, 1, 0);
        // great 3, awful 2, film 2, truly 1 -> great 3, awful 4, film 5, truly 6
        assertThat(sink.rows(Part.TRAIN).get(0)).containsExactly(2, 3, 5, 6, 3, 0);
        assertThat(sink.rows(Part.TRAIN).get(1)).containsExactly(2, 4, 5, 0, 0, 0);

        List<RawExample> read = new ArrayList<>();
        p.read(train, read::add);
        assertThat(read).extracting(RawExample::id).containsExactly(train + ":2", train + ":4", train + ":5", train + ":6");
        assertThat(read).extracting(RawExample::label).containsExactly("pos", "neg", "pos", "neg");
    }

    @Test
    void textFoldersTakeClassFoldersSortedSkippingDotFilesAndLooseFiles() throws Exception {
        Path train = dir.resolve("train");
        write(train.resolve("pos/2.txt"), "great plot");
        write(train.resolve("pos/10.txt"), "great");
        write(train.resolve("pos/.hidden.txt"), "ignored words");
        write(train.resolve("neg/1.txt"), "awful");
        write(train.resolve("urls_pos.txt"), "http://not.an.example");
        write(train.resolve(".git/x.txt"), "not a class");
        Path test = dir.resolve("test");
        write(test.resolve("pos/5.txt"), "great");
        write(test.resolve("neg/6.txt"), "awful plot");
        CollectingSink sink = new CollectingSink();
        Preprocessor p = TextFormat.folders().prepare(spec("text-folders", train, test, 4, 50), NO_SPLIT, sink);
        assertThat(p.classes()).containsExactly("neg", "pos");
        // neg/1, pos/10, pos/2 (names sorted as text)
        assertThat(sink.labels.get(Part.TRAIN)).containsExactly(0, 1, 1);
        assertThat(sink.rows(Part.TRAIN).get(1)).containsExactly(2, 3, 0, 0);   // great: 2 -> id 3
        assertThat(sink.labels.get(Part.TEST)).containsExactly(0, 1);

        List<RawExample> read = new ArrayList<>();
        p.read(test, read::add);
        assertThat(read).extracting(RawExample::id).containsExactly("neg/6.txt", "pos/5.txt");
        assertThat(read).extracting(RawExample::label).containsExactly("neg", "pos");
        read.clear();
        p.read(test.resolve("pos"), read::add);   // a folder of .txt files: unlabelled
        assertThat(read).extracting(RawExample::id).containsExactly("5.txt");
        assertThat(read.get(0).label()).isNull();
        read.clear();
        p.read(test.resolve("neg/6.txt"), read::add);   // one .txt file
        assertThat(CollectingSink.ints(read.get(0).features())).containsExactly(sink.rows(Part.TEST).get(0));
    }

    @Test
    void withoutATestSourceTheStratifiedPlanPlacesEveryExample() throws Exception {
        StringBuilder lines = new StringBuilder();
        int[] labels = new int[30];
        for (int i = 0; i < 30; i++) {
            labels[i] = i % 3 == 0 ? 0 : 1;
            lines.append("{\"text\": \"w").append(i).append(" common\", \"label\": \"").append(labels[i] == 0 ? "a" : "b").append("\"}\n");
        }
        Path train = write(dir.resolve("all.jsonl"), lines.toString());
        SplitPlan plan = new SplitPlan(0.2, 4, 99);
        CollectingSink sink = new CollectingSink();
        TextFormat.jsonl().prepare(spec("jsonl", train, null, 0.2, 4, null, 3, 100, null, null), plan, sink);
        Part[] expected = plan.assign(labels, List.of("a", "b"), train.toString());
        assertThat(sink.order).containsExactly(expected);
        assertThat(sink.rows(Part.TEST)).hasSize(6);          // 20% of 10 and of 20
        assertThat(sink.rows(Part.VALIDATION)).hasSize(4);
        List<Integer> testLabels = new ArrayList<>();
        for (int i = 0; i < 30; i++) if (expected[i] == Part.TEST) testLabels.add(labels[i]);
        assertThat(sink.labels.get(Part.TEST)).isEqualTo(testLabels);
        assertThat(testLabels.stream().filter(l -> l == 0).count()).isEqualTo(2);   // stratified: 2 of class a, 4 of b
    }

    @Test
    void theVocabularyComesFromTrainingTextsOnly() throws Exception {
        // every example has a word of its own, w0 ... w11, and the word "shared"
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 12; i++) lines.append("{\"text\": \"shared w").append(i).append("\", \"label\": \"").append(i % 2).append("\"}\n");
        Path train = write(dir.resolve("train.jsonl"), lines.toString());
        Path test = write(dir.resolve("test.jsonl"), "{\"text\": \"testonly shared\", \"label\": \"1\"}\n");
        CollectingSink sink = new CollectingSink();
        // 4 of the 12 are held out for validation: their words are not counted either
        Preprocessor p = TextFormat.jsonl().prepare(spec("jsonl", train, test, 0, 4, null, 3, 100, null, null),
                new SplitPlan(0, 4, 3), sink);
        WordVocabulary v = WordVocabulary.read(new java.io.ByteArrayInputStream(p.entries().get(WordVocabulary.FILE_NAME)), "entry");
        assertThat(v.words()).hasSize(1 + 8).contains("shared").doesNotContain("testonly");
        assertThat(sink.rows(Part.TEST).get(0)).containsExactly(WordVocabulary.CLS, WordVocabulary.UNK, v.id("shared"));
        assertThat(sink.rows(Part.VALIDATION)).hasSize(4)
                .allSatisfy(row -> assertThat(row).containsExactly(WordVocabulary.CLS, v.id("shared"), WordVocabulary.UNK));
        assertThat(sink.rows(Part.TRAIN)).hasSize(8).allSatisfy(row -> assertThat(row[2]).isGreaterThan(WordVocabulary.CLS));
    }

    @Test
    void predictionReadsTheSameIdsAsPreparation() throws Exception {
        Path train = write(dir.resolve("train.jsonl"), """
                {"text": "a long review of a good movie that goes on and on", "label": "pos"}
                {"text": "bad bad bad", "label": "neg"}
                """);
        Path test = write(dir.resolve("test.jsonl"), """
                {"text": "a good movie goes on", "label": "pos"}
                {"text": "unknown bad words, bad!", "label": "neg"}
                {"text": "", "label": "neg"}
                """);
        for (var truncation : io.distill4j.data.text.Truncation.values()) {
            CollectingSink sink = new CollectingSink();
            Preprocessor p = TextFormat.jsonl().prepare(spec("jsonl", train, test, 0, 0, null, 4, 100, truncation, null), NO_SPLIT, sink);
            Preprocessor back = Preprocessors.read(p.entries(), "model.zip").orElseThrow();
            List<RawExample> read = new ArrayList<>();
            back.read(test, read::add);
            assertThat(read).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(CollectingSink.ints(read.get(i).features())).as(truncation + " row " + i).containsExactly(sink.rows(Part.TEST).get(i));
            }
            assertThat(read).extracting(RawExample::id).containsExactly(test + ":1", test + ":2", test + ":3");
            assertThat(read).extracting(RawExample::label).containsExactly("pos", "neg", "neg");
            // the empty text is allowed: CLS alone
            assertThat(sink.rows(Part.TEST).get(2)).containsExactly(WordVocabulary.CLS, 0, 0, 0);
            assertThat(back.shape()).isEqualTo(p.shape());
            assertThat(back.classes()).isEqualTo(p.classes());
            assertThat(back.entries()).containsOnlyKeys(Preprocessor.ENTRY, WordVocabulary.FILE_NAME);
            assertThat(new String(back.entries().get(Preprocessor.ENTRY))).isEqualTo(new String(p.entries().get(Preprocessor.ENTRY)));
        }
    }
}
