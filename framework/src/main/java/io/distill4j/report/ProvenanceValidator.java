package io.distill4j.report;

import java.util.List;
import java.util.Set;

/**
 * The provenance part of a report.json: descriptive text may be anything (or null), but every field must have its
 * type, and {@code seed}, which compare and studies read, must be there.
 */
final class ProvenanceValidator {
    private static final Set<String> FIELDS = Set.of("distill4jVersion", "gitCommit", "java", "os", "arch", "runtime", "seed",
            "configHash", "dataset", "dataSha256", "commandLine", "createdAt", "resumes", "precision");
    private static final Set<String> RUNTIME = Set.of("backend", "binary", "ompThreads", "blasThreads", "blasVendor", "cpuCores",
            "ompNumThreadsEnv", "blasCore", "openblasCoretypeEnv", "cpu");
    private static final Set<String> RESUME = Set.of("fromStep", "commandLine", "at", "changedConfigKeys", "runtime", "precision", "kernelChange");

    private ProvenanceValidator() {
    }

    /** Checks the provenance of a report of schema {@code version} (named in the error for a field it does not have). */
    static void check(JsonFields p, int version) {
        p.only(FIELDS, version);
        for (String s : List.of("distill4jVersion", "gitCommit", "java", "os", "arch", "configHash", "dataset", "createdAt", "precision")) {
            p.optionalString(s);
        }
        p.integer("seed", Long.MIN_VALUE);
        if (p.present("runtime")) runtime(p.object("runtime", "an object"), version);
        if (p.present("dataSha256")) p.stringMap("dataSha256");
        if (p.present("commandLine")) p.strings("commandLine");
        if (p.present("resumes")) {
            for (JsonFields r : p.objects("resumes", 0, "an array of resumes")) {
                r.only(RESUME, version);
                r.integer("fromStep", 0);
                r.optionalString("at");
                r.optionalString("precision");
                r.optionalString("kernelChange");
                if (r.present("commandLine")) r.strings("commandLine");
                if (r.present("changedConfigKeys")) r.strings("changedConfigKeys");
                if (r.present("runtime")) runtime(r.object("runtime", "an object"), version);
            }
        }
    }

    private static void runtime(JsonFields n, int version) {
        n.only(RUNTIME, version);
        for (String s : List.of("backend", "binary", "blasVendor", "ompNumThreadsEnv", "blasCore", "openblasCoretypeEnv", "cpu")) n.optionalString(s);
        for (String i : List.of("ompThreads", "blasThreads", "cpuCores")) n.integer(i, Long.MIN_VALUE);
    }
}
