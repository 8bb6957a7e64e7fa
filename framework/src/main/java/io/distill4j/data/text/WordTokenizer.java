package io.distill4j.data.text;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Splits text into lower-case word tokens. A token is a maximal run of letters and digits (Unicode:
 * {@link Character#isLetterOrDigit(int)}), lower-cased code point by code point ({@link Character#toLowerCase(int)},
 * so no token changes length in surprising, locale-dependent ways), or a single {@code !} or {@code ?} (they carry
 * sentiment in reviews). Everything else separates tokens, and the HTML line break {@code <br />} (any letter case)
 * counts as a space: the IMDB reviews hold 200,000 of them, and without this rule "br" would be a top-20 word.
 * Apostrophes separate too ("don't" gives "don", "t"), as in most bag-of-words baselines.
 *
 * <p>The rules are frozen under {@link #NAME}: a vocabulary file names the tokenizer it was built with, and a
 * changed rule needs a new name.
 */
public final class WordTokenizer {
    /** The rules above, as recorded in vocabulary files. */
    public static final String NAME = "words-v1";

    private static final String LINE_BREAK = "<br />";

    private WordTokenizer() {
    }

    /** The tokens of {@code text}, in order. */
    public static List<String> tokens(CharSequence text) {
        List<String> out = new ArrayList<>();
        forEachToken(text, out::add);
        return out;
    }

    /** Hands every token of {@code text} to {@code sink}, in order, without collecting them. */
    public static void forEachToken(CharSequence text, Consumer<String> sink) {
        StringBuilder word = new StringBuilder(32);
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (text.charAt(i) == '<' && isLineBreak(text, i)) {
                flush(word, sink);
                i += LINE_BREAK.length();
                continue;
            }
            int cp = Character.codePointAt(text, i);
            if (Character.isLetterOrDigit(cp)) {
                word.appendCodePoint(Character.toLowerCase(cp));
            } else {
                flush(word, sink);
                if (cp == '!') sink.accept("!");
                else if (cp == '?') sink.accept("?");
            }
            i += Character.charCount(cp);
        }
        flush(word, sink);
    }

    /** True when {@code word} is exactly one token of its own: what a vocabulary may hold. */
    public static boolean isToken(String word) {
        List<String> t = tokens(word);
        return t.size() == 1 && t.get(0).equals(word);
    }

    private static boolean isLineBreak(CharSequence text, int at) {
        if (at + LINE_BREAK.length() > text.length()) return false;
        for (int k = 0; k < LINE_BREAK.length(); k++) {
            if (Character.toLowerCase(text.charAt(at + k)) != LINE_BREAK.charAt(k)) return false;
        }
        return true;
    }

    private static void flush(StringBuilder word, Consumer<String> sink) {
        if (word.length() > 0) {
            sink.accept(word.toString());
            word.setLength(0);
        }
    }
}
