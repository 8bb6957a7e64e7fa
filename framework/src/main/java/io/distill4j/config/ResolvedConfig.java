package io.distill4j.config;

/** A validated config with its canonical YAML text (written to the run folder) and its SHA-256 hash. */
public record ResolvedConfig(RunConfig config, String yaml, String hash) {
}
