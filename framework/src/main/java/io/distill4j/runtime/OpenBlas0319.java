package io.distill4j.runtime;

import java.util.Optional;

/**
 * Where the OpenBLAS 0.3.19 that ND4J M2.1 bundles does not know the processor, and the generic kernel it then runs.
 * A model of its {@code driver/others/dynamic.c}, checked against the bundled binary itself: with CPUID's answers
 * changed under gdb on an AVX-512/AMX Xeon, it picked SkylakeX for model 167, Cooperlake for 143 and 173, Haswell for
 * 154, but Prescott for models 186, 204 and 207 and for family 19, and Barcelona for AMD family 26 (Zen for 23 and 25).
 * <ul>
 *   <li>Intel family 6, extended model 11 and up (cpuinfo model 176+: Raptor/Arrow/Lunar Lake, Emerald Rapids ...):
 *       its switch has no case for them and falls through into the Pentium 4 branch: Prescott (SSE3).</li>
 *   <li>Intel families past 15 (cpuinfo family 16+): the same Pentium 4 branch.</li>
 *   <li>AMD family 26+ (Zen 5 ...): its table stops at family 25: Barcelona.</li>
 * </ul>
 * Everything else it either knows or, for an unlisted model of a known generation, picks by the CPU's features,
 * which is what we would force: nothing to correct there.
 */
final class OpenBlas0319 {
    private OpenBlas0319() {
    }

    /** The generic kernel OpenBLAS 0.3.19 falls back to on {@code cpu}, or empty where it picks a fitting one itself. */
    static Optional<String> genericFallback(CpuInfo cpu) {
        if (cpu.intel() && (cpu.family() == 6 && cpu.model() >= 176 || cpu.family() > 15)) return Optional.of("PRESCOTT");
        if (cpu.amd() && cpu.family() >= 26) return Optional.of("BARCELONA");
        return Optional.empty();
    }
}
