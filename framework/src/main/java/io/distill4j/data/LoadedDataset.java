package io.distill4j.data;

import java.util.Map;

/**
 * A dataset read from disk: the examples to train on, the held-out validation examples (the last ones of the
 * training file; empty when none are held out), the test split, and the SHA-256 (hex) of every file read, by
 * file name, sorted (for provenance).
 */
public record LoadedDataset(DatasetInfo info, LabeledSplit train, LabeledSplit validation, LabeledSplit test,
                            Map<String, String> sha256) {
}
