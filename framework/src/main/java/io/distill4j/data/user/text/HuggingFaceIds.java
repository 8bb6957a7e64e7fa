package io.distill4j.data.user.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.data.DataException;
import io.distill4j.data.text.Truncation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * A user's Hugging Face {@code tokenizer.json} (WordPiece, BPE, ...) run through DJL's binding of the Rust tokenizers,
 * offline. The tokenizer adds its own special tokens ({@code [CLS] ... [SEP]}); a text too long keeps those and the
 * tokens the {@link Truncation} picks from the rest, so the ids mean what the tokenizer's model expects. The bytes are
 * kept as given, to travel in the export unchanged.
 */
final class HuggingFaceIds {
    /** The entry name of the tokenizer in an export. */
    static final String FILE_NAME = "tokenizer.json";
    /** Ids are stored in float rows, which hold integers exactly up to 2^24. */
    static final int MAX_VOCABULARY = 1 << 24;

    private final byte[] bytes;
    private final HuggingFaceTokenizer tokenizer;
    private final int vocabularySize;
    private final int padId;

    private final String source;

    private HuggingFaceIds(byte[] bytes, HuggingFaceTokenizer tokenizer, int vocabularySize, int padId, String source) {
        this.source = source;
        this.bytes = bytes;
        this.tokenizer = tokenizer;
        this.vocabularySize = vocabularySize;
        this.padId = padId;
    }

    /** Reads the user's {@code tokenizer.json} (data.tokenizer). */
    static HuggingFaceIds load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": tokenizer file not found (data.tokenizer names a Hugging Face tokenizer.json)");
        }
        return of(TextSources.readAll(file), file.toString());
    }

    /** The tokenizer in {@code bytes}; {@code source} names it in messages. */
    static HuggingFaceIds of(byte[] bytes, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new DataException(source + ": not a Hugging Face tokenizer.json (not valid JSON: " + TextSources.firstLine(e.getMessage()) + ")");
        }
        JsonNode vocab = root == null ? null : root.path("model").get("vocab");
        if (vocab == null || !(vocab.isObject() || vocab.isArray())) {
            throw new DataException(source + ": not a Hugging Face tokenizer.json (no model.vocab; save the tokenizer with "
                    + "tokenizer.save(\"tokenizer.json\") or take tokenizer.json from the model's files)");
        }
        int size = vocabularySize(vocab, root.path("added_tokens"));
        if (size > MAX_VOCABULARY) {
            throw new DataException(source + ": " + size + " token ids; at most 2^24 fit the float rows ids are stored in");
        }
        HuggingFaceTokenizer tokenizer;
        try {
            // the export's own truncation and padding apply, not the file's
            tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes),
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            throw new DataException(source + ": cannot load DJL's native tokenizers library on " + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch") + " (" + TextSources.firstLine(String.valueOf(e.getMessage()))
                    + "); use the built-in word vocabulary (leave data.tokenizer out) on this machine", e);
        } catch (IOException | RuntimeException e) {
            throw new DataException(source + ": not a valid Hugging Face tokenizer.json (" + TextSources.firstLine(String.valueOf(e.getMessage())) + ")", e);
        }
        int pad = padId(root, vocab);
        if (pad < 0 || pad >= size) {
            tokenizer.close();
            throw new DataException(source + ": padding id " + pad + " is outside the vocabulary of " + size + " ids (model.vocab and added_tokens)");
        }
        return new HuggingFaceIds(bytes, tokenizer, size, pad, source);
    }

    /** One more than the largest id of the model's vocabulary and the added tokens. */
    private static int vocabularySize(JsonNode vocab, JsonNode added) {
        long max = -1;
        if (vocab.isArray()) {
            max = vocab.size() - 1;   // Unigram: [[piece, score], ...], ids by position
        } else {
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) max = Math.max(max, it.next().asLong(-1));
        }
        for (JsonNode t : added) max = Math.max(max, t.path("id").asLong(-1));
        return (int) Math.min(Integer.MAX_VALUE, max + 1);
    }

    /** The file's padding id, else the id of a [PAD] or &lt;pad&gt; token, else 0. */
    private static int padId(JsonNode root, JsonNode vocab) {
        JsonNode padding = root.path("padding");
        if (padding.isObject() && padding.path("pad_id").isInt()) return padding.path("pad_id").intValue();
        if (vocab.isObject()) {
            for (String name : new String[]{"[PAD]", "<pad>"}) if (vocab.path(name).isInt()) return vocab.path(name).intValue();
        }
        for (JsonNode t : root.path("added_tokens")) {
            String c = t.path("content").asText();
            if (c.equals("[PAD]") || c.equals("<pad>")) return t.path("id").asInt(0);
        }
        return 0;
    }

    byte[] bytes() {
        return bytes.clone();
    }

    int vocabularySize() {
        return vocabularySize;
    }

    int padId() {
        return padId;
    }

    /**
     * {@code maxLength} ids of {@code text}: the tokenizer's leading specials, the content tokens {@code truncation}
     * keeps, its trailing specials, then the pad id.
     */
    int[] encode(String text, int maxLength, Truncation truncation) {
        Encoding e;
        try {
            e = tokenizer.encode(text, true, false);
        } catch (RuntimeException failed) {
            // the Rust tokenizer refuses some texts only when it meets them (a WordPiece vocabulary without its unk_token)
            throw new DataException(source + ": the tokenizer cannot encode a text (" + TextSources.firstLine(String.valueOf(failed.getMessage()))
                    + "); check the tokenizer.json (its unk_token must be in model.vocab)", failed);
        }
        long[] ids = e.getIds();
        long[] special = e.getSpecialTokenMask();
        int n = ids.length;
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] >= vocabularySize) {
                throw new DataException(source + ": the tokenizer gives token id " + ids[i] + ", outside its vocabulary of "
                        + vocabularySize + " ids (model.vocab and added_tokens); its post_processor or special tokens name an id the vocabulary lacks");
            }
            all[i] = (int) ids[i];
        }
        int[] out = new int[maxLength];
        java.util.Arrays.fill(out, padId);
        int prefix = 0;
        while (prefix < n && special[prefix] == 1) prefix++;
        int suffix = 0;
        while (suffix < n - prefix && special[n - 1 - suffix] == 1) suffix++;
        int room = maxLength - prefix - suffix;
        if (n <= maxLength || room <= 0) {   // fits, or no room for content at all: a plain cut
            System.arraycopy(all, 0, out, 0, Math.min(n, maxLength));
            return out;
        }
        System.arraycopy(all, 0, out, 0, prefix);
        int[] content = java.util.Arrays.copyOfRange(all, prefix, n - suffix);
        int kept = truncation.keep(content, content.length, room, out, prefix);
        System.arraycopy(all, n - suffix, out, prefix + kept, suffix);
        return out;
    }
}
