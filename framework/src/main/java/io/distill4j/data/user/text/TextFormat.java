package io.distill4j.data.user.text;

import io.distill4j.data.DataException;
import io.distill4j.data.text.WordTokenizer;
import io.distill4j.data.text.WordVocabulary;
import io.distill4j.data.user.ClassNames;
import io.distill4j.data.user.FeatureSink;
import io.distill4j.data.user.Inspection;
import io.distill4j.data.user.Part;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserDataSpec;
import io.distill4j.data.user.UserFormat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The three text layouts as {@link UserFormat}s: {@code jsonl}, {@code text-csv} and {@code text-folders}. They differ
 * only in how records are read ({@link TextSources}); splitting, fitting the vocabulary on the training split alone
 * and encoding are the same, so they live here once.
 */
public final class TextFormat implements UserFormat {
    public static final String JSONL = "jsonl";
    public static final String CSV = "text-csv";
    public static final String FOLDERS = "text-folders";

    private final String name;

    private TextFormat(String name) {
        this.name = name;
    }

    /** JSON Lines: one object a line, the text and label in the fields data.text and data.label. */
    public static TextFormat jsonl() {
        return new TextFormat(JSONL);
    }

    /** CSV with a header: the text and label in the columns data.text and data.label. */
    public static TextFormat csv() {
        return new TextFormat(CSV);
    }

    /** One sub-folder of .txt files per class (aclImdb's train/pos/*.txt). */
    public static TextFormat folders() {
        return new TextFormat(FOLDERS);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Preprocessor prepare(UserDataSpec spec, SplitPlan plan, FeatureSink sink) throws IOException {
        boolean replace = Utf8Text.replaces(spec.malformedText());
        int maxLength = required(spec.maxLength(), "data.maxLength", spec.train());
        List<TextRecord> train = records(spec.train(), spec, replace);
        List<TextRecord> test = spec.test() == null ? List.of() : records(spec.test(), spec, replace);

        List<String> labels = new ArrayList<>(train.size());
        for (TextRecord r : train) labels.add(r.label());
        List<String> classes = ClassNames.of(labels);
        Map<String, Integer> index = ClassNames.indexOf(classes);
        int[] trainClass = labels.stream().mapToInt(index::get).toArray();
        int[] testClass = new int[test.size()];
        for (int i = 0; i < test.size(); i++) {
            Integer c = index.get(test.get(i).label());
            if (c == null) {
                throw new DataException(where(spec.test(), test.get(i)) + ": label '" + test.get(i).label()
                        + "' is not a class of the training data (classes " + classes + ")");
            }
            testClass[i] = c;
        }
        // with a test source of its own the plan's testFraction is 0: it places the validation examples only
        Part[] parts = plan.assign(trainClass, classes, spec.train().toString());

        TextPreprocessor p;
        // a folder-trained model keeps the default names too: its export may be handed a .jsonl or .csv file
        String textField = spec.text();
        String labelField = spec.label();
        if (spec.tokenizer() == null) {
            // counted on the examples trained on only: a word seen only in validation or test falls to UNK, as when deployed
            Map<String, Long> counts = new HashMap<>();
            for (int i = 0; i < train.size(); i++) {
                if (parts[i] == Part.TRAIN) WordTokenizer.forEachToken(train.get(i).text(), t -> counts.merge(t, 1L, Long::sum));
            }
            int vocabSize = required(spec.vocabSize(), "data.vocabSize", spec.train());
            if (vocabSize <= WordVocabulary.SPECIALS) {
                throw new DataException(spec.train() + ": data.vocabSize " + vocabSize + " must be > " + WordVocabulary.SPECIALS + " (PAD, UNK and CLS come first)");
            }
            WordVocabulary vocabulary = WordVocabulary.fromCounts(counts, vocabSize).withTruncation(spec.truncation());
            p = TextPreprocessor.words(vocabulary, maxLength, classes, replace, name, textField, labelField);
        } else {
            p = TextPreprocessor.huggingFace(HuggingFaceIds.load(spec.tokenizer()), maxLength, spec.truncation(), classes,
                    replace, name, textField, labelField);
        }

        sink.begin(maxLength);
        float[] row = new float[maxLength];
        for (int i = 0; i < train.size(); i++) {
            p.encode(train.get(i).text(), row);
            sink.add(parts[i], row, trainClass[i]);
        }
        for (int i = 0; i < test.size(); i++) {
            p.encode(test.get(i).text(), row);
            sink.add(Part.TEST, row, testClass[i]);
        }
        return p;
    }

    /** Every labelled text of {@code source}, held in memory (texts are small next to the 2 GB tables). */
    private List<TextRecord> records(Path source, UserDataSpec spec, boolean replace) {
        List<TextRecord> out = new ArrayList<>();
        switch (name) {
            case JSONL -> TextSources.jsonl(source, spec.text(), spec.label(), true, replace, out::add);
            case CSV -> TextSources.csv(source, spec.text(), spec.label(), true, replace, out::add);
            default -> TextSources.classFolders(source, replace, out::add);
        }
        if (out.isEmpty()) throw new DataException(source + ": holds no examples");
        return out;
    }

    /** A record's place for a message: JSONL/CSV ids name file and line already, a folder's are relative to it. */
    private String where(Path source, TextRecord r) {
        return name.equals(FOLDERS) ? source.resolve(r.id()).toString() : r.id();
    }

    private static int required(Integer value, String key, Path source) {
        if (value == null) throw new DataException(source + ": texts need " + key + " in the config's data section");
        if (value < 1) throw new DataException(source + ": " + key + " must be >= 1, got " + value);
        return value;
    }

    @Override
    public Inspection inspect(Path path) throws IOException {
        return TextInspector.inspect(path);
    }
}
