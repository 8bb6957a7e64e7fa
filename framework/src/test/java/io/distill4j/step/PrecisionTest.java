package io.distill4j.step;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which CPUs may run bf16, read from /proc/cpuinfo's flags (runs on any machine). */
class PrecisionTest {
    private static String cpuinfo(String model, String flags) {
        return "processor\t: 0\nvendor_id\t: x\nmodel name\t: " + model + "\nflags\t\t: " + flags + "\nbogomips\t: 1\n";
    }

    @Test
    void bf16NeedsAvx512Bf16OrAmx() {
        assertThat(Precision.bf16Problem(cpuinfo("Xeon", "fpu avx2 avx512f avx512_bf16 amx_bf16 amx_tile"))).isEmpty();
        assertThat(Precision.bf16Problem(cpuinfo("AMD EPYC 9004", "fpu avx2 avx512f avx512_bf16"))).isEmpty();
        assertThat(Precision.bf16Problem(cpuinfo("AMD EPYC 7B13", "fpu avx2 fma")))
                .hasValueSatisfying(p -> assertThat(p).contains("AMD EPYC 7B13").contains("no bf16 units").contains("use fp32"));
        // a flag that merely contains the name does not count
        assertThat(Precision.bf16Problem(cpuinfo("X", "fpu avx512_bf16x"))).isPresent();
        assertThat(Precision.bf16Problem("nothing")).hasValueSatisfying(p -> assertThat(p).contains("no CPU flags"));
    }
}
