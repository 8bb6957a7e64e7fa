package io.distill4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.runtime.BlasCore;
import io.distill4j.runtime.CpuInfo;
import io.distill4j.runtime.LoadedBlasCore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenBLAS core in info, in provenance, in a bad override, and on resume (issue 11). */
class KernelCliTest {
    @TempDir
    Path tmp;

    @Test
    void infoNamesTheRunningCoreWhereItCameFromAndTheProcessor() {
        CliRun r = CliRun.of("info");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("blas core       " + LoadedBlasCore.name() + ", ")
                .contains("cpu             " + CpuInfo.current().describe());
    }

    @Test
    void anUnknownOverrideIsAOneLineUsageError() {
        System.setProperty(BlasCore.PROPERTY, "turbo");
        try {
            CliRun r = CliRun.of("info");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.errorLine()).isEqualTo("distill4j: -Ddistill4j.blasCore=turbo: expected auto, none or one of "
                    + "[COOPERLAKE, HASWELL, NEHALEM, PRESCOTT, SANDYBRIDGE, SKYLAKEX, ZEN]");
        } finally {
            System.clearProperty(BlasCore.PROPERTY);
        }
    }

    /**
     * A run started on other kernels (its provenance says so: here, edited): --same-kernels refuses naming both, without
     * it the resume warns in one line and records the change in its provenance entry.
     */
    @Test
    void aResumeOnOtherKernelsRefusesOnlyWithSameKernelsAndIsRecorded() throws IOException {
        Path run = tmp.resolve("run");
        CliRun train = CliRun.of("train", "-q", "--config", ResumeCliTest.SMOKE, "--set", "data.root=../data/mnist",
                "--set", "checkpoint.every=2", "--run-dir", run.toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
        Files.delete(run.resolve("report.json"));  // killed after its last checkpoint: a complete run is not resumed
        Path provenanceFile = run.resolve("provenance.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode provenance = (ObjectNode) json.readTree(provenanceFile.toFile());
        String now = provenance.path("runtime").path("blasCore").asText();
        assertThat(now).as("recorded at train").isEqualTo(LoadedBlasCore.name());
        String before = now.equals("PRESCOTT") ? "SANDYBRIDGE" : "PRESCOTT";
        ((ObjectNode) provenance.get("runtime")).put("blasCore", before);
        json.writeValue(provenanceFile.toFile(), provenance);
        String change = "OpenBLAS core " + before + " -> " + now;

        CliRun strict = CliRun.of("resume", run.toString(), "-q", "--same-kernels");
        assertThat(strict.exitCode()).isEqualTo(ExitCodes.CHECKPOINT);
        assertThat(strict.errorLine()).isEqualTo("distill4j: --same-kernels: this process runs other kernels than checkpoint "
                + "step-00000008's run (" + change + "); a resume here would not be bitwise identical (drop --same-kernels to "
                + "continue anyway, or resume with the run's OPENBLAS_CORETYPE on its processor)");
        assertThat(json.readTree(provenanceFile.toFile()).path("resumes")).as("a refused resume changes nothing").isEmpty();

        CliRun resumed = CliRun.of("resume", run.toString(), "-q");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        JsonNode entry = json.readTree(provenanceFile.toFile()).path("resumes").get(0);
        assertThat(entry.path("kernelChange").asText()).isEqualTo(change);
        assertThat(entry.path("runtime").path("blasCore").asText()).isEqualTo(now);
        assertThat(Files.readString(run.resolve("logs/run.log"))).contains("WARN", "resuming on other kernels (" + change
                + "): the run continues correctly, but it will not be bitwise identical to a run that was never stopped")
                .as("the resumed run logs the kernel it runs, not the one it started on")
                .contains("OpenBLAS core " + now + ";").doesNotContain("OpenBLAS runs its " + before);
    }
}
