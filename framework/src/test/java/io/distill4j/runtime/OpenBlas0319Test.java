package io.distill4j.runtime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model of OpenBLAS 0.3.19's own choice against what the bundled binary did when gdb changed CPUID's family/model
 * answers on an AVX-512/AVX512-BF16 Xeon (vendor and flags stayed that machine's): Prescott or Barcelona where it does
 * not know the processor, a fitting core everywhere else.
 */
class OpenBlas0319Test {
    private static final Set<String> AVX512_BF16 = Set.of("pni", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512cd",
            "avx512bw", "avx512dq", "avx512vl", "avx512_bf16");

    @ParameterizedTest(name = "{0} family {1} model {2}: the binary ran {3}")
    @CsvSource({
            "GenuineIntel, 6, 167, SkylakeX",     // this machine (Rocket Lake's model number under KVM)
            "GenuineIntel, 6, 143, Cooperlake",   // Sapphire Rapids
            "GenuineIntel, 6, 173, Cooperlake",   // Granite Rapids: unlisted, picked by features
            "GenuineIntel, 6, 154, Haswell",      // Alder Lake
            "GenuineIntel, 6, 186, Prescott",     // Raptor Lake
            "GenuineIntel, 6, 204, Prescott",
            "GenuineIntel, 6, 207, Prescott",     // Emerald Rapids
            "GenuineIntel, 19, 1, Prescott",      // the next family
            "AuthenticAMD, 23, 1, Zen",
            "AuthenticAMD, 25, 17, Zen",          // Zen 4
            "AuthenticAMD, 26, 2, Barcelona"})    // Zen 5
    void genericFallbackWhereTheBinaryRanOne(String vendor, int family, int model, String observed) {
        CpuInfo cpu = new CpuInfo(vendor, family, model, "test", AVX512_BF16);
        boolean generic = observed.equals("Prescott") || observed.equals("Barcelona");
        assertThat(OpenBlas0319.genericFallback(cpu).map(String::toLowerCase))
                .isEqualTo(generic ? java.util.Optional.of(observed.toLowerCase()) : java.util.Optional.empty());
    }
}
