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
                       Integer maxLength, Integer vocabSize, String truncation) {
    /** Held-out training examples when the config says nothing: 5,000 of MNIST's and Fashion-MNIST's 60,000. */
    public static final int DEFAULT_VALIDATION = 5000;
    /** Token ids per text example when the config says nothing. */
    public static final int DEFAULT_MAX_LENGTH = 256;
    /** Vocabulary ids when the config says nothing. */
    public static final int DEFAULT_VOCAB_SIZE = 20_000;

    public DataSpec {
        if (root == null && dataset != null) root = "data/" + dataset;
        if (trainLimit == null) trainLimit = 0;
        if (testLimit == null) testLimit = 0;
        if (validation == null) validation = DEFAULT_VALIDATION;
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
        return new io.distill4j.data.DataRequest(dataset, root, trainLimit, testLimit, validation, maxLength, vocabSize,
                truncation == null ? null : io.distill4j.data.text.Truncation.byKey(truncation).orElseThrow(
                        () -> new IllegalStateException("data.truncation '" + truncation + "' was not validated")));
    }

    /** The same with the text keys set. */
    public DataSpec withText(Integer maxLength, Integer vocabSize) {
        return new DataSpec(dataset, root, trainLimit, testLimit, validation, maxLength, vocabSize, truncation);
    }
}
