package io.distill4j.data;

/**
 * What to load: a dataset by name from {@code root}, with its limits and validation examples, and for a text dataset the
 * ids per example and the vocabulary size (null for an image dataset). The config's data section makes one
 * ({@code DataSpec.request()}); the data layer does not read configs.
 * A user's own files come as {@code user} ({@code dataset} and {@code root} null).
 */
public record DataRequest(String dataset, String root, int trainLimit, int testLimit, int validation, Integer maxLength,
                          Integer vocabSize, io.distill4j.data.text.Truncation truncation, io.distill4j.data.user.UserDataSpec user) {
    /** A built-in dataset. */
    public DataRequest(String dataset, String root, int trainLimit, int testLimit, int validation, Integer maxLength,
                       Integer vocabSize, io.distill4j.data.text.Truncation truncation) {
        this(dataset, root, trainLimit, testLimit, validation, maxLength, vocabSize, truncation, null);
    }

    /** Without a truncation: a text too long keeps its head. */
    public DataRequest(String dataset, String root, int trainLimit, int testLimit, int validation, Integer maxLength, Integer vocabSize) {
        this(dataset, root, trainLimit, testLimit, validation, maxLength, vocabSize, null);
    }
}
