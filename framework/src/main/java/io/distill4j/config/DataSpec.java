package io.distill4j.config;

/**
 * Which dataset and where its files are. {@code trainLimit}/{@code testLimit} keep only the first N
 * examples (0 = all): smoke configs use them to stay fast. {@code validation} holds the last N of the (limited)
 * training examples out of training: periodic evaluation, learning curves and tuning use them, so the test split is
 * touched only by the final report.
 */
public record DataSpec(String dataset, String root, Integer trainLimit, Integer testLimit, Integer validation) {
    /** Held-out training examples when the config says nothing: 5,000 of MNIST's and Fashion-MNIST's 60,000. */
    public static final int DEFAULT_VALIDATION = 5000;

    public DataSpec {
        if (root == null && dataset != null) root = "data/" + dataset;
        if (trainLimit == null) trainLimit = 0;
        if (testLimit == null) testLimit = 0;
        if (validation == null) validation = DEFAULT_VALIDATION;
    }
}
