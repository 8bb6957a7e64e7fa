package io.distill4j.runtime;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadDefaultsTest {
    @Test
    void threadVariablesMustBePositiveIntegers() {
        assertThat(ThreadDefaults.environmentProblem(Map.of())).isEmpty();
        assertThat(ThreadDefaults.environmentProblem(Map.of("OMP_NUM_THREADS", "2", "DISTILL4J_BLAS_THREADS", " 1 "))).isEmpty();
        assertThat(ThreadDefaults.environmentProblem(Map.of("OMP_NUM_THREADS", "abc"))).contains("OMP_NUM_THREADS: expected a positive "
                + "integer up to 256 (the number of OpenMP threads), got 'abc'; set it to e.g. 1, or unset it and use --threads N");
        assertThat(ThreadDefaults.environmentProblem(Map.of("OMP_NUM_THREADS", "4,2"))).hasValueSatisfying(p -> assertThat(p).contains("got '4,2'"));
        assertThat(ThreadDefaults.environmentProblem(Map.of("OMP_NUM_THREADS", "0"))).isPresent();
        // round 3, D8: a million threads crashed a transformer run in native code
        assertThat(ThreadDefaults.environmentProblem(Map.of("OMP_NUM_THREADS", "256"))).isEmpty();
        assertThat(ThreadDefaults.environmentProblem(Map.of("OMP_NUM_THREADS", "257"))).hasValueSatisfying(p -> assertThat(p).contains("got '257'"));
        assertThat(ThreadDefaults.environmentProblem(Map.of("DISTILL4J_BLAS_THREADS", "1000000"))).isPresent();
        assertThat(ThreadDefaults.environmentProblem(Map.of("DISTILL4J_BLAS_THREADS", "many"))).contains("DISTILL4J_BLAS_THREADS: "
                + "expected a positive integer up to 256 (the number of OpenBLAS threads), got 'many'; set it to e.g. 1, or unset it");
    }
}
