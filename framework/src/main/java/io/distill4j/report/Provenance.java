package io.distill4j.report;

import io.distill4j.runtime.NativeRuntime;

import java.util.List;
import java.util.Map;

/**
 * Exactly how a run was made (in the spirit of Tribuo's provenance): software versions, the machine's
 * native runtime and threads, the seed, the config hash and the checksums of the data read.
 */
public record Provenance(String distill4jVersion, String gitCommit, String java, String os, String arch,
                         NativeRuntime runtime, long seed, String configHash, String dataset,
                         Map<String, String> dataSha256, List<String> commandLine, String createdAt) {
}
