package io.distill4j.data;

import io.distill4j.config.DataSpec;
import io.distill4j.data.text.WordTokenizer;
import io.distill4j.data.text.WordVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.distill4j.data.ReviewsFixtures.LABELS;
import static io.distill4j.data.ReviewsFixtures.TEXTS;
import static io.distill4j.data.ReviewsFixtures.TINY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextDatasetLoaderTest {
    @TempDir
    Path dir;

    private LoadedDataset load(int trainLimit, int testLimit, int validation, int maxLength, int vocabSize) throws IOException {
        if (!Files.exists(dir.resolve("reviews.json"))) ReviewsFixtures.write(dir);
        return TextDatasetLoader.load(TINY, dir, trainLimit, testLimit, validation, maxLength, vocabSize);
    }

    private static int[] row(LabeledSplit s, int r) {
        float[] f = s.features().getRow(r).toFloatVector();
        int[] ids = new int[f.length];
        for (int i = 0; i < f.length; i++) ids[i] = (int) f[i];
        return ids;
    }

    /** The record a row was encoded from, by its own word r0 ... r11 (-1 when that word is UNK). */
    private static int record(WordVocabulary v, int[] row) {
        return row[1] == WordVocabulary.UNK ? -1 : Integer.parseInt(v.token(row[1]).substring(1));
    }

    private static List<Integer> records(WordVocabulary v, LabeledSplit s) {
        List<Integer> out = new ArrayList<>();
        for (int r = 0; r < s.size(); r++) out.add(record(v, row(s, r)));
        return out;
    }

    private static List<String> rowsAsText(LabeledSplit s) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < s.size(); r++) out.add(Arrays.toString(row(s, r)));
        return out;
    }

    @Test
    void theVocabularyComesFromTheTrainingReviewsByCountThenWord() throws IOException {
        LoadedDataset d = load(0, 0, 0, 5, 100);
        // training records 3, 4, 5, 9, 10, 11: bad x3; !, great, movie, plot x2; the rest once, in String order
        assertThat(d.vocabulary().words()).containsExactly("bad", "!", "great", "movie", "plot", "awful", "good", "it", "loved",
                "r10", "r11", "r3", "r4", "r5", "r9");
        assertThat(d.vocabulary().id("testonly")).as("a test-only word").isEqualTo(WordVocabulary.UNK);
        assertThat(d.info()).isEqualTo(TINY.withSequenceLength(5));
        assertThat(d.train().features().shape()).containsExactly(6, 5);
        assertThat(d.test().features().shape()).containsExactly(6, 5);
        assertThat(d.validation().size()).isZero();
        assertThat(d.validation().features().shape()).containsExactly(0, 5);
        assertThat(d.sha256()).containsOnlyKeys("reviews.json").containsEntry("reviews.json", DatasetLoader.sha256(dir.resolve("reviews.json")));
    }

    @Test
    void rowsAreClsThenTokenIdsCutAtMaxLengthThenPadExactlyAsTheVocabularyEncodesRawText() throws IOException {
        LoadedDataset d = load(0, 0, 0, 5, 100);
        WordVocabulary v = d.vocabulary();
        Map<Integer, int[]> byRecord = new HashMap<>();
        for (int r = 0; r < d.train().size(); r++) {
            int[] ids = row(d.train(), r);
            int record = record(v, ids);
            byRecord.put(record, ids);
            assertThat(ids).isEqualTo(v.encode(TEXTS.get(record), 5, true));
            assertThat(d.train().labels()[r]).isEqualTo(LABELS.get(record));
        }
        assertThat(byRecord).containsOnlyKeys(3, 4, 5, 9, 10, 11);
        // by hand: CLS 2; bad 3, ! 4, great 5, plot 7, awful 8; r10 12, r4 15, r5 16
        assertThat(byRecord.get(4)).as("r4 bad bad plot").containsExactly(2, 15, 3, 3, 7);
        assertThat(byRecord.get(10)).as("r10 great great plot").containsExactly(2, 12, 5, 5, 7);
        assertThat(byRecord.get(5)).as("r5 awful!").containsExactly(2, 16, 8, 4, 0);
        List<String> expectedTest = new ArrayList<>();
        for (int record : List.of(0, 1, 2, 6, 7, 8)) expectedTest.add(Arrays.toString(v.encode(TEXTS.get(record), 5, true)));
        assertThat(rowsAsText(d.test())).containsExactlyInAnyOrderElementsOf(expectedTest);
        assertThat(Arrays.stream(d.test().labels()).sum()).isEqualTo(3);
        // a test row: r0 and dull are unknown
        assertThat(rowsAsText(d.test())).contains(Arrays.toString(new int[]{2, 1, 1, 0, 0}));
        assertThat(testRecord(v, new int[]{2, 1, 1, 0, 0})).isEqualTo(1);
    }

    @Test
    void aTailTruncationKeepsTheEndOfEachReviewExactlyAsTheVocabularyEncodesRawText() throws IOException {
        ReviewsFixtures.write(dir);
        LoadedDataset d = TextDatasetLoader.load(TINY, dir, 0, 0, 0, 3, 100, io.distill4j.data.text.Truncation.TAIL);
        WordVocabulary v = d.vocabulary();
        assertThat(v.truncation()).isEqualTo(io.distill4j.data.text.Truncation.TAIL);
        assertThat(v.words()).as("counted over whole reviews, as with the head")
                .isEqualTo(load(0, 0, 0, 5, 100).vocabulary().words());
        List<String> expected = new ArrayList<>();
        for (int record : List.of(3, 4, 5, 9, 10, 11)) expected.add(Arrays.toString(v.encode(TEXTS.get(record), 3, true)));
        assertThat(rowsAsText(d.train())).containsExactlyInAnyOrderElementsOf(expected);
        // r4 "bad bad plot" keeps "bad plot" (ids 3, 7); with the head it kept "r4 bad"
        assertThat(rowsAsText(d.train())).contains(Arrays.toString(new int[]{2, 3, 7}));
        List<String> expectedTest = new ArrayList<>();
        for (int record : List.of(0, 1, 2, 6, 7, 8)) expectedTest.add(Arrays.toString(v.encode(TEXTS.get(record), 3, true)));
        assertThat(rowsAsText(d.test())).containsExactlyInAnyOrderElementsOf(expectedTest);
    }

    @Test
    void validationIsTheLastOfTheShuffledTrainingReviewsAndItsWordsStayOutOfTheVocabulary() throws IOException {
        LoadedDataset d = load(0, 0, 2, 6, 100);
        WordVocabulary v = d.vocabulary();
        assertThat(d.train().size()).isEqualTo(4);
        assertThat(d.validation().size()).isEqualTo(2);
        List<Integer> trained = records(v, d.train());
        assertThat(trained).doesNotContain(-1).doesNotHaveDuplicates().isSubsetOf(3, 4, 5, 9, 10, 11);
        for (int r = 0; r < 2; r++) assertThat(row(d.validation(), r)[1]).as("a validation review's own word is unknown").isEqualTo(WordVocabulary.UNK);
        // the vocabulary is exactly that of the four training reviews
        Map<String, Long> counts = new HashMap<>();
        for (int record : trained) WordTokenizer.forEachToken(TEXTS.get(record), t -> counts.merge(t, 1L, Long::sum));
        assertThat(v).isEqualTo(WordVocabulary.fromCounts(counts, 100));
        // and the two held out are the other two training reviews, encoded by that vocabulary
        Set<Integer> heldOut = new HashSet<>(List.of(3, 4, 5, 9, 10, 11));
        trained.forEach(heldOut::remove);
        List<String> expected = new ArrayList<>();
        for (int record : heldOut) expected.add(Arrays.toString(v.encode(TEXTS.get(record), 6, true)));
        assertThat(rowsAsText(d.validation())).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theShuffleIsFixedSoEveryRunSeesTheSameSplit() throws IOException {
        LoadedDataset a = load(0, 0, 0, 5, 100);
        LoadedDataset b = load(0, 0, 0, 5, 100);
        assertThat(a.train().features()).isEqualTo(b.train().features());
        assertThat(a.test().features()).isEqualTo(b.test().features());
        // pinned: the training order of TRAIN_ORDER_SEED; changing the seed or the permutation changes every IMDB split
        assertThat(records(a.vocabulary(), a.train())).containsExactly(4, 3, 9, 5, 11, 10);
    }

    @Test
    void limitsKeepTheFirstOfTheShuffledSplitsAndValidationTheLastOfTheKept() throws IOException {
        LoadedDataset all = load(0, 0, 0, 5, 100);
        LoadedDataset limited = load(4, 2, 1, 5, 100);
        assertThat(limited.train().size()).isEqualTo(3);
        assertThat(limited.validation().size()).isEqualTo(1);
        assertThat(limited.test().size()).isEqualTo(2);
        assertThat(records(limited.vocabulary(), limited.train())).isEqualTo(records(all.vocabulary(), all.train()).subList(0, 3));
        // test reviews' own words are unknown to any vocabulary: tell them apart by their other words
        for (int r = 0; r < 2; r++) {
            int record = testRecord(all.vocabulary(), row(all.test(), r));
            assertThat(row(limited.test(), r)).isEqualTo(limited.vocabulary().encode(TEXTS.get(record), 5, true));
        }
        assertThat(limited.vocabulary().size()).isLessThan(all.vocabulary().size());
    }

    /** The one test record that {@code v} encodes as {@code row}. */
    private static int testRecord(WordVocabulary v, int[] row) {
        List<Integer> matches = new ArrayList<>();
        for (int record : List.of(0, 1, 2, 6, 7, 8)) {
            if (Arrays.equals(v.encode(TEXTS.get(record), row.length, true), row)) matches.add(record);
        }
        assertThat(matches).hasSize(1);
        return matches.get(0);
    }

    @Test
    void theVocabularySizeCapsTheIdsAndTheRestAreUnknown() throws IOException {
        LoadedDataset d = load(0, 0, 0, 5, 5);
        assertThat(d.vocabulary().words()).containsExactly("bad", "!");
        for (int r = 0; r < d.train().size(); r++) assertThat(Arrays.stream(row(d.train(), r)).max().getAsInt()).isLessThan(5);
    }

    @Test
    void aFileOutOfTheAclImdbOrderIsRefusedNamingTheRecord() throws IOException {
        List<Integer> labels = new ArrayList<>(LABELS);
        labels.set(3, 1);
        Path f = ReviewsFixtures.write(dir, TEXTS, labels);
        assertThatThrownBy(() -> TextDatasetLoader.load(TINY, dir, 0, 0, 0, 5, 100)).isInstanceOf(DataException.class)
                .hasMessage(f + ": record 3 has \"s\" 1, but the aclImdb order puts negative reviews (s 0) in records [0, 6)");
        labels.set(3, 0);
        labels.set(11, 0);
        ReviewsFixtures.write(dir, TEXTS, labels);
        assertThatThrownBy(() -> TextDatasetLoader.load(TINY, dir, 0, 0, 0, 5, 100)).isInstanceOf(DataException.class)
                .hasMessage(f + ": record 11 has \"s\" 0, but the aclImdb order puts positive reviews (s 1) in records [6, 12)");
    }

    @Test
    void theWrongNumberOfReviewsIsRefused() throws IOException {
        Path f = ReviewsFixtures.write(dir, TEXTS.subList(0, 11), LABELS.subList(0, 11));
        assertThatThrownBy(() -> TextDatasetLoader.load(TINY, dir, 0, 0, 0, 5, 100)).isInstanceOf(DataException.class)
                .hasMessage(f + ": holds 11 records; expected 12");
    }

    @Test
    void validationMustLeaveTrainingExamples() throws IOException {
        ReviewsFixtures.write(dir);
        assertThatThrownBy(() -> load(0, 0, 6, 5, 100)).isInstanceOf(DataException.class)
                .hasMessage(dir.resolve("reviews.json") + ": data.validation 6 must be in [0, 6) for its 6 training examples");
        assertThatThrownBy(() -> load(3, 0, 3, 5, 100)).isInstanceOf(DataException.class)
                .hasMessage(dir.resolve("reviews.json") + ": data.validation 3 must be in [0, 3) for its 3 training examples");
    }

    @Test
    void imdbLoadsThroughTheConfigsDataSectionOnly() throws IOException {
        Path root = dir.resolve("imdb");
        DataSpec spec = new DataSpec("imdb", root.toString(), 0, 0, 0, 16, 100);
        assertThatThrownBy(() -> DatasetLoader.load(spec.request())).isInstanceOf(DataException.class)
                .hasMessage("imdb data not found in " + root + " (missing reviews.json); fetch it with: scripts/fetch-data imdb");
        Path f = ReviewsFixtures.write(root);
        assertThatThrownBy(() -> DatasetLoader.load(spec.request())).isInstanceOf(DataException.class)
                .as("the count is checked before the order, which a wrong count would make meaningless")
                .hasMessage(f + ": holds 12 records; expected 50000");
        assertThatThrownBy(() -> DatasetLoader.load("imdb", root, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("imdb is a text dataset: load it with load(DataRequest)");
        assertThatThrownBy(() -> DatasetLoader.load(new DataSpec("imdb", root.toString(), 0, 0, 0).request())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("imdb is a text dataset: data.maxLength and data.vocabSize are required");
    }
}
