package io.distill4j.data.user;

import io.distill4j.data.text.Truncation;

import java.nio.file.Path;
import java.util.List;

/**
 * A user's dataset as the config's {@code data} section describes it (the config validates the keys; this layer
 * trusts them). Paths are resolved already.
 *
 * @param format        {@code csv}, {@code tsv}, {@code images}, {@code jsonl}, {@code text-csv} or {@code text-folders}
 * @param train         the training file or folder (all examples, when {@code test} is null)
 * @param test          the test file or folder, or null to hold out {@code testFraction} of {@code train}
 * @param testFraction  share of each class held out as the test split when {@code test} is null (else 0)
 * @param splitSeed     seed of the stratified test and validation split (fixed across training seeds by default)
 * @param validation    examples of the training split held out for validation (stratified)
 * @param label         the label column (csv/tsv/text-csv) or field (jsonl)
 * @param text          the text column (text-csv) or field (jsonl)
 * @param columns       table: the only feature columns to use, or empty for every column but the label
 * @param drop          table: columns never to use (e.g. an id)
 * @param missing       table: an empty or NA numeric cell: {@code error} (default), {@code mean} (training mean) or
 *                      {@code zero}; an empty categorical cell is its own category unless {@code error}
 * @param unseen        table: a category not seen in training: {@code error} (default) or {@code zeros} (all-zero one-hot)
 * @param height        images: target height (resized to it)
 * @param width         images: target width
 * @param channels      images: 1 (grey) or 3 (RGB)
 * @param tokenizer     texts: a Hugging Face {@code tokenizer.json}, or null for the built-in word vocabulary
 * @param maxLength     texts: token ids per example (a leading CLS included)
 * @param vocabSize     texts, word vocabulary: ids in the vocabulary (PAD, UNK and CLS included)
 * @param truncation    texts: which tokens of a long text are kept
 * @param malformedText texts: bytes that are not UTF-8: {@code error} (default) or {@code replace} (U+FFFD)
 */
public record UserDataSpec(String format, Path train, Path test, double testFraction, long splitSeed, int validation,
                           String label, String text, List<String> columns, List<String> drop, String missing, String unseen,
                           Integer height, Integer width, Integer channels, Path tokenizer, Integer maxLength,
                           Integer vocabSize, Truncation truncation, String malformedText) {
    public UserDataSpec {
        columns = columns == null ? List.of() : List.copyOf(columns);
        drop = drop == null ? List.of() : List.copyOf(drop);
        if (label == null) label = "label";
        if (text == null) text = "text";
        if (missing == null) missing = "error";
        if (unseen == null) unseen = "error";
        if (malformedText == null) malformedText = "error";
        if (truncation == null) truncation = Truncation.HEAD;
    }

    /** A spec for {@code format} reading {@code train} with every other key at its default (tests, inspection). */
    public static UserDataSpec of(String format, Path train) {
        return new UserDataSpec(format, train, null, 0.2, 0, 0, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }
}
