package io.distill4j.checkpoint;

import java.util.Map;

/** Written last into a checkpoint: the SHA-256 of every other file. A checkpoint without a valid manifest is not complete. */
public record Manifest(int formatVersion, long step, String configHash, Map<String, String> sha256) {
    public static final int FORMAT_VERSION = 1;
}
