package io.distill4j.data;

import io.distill4j.data.text.WordTokenizer;
import io.distill4j.data.text.Truncation;
import io.distill4j.data.text.WordVocabulary;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Loads a text dataset in the aclImdb layout: one file of {@code 4 * block} labelled texts ({@link ReviewsJson}) in four
 * equal blocks, test/negative, train/negative, test/positive, train/positive (IMDB: blocks of 12,500). The order is
 * checked, since the split is taken by index and a reordered file would silently mix test reviews into training.
 *
 * <p>Each split is shuffled with a fixed seed before anything is taken from it, because the raw order is all negatives
 * then all positives: a limit keeps the first N of the shuffled split, and validation is the last {@code validation} of
 * the kept training examples, so both hold both classes. The seeds are constants, not the run's seed: every run, seed
 * and recipe sees the same split.
 *
 * <p>The vocabulary is built from the training examples models fit on, validation excluded: validation should score
 * the way test does, with words the training text never showed falling to UNK. Every example is encoded by that
 * vocabulary as {@code [CLS, tokens..., PAD...]}, {@code maxLength} ids in all, exactly as
 * {@link WordVocabulary#encode(String, int, boolean)} encodes raw text with {@code cls = true} (CLS is always there so that a
 * model may pool either the CLS position or the mean). Features are those ids as floats, {@code [n, maxLength]}.
 *
 * <p>The file is read once: each kept text is tokenized once, its tokens are counted (training examples only) under
 * provisional ids, and its first tokens are stored as provisional ids in the feature array, which is rewritten in place
 * to vocabulary ids once all training text has been counted.
 */
final class TextDatasetLoader {
    /** Every encoded example starts with {@link WordVocabulary#CLS}. */
    static final boolean CLS_FIRST = true;
    /** Fixed shuffles of the training and test splits (see the class comment); changing them changes every IMDB result. */
    static final long TRAIN_ORDER_SEED = 2011;
    static final long TEST_ORDER_SEED = 2012;
    /** Provisional ids are stored in floats, which hold integers exactly up to 2^24. */
    private static final int MAX_DISTINCT_WORDS = (1 << 24) - 1;

    private static final byte NONE = 0;
    private static final byte TRAIN = 1;
    private static final byte VALIDATION = 2;
    private static final byte TEST = 3;

    private TextDatasetLoader() {
    }

    static LoadedDataset load(DatasetInfo info, Path root, int trainLimit, int testLimit, int validation, int maxLength, int vocabSize) {
        return load(info, root, trainLimit, testLimit, validation, maxLength, vocabSize, Truncation.HEAD);
    }

    static LoadedDataset load(DatasetInfo info, Path root, int trainLimit, int testLimit, int validation, int maxLength, int vocabSize,
                              Truncation truncation) {
        Path file = root.resolve(info.textFile());
        if (info.trainExamples() != info.testExamples() || info.trainExamples() % 2 != 0) {
            throw new IllegalStateException(info.name() + ": the aclImdb layout needs equal, even train and test counts");
        }
        int block = info.trainExamples() / 2;
        int total = 4 * block;
        int kept = limited(trainLimit, info.trainExamples());
        if (validation < 0 || validation >= kept) {
            throw new DataException(file + ": data.validation " + validation + " must be in [0, " + kept + ") for its " + kept
                    + " training examples");
        }
        int fit = kept - validation;
        int tested = limited(testLimit, info.testExamples());

        // where each record goes: its split and row, decided before reading so the file is read once
        byte[] role = new byte[total];
        int[] row = new int[total];
        int[] trainOrder = EpochCursor.permutation(TRAIN_ORDER_SEED, 0, info.trainExamples());
        for (int pos = 0; pos < kept; pos++) {
            int record = trainRecord(trainOrder[pos], block);
            role[record] = pos < fit ? TRAIN : VALIDATION;
            row[record] = pos < fit ? pos : pos - fit;
        }
        int[] testOrder = EpochCursor.permutation(TEST_ORDER_SEED, 0, info.testExamples());
        for (int pos = 0; pos < tested; pos++) {
            int record = testRecord(testOrder[pos], block);
            role[record] = TEST;
            row[record] = pos;
        }

        Encoded train = new Encoded(fit, maxLength, truncation);
        Encoded held = new Encoded(validation, maxLength, truncation);
        Encoded test = new Encoded(tested, maxLength, truncation);
        Words words = new Words(file);
        int[] firstOutOfOrder = {-1};   // reported once the count is known to be right: a wrong count explains it better
        ReviewsJson.read(file, total, (index, text, label) -> {
            if (label != (index / block < 2 ? 0 : 1) && firstOutOfOrder[0] < 0) firstOutOfOrder[0] = index;
            switch (role[index]) {
                case TRAIN -> train.add(row[index], text, label, words, true);
                case VALIDATION -> held.add(row[index], text, label, words, false);
                case TEST -> test.add(row[index], text, label, words, false);
                default -> { }   // beyond a limit: not even tokenized
            }
        });
        if (firstOutOfOrder[0] >= 0) {
            int index = firstOutOfOrder[0];
            boolean negative = index < 2 * block;
            throw new DataException(file + ": record " + index + " has \"s\" " + (negative ? 1 : 0) + ", but the aclImdb order puts "
                    + (negative ? "negative reviews (s 0) in records [0, " + 2 * block + ")"
                    : "positive reviews (s 1) in records [" + 2 * block + ", " + total + ")"));
        }
        WordVocabulary vocabulary = WordVocabulary.fromCounts(words.counts(), vocabSize).withTruncation(truncation);
        int[] vocabularyId = words.vocabularyIds(vocabulary);
        SortedMap<String, String> sha = new TreeMap<>();
        sha.put(info.textFile(), DatasetLoader.sha256(file));
        return new LoadedDataset(info.withSequenceLength(maxLength), train.toSplit(vocabularyId, info.numClasses()),
                held.toSplit(vocabularyId, info.numClasses()), test.toSplit(vocabularyId, info.numClasses()),
                java.util.Collections.unmodifiableSortedMap(sha), vocabulary);
    }

    private static int limited(int limit, int all) {
        return limit > 0 ? Math.min(limit, all) : all;
    }

    /** Training example {@code i} (negatives first) is record {@code block + i} or {@code 3 block + (i - block)}. */
    private static int trainRecord(int i, int block) {
        return i < block ? block + i : 2 * block + i;
    }

    /** Test example {@code i} (negatives first) is record {@code i} or {@code 2 block + (i - block)}. */
    private static int testRecord(int i, int block) {
        return i < block ? i : block + i;
    }

    /** Every distinct token seen, under a provisional id, with its count in the training examples. */
    private static final class Words {
        private final Path file;
        private final Map<String, Integer> ids = new HashMap<>();
        private final List<String> byId = new ArrayList<>();
        private int[] counts = new int[1 << 16];

        Words(Path file) {
            this.file = file;
        }

        int id(String token, boolean count) {
            Integer id = ids.get(token);
            if (id == null) {
                if (byId.size() == MAX_DISTINCT_WORDS) {
                    throw new DataException(file + ": more than " + MAX_DISTINCT_WORDS + " distinct words; expected natural-language text");
                }
                id = byId.size();
                ids.put(token, id);
                byId.add(token);
                if (id == counts.length) counts = Arrays.copyOf(counts, 2 * counts.length);
            }
            if (count) counts[id]++;
            return id;
        }

        Map<String, Long> counts() {
            Map<String, Long> out = new HashMap<>();
            for (int i = 0; i < byId.size(); i++) if (counts[i] > 0) out.put(byId.get(i), (long) counts[i]);
            return out;
        }

        /** Vocabulary id of every provisional id (UNK for words the vocabulary left out). */
        int[] vocabularyIds(WordVocabulary vocabulary) {
            int[] out = new int[byId.size()];
            for (int i = 0; i < out.length; i++) out[i] = vocabulary.id(byId.get(i));
            return out;
        }
    }

    /** One split's rows: CLS, then provisional id + 1 per stored token (0 stays PAD), until {@link #toSplit} maps them. */
    private static final class Encoded {
        private final int maxLength;
        private final Truncation truncation;
        private final float[] features;
        private final int[] labels;
        /** One text's provisional ids (+ 1), reused: the truncation picks from all of them. */
        private int[] tokens = new int[1024];
        private final int[] kept;

        Encoded(int rows, int maxLength, Truncation truncation) {
            this.maxLength = maxLength;
            this.truncation = truncation;
            this.kept = new int[maxLength];
            this.features = new float[Math.multiplyExact(rows, maxLength)];
            this.labels = new int[rows];
        }

        void add(int r, String text, int label, Words words, boolean count) {
            labels[r] = label;
            int base = r * maxLength;
            int first = CLS_FIRST ? 1 : 0;
            if (CLS_FIRST) features[base] = WordVocabulary.CLS;
            int[] n = {0};
            WordTokenizer.forEachToken(text, token -> {
                // every training token is counted; the truncation then picks the ones kept
                if (n[0] == tokens.length) tokens = Arrays.copyOf(tokens, 2 * n[0]);
                tokens[n[0]++] = words.id(token, count) + 1;
            });
            int stored = truncation.keep(tokens, n[0], maxLength - first, kept, 0);
            for (int j = 0; j < stored; j++) features[base + first + j] = kept[j];
        }

        LabeledSplit toSplit(int[] vocabularyId, int numClasses) {
            int first = CLS_FIRST ? 1 : 0;
            for (int base = 0; base < features.length; base += maxLength) {
                for (int j = base + first; j < base + maxLength; j++) {
                    int provisional = (int) features[j];
                    if (provisional == 0) break;   // PAD to the end of the row
                    features[j] = vocabularyId[provisional - 1];
                }
            }
            return new LabeledSplit(labels.length == 0 ? Nd4j.create(DataType.FLOAT, 0, maxLength)
                    : Nd4j.create(features, new long[]{labels.length, maxLength}, 'c'), labels, numClasses);
        }
    }
}
