package io.distill4j.data.user.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.data.DataException;
import io.distill4j.data.text.Truncation;
import io.distill4j.data.text.WordVocabulary;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.RawExample;
import io.distill4j.data.InputShape;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Texts to rows of {@code maxLength} token ids (as floats), by the word vocabulary fitted on the training texts or by
 * the user's Hugging Face tokenizer. Its entries carry the vocabulary or the tokenizer file itself, so an exported
 * student encodes raw text exactly as the run encoded its test split.
 *
 * <p>{@code preprocessing.json}: {@code {"version": 1, "kind": "text", "classes": [...], "tokenizer": "word" |
 * "huggingface", "maxLength": n, "truncation": "head", "vocabularySize": n, "malformedText": "error",
 * "format": "jsonl", "text": "text", "label": "label"}} plus {@code vocabulary.json} or {@code tokenizer.json}.
 * An empty text is allowed: it gives the CLS id alone (the word vocabulary) or the tokenizer's special tokens.
 */
public final class TextPreprocessor implements Preprocessor {
    public static final String KIND = "text";
    static final String WORD = "word";
    static final String HUGGING_FACE = "huggingface";
    /** The layout name of the built-in IMDB reviews. */
    static final String BUILT_IN = "builtin";

    /** The largest maxLength an export may carry: the range of data.maxLength. */
    static final int MAX_LENGTH = 65_536;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<String> classes;
    private final int maxLength;
    private final Truncation truncation;
    private final boolean replace;
    private final String format;
    private final String textField;
    private final String labelField;
    private final WordVocabulary vocabulary;   // exactly one of these two
    private final HuggingFaceIds tokenizer;

    private TextPreprocessor(List<String> classes, int maxLength, Truncation truncation, boolean replace, String format,
                             String textField, String labelField, WordVocabulary vocabulary, HuggingFaceIds tokenizer) {
        if (maxLength < 1) throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
        this.classes = List.copyOf(classes);
        this.maxLength = maxLength;
        this.truncation = truncation;
        this.replace = replace;
        this.format = format;
        this.textField = textField;
        this.labelField = labelField;
        this.vocabulary = vocabulary == null ? null : vocabulary.withTruncation(truncation);
        this.tokenizer = tokenizer;
    }

    /** The built-in word vocabulary: CLS, then the words' ids, as the IMDB path encodes. */
    static TextPreprocessor words(WordVocabulary vocabulary, int maxLength, List<String> classes, boolean replace, String format,
                                  String textField, String labelField) {
        return new TextPreprocessor(classes, maxLength, vocabulary.truncation(), replace, format, textField, labelField, vocabulary, null);
    }

    /** The user's tokenizer, with its own special tokens. */
    static TextPreprocessor huggingFace(HuggingFaceIds tokenizer, int maxLength, Truncation truncation, List<String> classes,
                                        boolean replace, String format, String textField, String labelField) {
        return new TextPreprocessor(classes, maxLength, truncation, replace, format, textField, labelField, null, tokenizer);
    }

    /**
     * The preprocessing of the built-in IMDB dataset (its loader's vocabulary, data.maxLength and data.truncation):
     * the same ids for the same text as the loader stored, so an IMDB student's export classifies raw reviews like a
     * user-data one.
     */
    public static TextPreprocessor builtIn(WordVocabulary vocabulary, int maxLength, Truncation truncation, List<String> classes) {
        return words(vocabulary.withTruncation(truncation), maxLength, classes, false, BUILT_IN, "text", "label");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public InputShape shape() {
        return InputShape.text(maxLength, vocabularySize());
    }

    int maxLength() {
        return maxLength;
    }

    int vocabularySize() {
        return vocabulary != null ? vocabulary.size() : tokenizer.vocabularySize();
    }

    /** The row of {@code text}: {@code maxLength} ids as floats. */
    public float[] encode(String text) {
        float[] row = new float[maxLength];
        encode(text, row);
        return row;
    }

    /** Writes the ids of {@code text} into {@code row}, which has {@code maxLength} places. */
    void encode(String text, float[] row) {
        int[] ids = vocabulary != null ? vocabulary.encode(text, maxLength, true) : tokenizer.encode(text, maxLength, truncation);
        for (int i = 0; i < maxLength; i++) row[i] = ids[i];
    }

    @Override
    public Map<String, byte[]> entries() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", FORMAT_VERSION);
        root.put("kind", KIND);
        classes.forEach(root.putArray("classes")::add);
        root.put("tokenizer", vocabulary != null ? WORD : HUGGING_FACE);
        root.put("maxLength", maxLength);
        root.put("truncation", truncation.key());
        root.put("vocabularySize", vocabularySize());
        root.put("malformedText", replace ? "replace" : "error");
        root.put("format", format);
        root.put("text", textField);
        root.put("label", labelField);
        Map<String, byte[]> out = new TreeMap<>();
        try {
            out.put(ENTRY, JSON.writeValueAsBytes(root));
            if (vocabulary != null) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                vocabulary.writeTo(bytes);
                out.put(WordVocabulary.FILE_NAME, bytes.toByteArray());
            } else {
                out.put(HuggingFaceIds.FILE_NAME, tokenizer.bytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The {@link io.distill4j.data.user.Preprocessors} reader of kind {@code text}. */
    public static TextPreprocessor fromEntries(JsonNode json, Map<String, byte[]> entries, String source) {
        String where = source + ": entry " + ENTRY;
        List<String> classes = new ArrayList<>();
        for (JsonNode c : json.path("classes")) classes.add(c.asText());
        if (classes.isEmpty()) throw new DataException(where + ": \"classes\" missing or empty");
        int maxLength = json.path("maxLength").asInt(0);
        if (maxLength < 1 || maxLength > MAX_LENGTH) {
            throw new DataException(where + ": \"maxLength\" " + json.path("maxLength") + ", expected an integer in [1, " + MAX_LENGTH + "]");
        }
        Truncation truncation = Truncation.byKey(json.path("truncation").asText("head")).orElseThrow(() ->
                new DataException(where + ": truncation " + json.path("truncation") + " is unknown (expected one of " + Truncation.keys() + ")"));
        boolean replace = "replace".equals(json.path("malformedText").asText());
        String format = json.path("format").asText(BUILT_IN);
        String text = json.path("text").asText("text");
        String label = json.path("label").asText("label");
        String tokenizer = json.path("tokenizer").asText("");
        TextPreprocessor p = switch (tokenizer) {
            case WORD -> {
                byte[] v = entry(entries, WordVocabulary.FILE_NAME, where);
                yield words(WordVocabulary.read(new ByteArrayInputStream(v), source + ": entry " + WordVocabulary.FILE_NAME)
                        .withTruncation(truncation), maxLength, classes, replace, format, text, label);
            }
            case HUGGING_FACE -> huggingFace(HuggingFaceIds.of(entry(entries, HuggingFaceIds.FILE_NAME, where),
                    source + ": entry " + HuggingFaceIds.FILE_NAME), maxLength, truncation, classes, replace, format, text, label);
            default -> throw new DataException(where + ": tokenizer " + json.path("tokenizer") + " is unknown (expected \"" + WORD
                    + "\" or \"" + HUGGING_FACE + "\")");
        };
        if (json.has("vocabularySize") && json.path("vocabularySize").asInt() != p.vocabularySize()) {
            throw new DataException(where + ": vocabularySize " + json.path("vocabularySize") + " does not match its "
                    + (p.vocabulary != null ? WordVocabulary.FILE_NAME : HuggingFaceIds.FILE_NAME) + " (" + p.vocabularySize() + " ids)");
        }
        return p;
    }

    private static byte[] entry(Map<String, byte[]> entries, String name, String where) {
        byte[] b = entries.get(name);
        if (b == null) throw new DataException(where + " needs the entry " + name + ", which is missing");
        return b;
    }

    /**
     * Reads a .jsonl file, a .csv file (the training field/column names; the label optional), a single .txt file, a
     * folder of .txt files, or a folder of class folders of them (label = folder name).
     */
    @Override
    public void read(Path input, Consumer<RawExample> out) {
        Consumer<TextRecord> each = r -> out.accept(new RawExample(r.id(), encode(r.text()), r.label()));
        if (Files.isDirectory(input)) {
            if (!TextSources.classFoldersOf(input).isEmpty()) TextSources.classFolders(input, replace, each);
            else TextSources.txtFolder(input, replace, each);
            return;
        }
        String name = input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            TextSources.jsonl(input, textField, labelField, false, replace, each);
        } else if (name.endsWith(".csv")) {
            TextSources.csv(input, textField, labelField, false, replace, each);
        } else if (name.endsWith(".txt")) {
            each.accept(TextSources.txtFile(input, replace));
        } else if (!Files.exists(input)) {
            throw new DataException(input + ": file or folder not found");
        } else {
            throw new DataException(input + ": expected a .jsonl, .csv or .txt file, or a folder of .txt files");
        }
    }
}
