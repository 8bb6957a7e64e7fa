package io.distill4j.data;

import io.distill4j.data.text.WordVocabulary;

import java.util.Map;

/**
 * A dataset read from disk: the examples to train on, the held-out validation examples (the last ones of the
 * training file, or of the shuffled training split for text; empty when none are held out), the test split, the
 * SHA-256 (hex) of every file read, by file name, sorted (for provenance), and for a text dataset the vocabulary its
 * token ids come from (null for images): the run folder and every exported student keep it to encode raw text; and for a
 * user's dataset the fitted {@link io.distill4j.data.user.Preprocessor} every exported student carries (null for built-ins).
 */
public record LoadedDataset(DatasetInfo info, LabeledSplit train, LabeledSplit validation, LabeledSplit test,
                            Map<String, String> sha256, WordVocabulary vocabulary, io.distill4j.data.user.Preprocessor preprocessor) {
    /** A built-in dataset: its preprocessing is the registry's. */
    public LoadedDataset(DatasetInfo info, LabeledSplit train, LabeledSplit validation, LabeledSplit test,
                         Map<String, String> sha256, WordVocabulary vocabulary) {
        this(info, train, validation, test, sha256, vocabulary, null);
    }

    /** An image dataset: no vocabulary. */
    public LoadedDataset(DatasetInfo info, LabeledSplit train, LabeledSplit validation, LabeledSplit test, Map<String, String> sha256) {
        this(info, train, validation, test, sha256, null);
    }
}
