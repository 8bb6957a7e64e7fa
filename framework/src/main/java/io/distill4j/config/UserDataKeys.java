package io.distill4j.config;

import io.distill4j.data.user.UserFormats;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code data} keys of a user's own dataset ({@code data.format}): which format takes which key, the allowed words,
 * and the defaults that depend on the format. A key the format would ignore is refused, so that a typo or the wrong
 * format never passes silently.
 */
final class UserDataKeys {
    static final List<String> TABLE = List.of("csv", "tsv");
    static final List<String> TEXT = List.of("jsonl", "text-csv", "text-folders");
    static final String IMAGES = "images";

    private UserDataKeys() {
    }

    /** The first problem of {@code d}'s user-data keys, if any ({@code builtIns}: the built-in dataset names). */
    static Optional<KeyProblem> check(DataSpec d, Set<String> builtIns) {
        if (d.format() == null) {
            for (Map.Entry<String, Object> e : userKeys(d).entrySet()) {
                if (e.getValue() != null) {
                    return problem("data." + e.getKey(), "only a user's dataset (data.format) takes it; remove it, or replace "
                            + "data.dataset by data.format (one of " + UserFormats.names() + ")");
                }
            }
            if (d.dataset() == null) {
                return problem("data", "expected data.dataset (one of " + builtIns + ") or, for your own files, data.format (one of "
                        + UserFormats.names() + ") and data.train");
            }
            return Optional.empty();
        }
        String f = d.format();
        if (d.dataset() != null) return problem("data.dataset", "a built-in dataset beside data.format '" + f + "'; keep one of the two");
        if (!UserFormats.names().contains(f)) return problem("data.format", "expected one of " + UserFormats.names() + ", got '" + f + "'");
        if (blank(d.train())) return problem("data.train", "expected the training file or folder of your " + f + " data");
        if (d.test() != null && d.test().isBlank()) return problem("data.test", "expected a file or folder, got an empty path");
        if (d.test() != null && d.testFraction() != null) {
            return problem("data.testFraction", "data.test names the test split already; remove one of the two");
        }
        if (d.testFraction() != null && !(d.testFraction() > 0 && d.testFraction() < 1)) {
            return problem("data.testFraction", "expected a share of each class in (0, 1), e.g. 0.2, got " + d.testFraction());
        }
        if (d.root() != null) return problem("data.root", "a built-in dataset's folder; your files are data.train (and data.test)");
        if (d.validation() == null) {
            return problem("data.validation", "expected the number of training examples held out for validation (e.g. a tenth of "
                    + "them; `distill4j new --data` writes it)");
        }
        boolean table = TABLE.contains(f);
        boolean text = TEXT.contains(f);
        boolean images = IMAGES.equals(f);
        Optional<KeyProblem> p = onlyFor(!table, "tables (" + TABLE + ")", keys("columns", d.columns(), "drop", d.drop(),
                "missing", d.missing(), "unseen", d.unseen()));
        if (p.isEmpty()) p = onlyFor(!images, "images", keys("height", d.height(), "width", d.width(), "channels", d.channels()));
        if (p.isEmpty()) p = onlyFor(!text, "texts (" + TEXT + ")", keys("text", d.text(), "tokenizer", d.tokenizer(),
                "malformedText", d.malformedText(), "maxLength", d.maxLength(), "vocabSize", d.vocabSize(), "truncation", d.truncation()));
        if (p.isEmpty() && images && d.label() != null) {
            p = problem("data.label", "an image folder's classes are its sub-folders' names; remove the key");
        }
        if (p.isPresent()) return p;
        if (d.missing() != null && !List.of("error", "mean", "zero").contains(d.missing())) {
            return problem("data.missing", "expected error, mean or zero, got '" + d.missing() + "'");
        }
        if (d.unseen() != null && !List.of("error", "zeros").contains(d.unseen())) {
            return problem("data.unseen", "expected error or zeros, got '" + d.unseen() + "'");
        }
        if (d.malformedText() != null && !List.of("error", "replace").contains(d.malformedText())) {
            return problem("data.malformedText", "expected error or replace, got '" + d.malformedText() + "'");
        }
        if (d.label() != null && d.label().isBlank()) return problem("data.label", "expected a column or field name");
        if (d.text() != null && d.text().isBlank()) return problem("data.text", "expected a column or field name");
        if (d.channels() != null && d.channels() != 1 && d.channels() != 3) {
            return problem("data.channels", "expected 1 (grey) or 3 (RGB), got " + d.channels());
        }
        for (Map.Entry<String, Object> e : keys("height", d.height(), "width", d.width()).entrySet()) {
            if (e.getValue() instanceof Integer v && (v < 1 || v > 4096)) {
                return problem("data." + e.getKey(), "expected a size in pixels in [1, 4096], got " + v);
            }
        }
        if ((d.height() == null) != (d.width() == null)) {
            return problem(d.height() == null ? "data.height" : "data.width", "expected data.height and data.width together");
        }
        if (d.tokenizer() != null && d.vocabSize() != null) {
            return problem("data.vocabSize", "the tokenizer (data.tokenizer) decides the vocabulary; remove data.vocabSize");
        }
        if (d.truncation() != null && io.distill4j.data.text.Truncation.byKey(d.truncation()).isEmpty()) {
            return problem("data.truncation", "expected one of " + java.util.Arrays.stream(io.distill4j.data.text.Truncation.values())
                    .map(io.distill4j.data.text.Truncation::key).toList() + ", got '" + d.truncation() + "'");
        }
        return Optional.empty();
    }

    /** Text formats get data.maxLength (and, without a tokenizer, data.vocabSize) as the built-in text datasets do. */
    static DataSpec withDefaults(DataSpec d) {
        if (!TEXT.contains(d.format())) return d;
        Integer max = d.maxLength() == null ? DataSpec.DEFAULT_MAX_LENGTH : d.maxLength();
        Integer vocab = d.tokenizer() != null ? null : d.vocabSize() == null ? DataSpec.DEFAULT_VOCAB_SIZE : d.vocabSize();
        return d.withText(max, vocab);
    }

    /** Key-value pairs in order, values possibly null (Map.of refuses nulls). */
    private static Map<String, Object> keys(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private static Map<String, Object> userKeys(DataSpec d) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("train", d.train());
        m.put("test", d.test());
        m.put("testFraction", d.testFraction());
        m.put("splitSeed", d.splitSeed());
        m.put("label", d.label());
        m.put("text", d.text());
        m.put("columns", d.columns());
        m.put("drop", d.drop());
        m.put("missing", d.missing());
        m.put("unseen", d.unseen());
        m.put("height", d.height());
        m.put("width", d.width());
        m.put("channels", d.channels());
        m.put("tokenizer", d.tokenizer());
        m.put("malformedText", d.malformedText());
        return m;
    }

    private static Optional<KeyProblem> onlyFor(boolean notThisFormat, String who, Map<String, Object> keys) {
        if (!notThisFormat) return Optional.empty();
        return keys.entrySet().stream().filter(e -> e.getValue() != null).sorted(Map.Entry.comparingByKey()).findFirst()
                .map(e -> new KeyProblem("data." + e.getKey(), "only " + who + " take it; remove it"));
    }

    private static Optional<KeyProblem> problem(String key, String what) {
        return Optional.of(new KeyProblem(key, what));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
