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
                         Map<String, String> dataSha256, List<String> commandLine, String createdAt,
                         List<Resume> resumes) {
    /** One continuation of the run: from which checkpoint step, by which command, with which config keys changed (if allowed). */
    public record Resume(long fromStep, List<String> commandLine, String at, List<String> changedConfigKeys,
                         NativeRuntime runtime) {
    }

    public Provenance withResume(Resume resume) {
        List<Resume> all = new java.util.ArrayList<>(resumes == null ? List.of() : resumes);
        all.add(resume);
        return new Provenance(distill4jVersion, gitCommit, java, os, arch, runtime, seed, configHash, dataset, dataSha256,
                commandLine, createdAt, all);
    }
}
