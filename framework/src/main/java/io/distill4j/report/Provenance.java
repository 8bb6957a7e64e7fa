package io.distill4j.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.distill4j.runtime.NativeRuntime;

import java.util.List;
import java.util.Map;

/**
 * Exactly how a run was made (in the spirit of Tribuo's provenance): software versions, the machine's
 * native runtime and threads, the seed, the config hash, the checksums of the data read, and the precision of the
 * fused step's products: {@code bf16} with the oneDNN implementation that ran them, or absent (null) for fp32, the
 * default, so fp32 runs write the same provenance as before {@code training.precision} existed.
 */
public record Provenance(String distill4jVersion, String gitCommit, String java, String os, String arch,
                         NativeRuntime runtime, long seed, String configHash, String dataset,
                         Map<String, String> dataSha256, List<String> commandLine, String createdAt,
                         List<Resume> resumes,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String precision,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> initialWeights) {
    /** Without models started from saved weights. */
    public Provenance(String distill4jVersion, String gitCommit, String java, String os, String arch, NativeRuntime runtime, long seed,
                      String configHash, String dataset, Map<String, String> dataSha256, List<String> commandLine, String createdAt,
                      List<Resume> resumes, String precision) {
        this(distill4jVersion, gitCommit, java, os, arch, runtime, seed, configHash, dataset, dataSha256, commandLine, createdAt,
                resumes, precision, null);
    }

    /**
     * One continuation of the run: from which checkpoint step, by which command, with which config keys changed (if
     * allowed), and {@code kernelChange}: how its kernels differ from those the run last ran on
     * ({@link NativeRuntime#kernelChangeSince}), absent when they are the same: such a resume is not bitwise identical
     * to a run that was never stopped.
     */
    public record Resume(long fromStep, List<String> commandLine, String at, List<String> changedConfigKeys,
                         NativeRuntime runtime, @JsonInclude(JsonInclude.Include.NON_NULL) String precision,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String kernelChange) {
        public Resume(long fromStep, List<String> commandLine, String at, List<String> changedConfigKeys, NativeRuntime runtime) {
            this(fromStep, commandLine, at, changedConfigKeys, runtime, null, null);
        }
    }

    public Provenance(String distill4jVersion, String gitCommit, String java, String os, String arch, NativeRuntime runtime,
                      long seed, String configHash, String dataset, Map<String, String> dataSha256, List<String> commandLine,
                      String createdAt, List<Resume> resumes) {
        this(distill4jVersion, gitCommit, java, os, arch, runtime, seed, configHash, dataset, dataSha256, commandLine, createdAt,
                resumes, null);
    }

    /** The runtime the run last ran on: its latest resume's, else its start's. */
    public NativeRuntime lastRuntime() {
        return resumes == null || resumes.isEmpty() ? runtime : resumes.get(resumes.size() - 1).runtime();
    }

    public Provenance withResume(Resume resume) {
        List<Resume> all = new java.util.ArrayList<>(resumes == null ? List.of() : resumes);
        all.add(resume);
        return new Provenance(distill4jVersion, gitCommit, java, os, arch, runtime, seed, configHash, dataset, dataSha256,
                commandLine, createdAt, all, precision, initialWeights);
    }

    public Provenance withPrecision(String precision) {
        return new Provenance(distill4jVersion, gitCommit, java, os, arch, runtime, seed, configHash, dataset, dataSha256,
                commandLine, createdAt, resumes, precision, initialWeights);
    }

    /** With the saved models some models started from ({@code init:}): model name → {@code path (sha256 HEX)}. */
    public Provenance withInitialWeights(Map<String, String> initialWeights) {
        return new Provenance(distill4jVersion, gitCommit, java, os, arch, runtime, seed, configHash, dataset, dataSha256,
                commandLine, createdAt, resumes, precision, initialWeights.isEmpty() ? null : Map.copyOf(initialWeights));
    }
}
