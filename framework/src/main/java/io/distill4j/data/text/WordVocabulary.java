package io.distill4j.data.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.data.DataException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Word ids for a model's embedding table: {@link #PAD} 0, {@link #UNK} 1, {@link #CLS} 2, then the words, most frequent
 * first. Built from training text only ({@link #fromCounts}), so that validation and test words the training split
 * never showed become UNK, as they would for a deployed model.
 *
 * <p>It encodes raw text by itself ({@link #encode}), with the {@link WordTokenizer} it names, and is stored as a
 * small JSON file ({@link #writeTo}, {@link #read}) that an exported student carries: no engine is needed to use it.
 * The file format:
 * <pre>{"format": "distill4j-vocabulary", "version": 1, "tokenizer": "words-v1",
 *  "specials": ["&lt;pad&gt;", "&lt;unk&gt;", "&lt;cls&gt;"], "words": ["the", "and", ...]}</pre>
 * where word {@code i} has id {@code 3 + i}. Reading checks all of it and fails with a one-line {@link DataException}
 * naming the file.
 */
public final class WordVocabulary {
    public static final int PAD = 0;
    public static final int UNK = 1;
    public static final int CLS = 2;
    /** The ids before the first word. */
    public static final int SPECIALS = 3;
    static final List<String> SPECIAL_NAMES = List.of("<pad>", "<unk>", "<cls>");
    static final String FORMAT = "distill4j-vocabulary";
    /** The file name of a vocabulary in a run folder and in an exported text model's zip. */
    public static final String FILE_NAME = "vocabulary.json";
    static final int VERSION = 1;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(SerializationFeature.INDENT_OUTPUT).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final List<String> words;
    private final Map<String, Integer> ids;
    private final Truncation truncation;

    private WordVocabulary(List<String> words, Truncation truncation) {
        this.words = List.copyOf(words);
        this.truncation = truncation;
        this.ids = new HashMap<>(words.size() * 2);
        for (int i = 0; i < words.size(); i++) ids.put(words.get(i), SPECIALS + i);
    }

    /**
     * The {@code size - 3} most frequent words of {@code counts} (or all, when fewer), by count descending, ties by
     * word ({@link String#compareTo}) so that the same counts always give the same ids.
     *
     * @param size ids in all, the three specials included: the embedding table's row count
     */
    public static WordVocabulary fromCounts(Map<String, Long> counts, int size) {
        if (size < SPECIALS + 1) throw new IllegalArgumentException("vocabulary size must be >= " + (SPECIALS + 1) + ", got " + size);
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        for (Map.Entry<String, Long> e : entries) {
            if (!WordTokenizer.isToken(e.getKey())) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is not a single " + WordTokenizer.NAME + " token");
            }
        }
        entries.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        List<String> top = new ArrayList<>(Math.min(entries.size(), size - SPECIALS));
        for (int i = 0; i < entries.size() && top.size() < size - SPECIALS; i++) top.add(entries.get(i).getKey());
        return new WordVocabulary(top, Truncation.HEAD);
    }

    /** The same words, encoding texts longer than a model's input with {@code truncation}. */
    public WordVocabulary withTruncation(Truncation truncation) {
        return truncation == this.truncation ? this : new WordVocabulary(words, java.util.Objects.requireNonNull(truncation));
    }

    /** Which tokens {@link #encode} keeps of a text too long for the input. */
    public Truncation truncation() {
        return truncation;
    }

    /** Ids in all, specials included: at most the size asked of {@link #fromCounts}, fewer when the text had fewer words. */
    public int size() {
        return SPECIALS + words.size();
    }

    /** The words in id order (word {@code i} has id {@code 3 + i}), unmodifiable. */
    public List<String> words() {
        return words;
    }

    /** The id of a token, {@link #UNK} for one the vocabulary does not hold. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? UNK : id;
    }

    /** The word or special name ({@code <pad>}, {@code <unk>}, {@code <cls>}) of an id. */
    public String token(int id) {
        if (id < 0 || id >= size()) throw new IndexOutOfBoundsException("id " + id + " outside 0.." + (size() - 1));
        return id < SPECIALS ? SPECIAL_NAMES.get(id) : words.get(id - SPECIALS);
    }

    /**
     * Raw text to exactly {@code maxLength} ids: {@link #CLS} first when {@code cls}, then the ids of the text's tokens
     * (of a text too long, those {@link #truncation()} keeps), then {@link #PAD} up to {@code maxLength}.
     */
    public int[] encode(String text, int maxLength, boolean cls) {
        if (maxLength < 1) throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
        int[] out = new int[maxLength];   // zeros: PAD
        int first = cls ? 1 : 0;
        if (cls) out[0] = CLS;
        int[][] tokens = {new int[64]};
        int[] count = {0};
        WordTokenizer.forEachToken(text, t -> {
            if (count[0] == tokens[0].length) tokens[0] = java.util.Arrays.copyOf(tokens[0], 2 * count[0]);
            tokens[0][count[0]++] = id(t);
        });
        truncation.keep(tokens[0], count[0], maxLength - first, out, first);
        return out;
    }

    /**
     * Writes the vocabulary file (UTF-8 JSON, one word a line): equal vocabularies give equal bytes. A run folder
     * writes it through {@code AtomicFiles}, a student zip as one of its entries.
     */
    public void writeTo(OutputStream out) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("tokenizer", WordTokenizer.NAME);
        if (truncation != Truncation.HEAD) root.put("truncation", truncation.key());   // absent: head, as files before it
        SPECIAL_NAMES.forEach(root.putArray("specials")::add);
        ArrayNode w = root.putArray("words");
        words.forEach(w::add);
        out.write(JSON.writeValueAsBytes(root));
        out.write('\n');
    }

    /** Reads and checks a vocabulary file. */
    public static WordVocabulary read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": vocabulary file not found", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read the vocabulary (" + e.getMessage() + ")", e);
        }
    }

    /** Reads and checks a vocabulary from a stream (e.g. an entry of a student zip); {@code source} names it in errors. */
    public static WordVocabulary read(InputStream in, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw bad(source, "not valid JSON" + where + " (" + firstLine(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            throw new DataException(source + ": cannot read the vocabulary (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) throw bad(source, "expected a JSON object with format, version, tokenizer, specials and words");
        Set<String> expectedKeys = Set.of("format", "version", "tokenizer", "truncation", "specials", "words");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!expectedKeys.contains(k)) throw bad(source, "unknown key \"" + k + "\" (expected only " + new java.util.TreeSet<>(expectedKeys) + ")");
        }
        if (!FORMAT.equals(text(root, "format"))) {
            throw bad(source, "not a vocabulary file (format " + shown(root.get("format")) + ", expected \"" + FORMAT + "\")");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            throw bad(source, "vocabulary format version " + shown(version) + " is not readable here (expected " + VERSION + ")");
        }
        if (!WordTokenizer.NAME.equals(text(root, "tokenizer"))) {
            throw bad(source, "tokenizer " + shown(root.get("tokenizer")) + " is unknown (expected \"" + WordTokenizer.NAME + "\")");
        }
        Truncation truncation = Truncation.HEAD;
        if (root.has("truncation")) {
            truncation = Truncation.byKey(text(root, "truncation")).orElseThrow(() -> bad(source, "truncation "
                    + shown(root.get("truncation")) + " is unknown (expected one of " + Truncation.keys() + ")"));
        }
        JsonNode specials = root.get("specials");
        if (specials == null || !specials.isArray() || !strings(specials).equals(SPECIAL_NAMES)) {
            throw bad(source, "specials " + shown(specials) + ", expected [\"<pad>\", \"<unk>\", \"<cls>\"] (ids 0, 1, 2)");
        }
        JsonNode words = root.get("words");
        if (words == null || !words.isArray()) throw bad(source, "\"words\" missing or not an array (expected the words in id order)");
        List<String> list = new ArrayList<>(words.size());
        Set<String> seen = new HashSet<>(words.size() * 2);
        for (int i = 0; i < words.size(); i++) {
            JsonNode w = words.get(i);
            String where = "words[" + i + "] (id " + (SPECIALS + i) + ")";
            if (!w.isTextual()) throw bad(source, where + " is " + shown(w) + ", expected a string");
            if (!WordTokenizer.isToken(w.textValue())) {
                throw bad(source, where + " \"" + w.textValue() + "\" is not a single " + WordTokenizer.NAME + " token");
            }
            if (!seen.add(w.textValue())) throw bad(source, where + " \"" + w.textValue() + "\" appears twice");
            list.add(w.textValue());
        }
        return new WordVocabulary(list, truncation);
    }

    private static String text(JsonNode root, String key) {
        JsonNode n = root.get(key);
        return n != null && n.isTextual() ? n.textValue() : null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.isTextual() ? n.textValue() : null);
        return out;
    }

    /** A JSON value as written, cut short: error messages stay one short line. */
    private static String shown(JsonNode n) {
        if (n == null) return "missing";
        String s = n.toString().replaceAll("\\s+", " ");
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static DataException bad(String source, String problem) {
        return new DataException(source + ": " + problem);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WordVocabulary v && v.words.equals(words) && v.truncation == truncation;
    }

    @Override
    public int hashCode() {
        return 31 * words.hashCode() + truncation.hashCode();
    }

    @Override
    public String toString() {
        return "WordVocabulary[" + size() + " ids, tokenizer " + WordTokenizer.NAME + "]";
    }
}
