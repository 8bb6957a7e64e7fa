package io.distill4j.config;

/**
 * Which dataset and where its files are. {@code trainLimit}/{@code testLimit} keep only the first N
 * examples (0 = all): smoke configs use them to stay fast.
 */
public record DataSpec(String dataset, String root, Integer trainLimit, Integer testLimit) {
    public DataSpec {
        if (root == null && dataset != null) root = "data/" + dataset;
        if (trainLimit == null) trainLimit = 0;
        if (testLimit == null) testLimit = 0;
    }
}
