package io.distill4j.runtime;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The core read back from the loaded OpenBLAS is the one OPENBLAS_CORETYPE forced, in a JVM started with it. */
class LoadedBlasCoreTest {
    /** Loads ND4J (and so OpenBLAS) and prints the core it runs. */
    public static void main(String[] args) {
        Nd4j.create(1);
        System.out.println(LoadedBlasCore.name());
    }

    private static String coreInAJvmWith(String coretype) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LoadedBlasCoreTest.class.getName());
        if (coretype == null) pb.environment().remove("OPENBLAS_CORETYPE");
        else pb.environment().put("OPENBLAS_CORETYPE", coretype);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).isZero();
        return out.lines().reduce((a, b) -> b).orElse("");  // the last line: ND4J may print before it
    }

    @Test
    void readsTheForcedCoreAndOpenBlassOwnChoice() throws Exception {
        assumeThat(CpuInfo.current().has("avx2", "fma")).as("HASWELL needs AVX2").isTrue();
        assertThat(coreInAJvmWith("HASWELL")).isEqualTo("HASWELL");
        assertThat(coreInAJvmWith("prescott")).isEqualTo("PRESCOTT");
        assertThat(coreInAJvmWith(null)).isIn(BlasCore.GENERATION.keySet());
    }

    @Test
    void describeRecordsTheRunningCoreAndTheProcessor() {
        NativeRuntime rt = NativeRuntime.describe();
        assertThat(rt.blasCore()).isEqualTo(LoadedBlasCore.name()).isIn(BlasCore.GENERATION.keySet());
        assertThat(rt.cpu()).isEqualTo(CpuInfo.current().describe());
        assertThat(rt.openblasCoretypeEnv()).isEqualTo(System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)"));
    }
}
