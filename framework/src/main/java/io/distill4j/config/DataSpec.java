package io.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which dataset and where its files are. {@code trainLimit}/{@code testLimit} keep only the first N
 * examples (0 = all; for a text dataset, the first N of its fixed shuffle): smoke configs use them to stay fast.
 * {@code validation} holds the last N of the (limited) training examples out of training: periodic evaluation,
 * learning curves and tuning use them, so the test split is touched only by the final report.
 *
 * <p>{@code maxLength} (token ids per example, a leading CLS included: longer texts are cut) and {@code vocabSize}
 * (ids in the vocabulary, PAD, UNK and CLS included) apply to text datasets only: validation fills in their defaults
 * for a text dataset and refuses them for an image dataset, where they would mean nothing. Unset keys stay out of
 * the resolved config, so an image config resolves (and hashes) as it did before they existed. {@code truncation}
 * (text only: {@code head}, {@code tail} or {@code headTail}) says which tokens of a text longer than {@code maxLength}
 * are kept; unset keeps the head, as before the key existed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataSpec(String dataset, String root, Integer trainLimit, Integer testLimit, Integer validation,
                       Integer maxLength, Integer vocabSize, String truncation,
                       String format, String train, String test, Double testFraction, Long splitSeed, String label, String text,
                       java.util.List<String> columns, java.util.List<String> drop, String missing, String unseen,
                       Integer height, Integer width, Integer channels, String tokenizer, String malformedText) {
    /** Held-out training examples when the config says nothing: 5,000 of MNIST's and Fashion-MNIST's 60,000. */
    public static final int DEFAULT_VALIDATION = 5000;
    /** Token ids per text example when the config says nothing. */
    public static final int DEFAULT_MAX_LENGTH = 256;
    /** Vocabulary ids when the config says nothing. */
    public static final int DEFAULT_VOCAB_SIZE = 20_000;

    /** Share of each class a user's dataset without a test source holds out as its test split, when the config says nothing. */
    public static final double DEFAULT_TEST_FRACTION = 0.2;

    public DataSpec {
        if (root == null && dataset != null) root = "data/" + dataset;
        if (trainLimit == null) trainLimit = 0;
        if (testLimit == null) testLimit = 0;
        // a user's dataset has no size-independent default: `distill4j new --data` writes a tenth of its examples
        if (validation == null && format == null) validation = DEFAULT_VALIDATION;
        if (format != null && test == null && testFraction == null) testFraction = DEFAULT_TEST_FRACTION;
        if (format != null && splitSeed == null) splitSeed = 0L;
    }

    /** A built-in dataset with its text keys. */
    public DataSpec(String dataset, String root, Integer trainLimit, Integer testLimit, Integer validation, Integer maxLength,
                    Integer vocabSize, String truncation) {
        this(dataset, root, trainLimit, testLimit, validation, maxLength, vocabSize, truncation, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null);
    }

    /** How reports and logs name the data: the built-in dataset's name, or the user's training file or folder name. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String sourceName() {
        return !isUserData() ? dataset : java.nio.file.Path.of(train).getFileName().toString();
    }

    /** Whether this section describes a user's own files ({@code format}) rather than a built-in dataset ({@code dataset}). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isUserData() {
        return format != null;
    }

    /** Without the text keys (an image dataset, or a text dataset whose defaults validation fills in). */
    public DataSpec(String dataset, String root, Integer trainLimit, Integer testLimit, Integer validation) {
        this(dataset, root, trainLimit, testLimit, validation, null, null, null);
    }

    /** Without a truncation (a text too long keeps its head). */
    public DataSpec(String dataset, String root, Integer trainLimit, Integer testLimit, Integer validation, Integer maxLength,
                    Integer vocabSize) {
        this(dataset, root, trainLimit, testLimit, validation, maxLength, vocabSize, null);
    }

    /** What the data layer loads for this section. */
    public io.distill4j.data.DataRequest request() {
        io.distill4j.data.text.Truncation cut = truncation == null ? null : io.distill4j.data.text.Truncation.byKey(truncation)
                .orElseThrow(() -> new IllegalStateException("data.truncation '" + truncation + "' was not validated"));
        io.distill4j.data.user.UserDataSpec user = !isUserData() ? null : new io.distill4j.data.user.UserDataSpec(format,
                java.nio.file.Path.of(train), test == null ? null : java.nio.file.Path.of(test), test == null ? testFraction : 0,
                splitSeed, validation == null ? 0 : validation, label, text, columns, drop, missing, unseen, height, width, channels,
                tokenizer == null ? null : java.nio.file.Path.of(tokenizer), maxLength, vocabSize, cut, malformedText);
        return new io.distill4j.data.DataRequest(dataset, root, trainLimit, testLimit, validation == null ? 0 : validation,
                maxLength, vocabSize, cut, user);
    }

    /** The same with the text keys set. */
    public DataSpec withText(Integer maxLength, Integer vocabSize) {
        return new DataSpec(dataset, root, trainLimit, testLimit, validation, maxLength, vocabSize, truncation, format, train, test,
                testFraction, splitSeed, label, text, columns, drop, missing, unseen, height, width, channels, tokenizer, malformedText);
    }

    /** The same with these paths (made absolute by {@link ConfigPaths}). */
    DataSpec withPaths(String root, String train, String test, String tokenizer) {
        return new DataSpec(dataset, root, trainLimit, testLimit, validation, maxLength, vocabSize, truncation, format, train, test,
                testFraction, splitSeed, label, text, columns, drop, missing, unseen, height, width, channels, tokenizer, malformedText);
    }
}
