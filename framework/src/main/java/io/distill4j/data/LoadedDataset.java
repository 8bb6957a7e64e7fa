package io.distill4j.data;

import java.util.Map;

/** A dataset read from disk, with the SHA-256 (hex) of every file read, by file name, sorted (for provenance). */
public record LoadedDataset(DatasetInfo info, LabeledSplit train, LabeledSplit test, Map<String, String> sha256) {
}
