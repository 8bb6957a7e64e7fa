package io.distill4j.runtime;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which OpenBLAS kernel ("core") to force for this processor. ND4J M2.1 bundles OpenBLAS 0.3.19, which does not know
 * processors newer than it and then falls back to a generic kernel: on an AVX-512 Xeon of 2023 that is 3x slower
 * (SGEMM 81 vs 429 GFLOP/s, the online step 3,950 vs 12,400 samples/s, issue 11). OpenBLAS reads the choice from the
 * environment variable {@code OPENBLAS_CORETYPE} when it loads, so the launcher asks this class before the JVM that
 * trains starts ({@link BlasCoreMain}). The choice never names a kernel whose instructions the processor lacks.
 */
public final class BlasCore {
    /** The variable (and, for library users, system property {@code distill4j.blasCore}) that overrides the choice. */
    public static final String OVERRIDE = "DISTILL4J_BLAS_CORE";
    /** The instructions each forcible core needs. */
    static final Map<String, List<String>> NEEDS = Map.of(
            "SKYLAKEX", List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "fma"),
            "COOPERLAKE", List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "fma", "avx512_bf16"),
            "HASWELL", List.of("avx2", "fma"),
            "ZEN", List.of("avx2", "fma"),
            "SANDYBRIDGE", List.of("avx"),
            "NEHALEM", List.of("sse4_2"),
            "PRESCOTT", List.of("sse3"));
    /**
     * Intel family-6 models OpenBLAS 0.3.19 recognises as AVX2 cores (Haswell … Comet Lake): left to its own choice.
     * Anything newer without AVX-512 (Alder Lake, Raptor Lake ...) it does not know.
     */
    private static final Set<Integer> KNOWN_INTEL_AVX2 = Set.of(60, 63, 69, 70, 61, 71, 79, 86, 78, 94, 142, 158, 165, 166);

    private BlasCore() {
    }

    /**
     * The core to force for {@code cpu}, or empty to let OpenBLAS pick. Intel with AVX-512: SKYLAKEX, whose kernels need
     * only the AVX-512 base set (COOPERLAKE measured the same: its extra bf16 kernels do not serve sgemm). Intel AVX2
     * parts 0.3.19 does not know: HASWELL. AMD: OpenBLAS's own choice (ZEN kernels on Zen 1–4; whether a forced AVX-512
     * core beats them on Zen 4 has not been measured, so nothing is forced).
     */
    public static Optional<String> choose(CpuInfo cpu) {
        if (!cpu.intel() || cpu.family() != 6) return Optional.empty();
        if (cpu.has(NEEDS.get("SKYLAKEX").toArray(String[]::new))) return Optional.of("SKYLAKEX");
        if (cpu.has("avx2", "fma") && !KNOWN_INTEL_AVX2.contains(cpu.model())) return Optional.of("HASWELL");
        return Optional.empty();
    }

    /**
     * The core to force given the user's {@code override} ({@code auto} or null: {@link #choose}; {@code none}: OpenBLAS's own
     * choice; otherwise a core name, refused if unknown or if the processor lacks its instructions).
     */
    public static Optional<String> resolve(String override, CpuInfo cpu) {
        if (override == null || override.isBlank() || override.equalsIgnoreCase("auto")) return choose(cpu);
        if (override.equalsIgnoreCase("none") || override.equalsIgnoreCase("default")) return Optional.empty();
        String core = override.strip().toUpperCase(Locale.ROOT);
        List<String> needs = NEEDS.get(core);
        if (needs == null) {
            throw new IllegalArgumentException(OVERRIDE + "=" + override + ": expected auto, none or one of "
                    + new java.util.TreeSet<>(NEEDS.keySet()));
        }
        List<String> missing = needs.stream().filter(f -> !cpu.flags().contains(f)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(OVERRIDE + "=" + override + ": this processor lacks " + missing
                    + ", which that kernel needs; use auto or a smaller core");
        }
        return Optional.of(core);
    }

    /**
     * Whether the process runs a generic kernel where a faster one exists: {@code blasCore} as {@link NativeRuntime#blasCore()}
     * records it, on a processor for which {@link #choose} would force a core.
     */
    public static boolean fallbackWhereForcingPays(String blasCore, CpuInfo cpu) {
        return NativeRuntime.OPENBLAS_OWN_CHOICE.equals(blasCore) && choose(cpu).isPresent();
    }
}
