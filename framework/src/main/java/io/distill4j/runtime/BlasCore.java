package io.distill4j.runtime;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which OpenBLAS kernel ("core") to force for this processor. ND4J M2.1 bundles OpenBLAS 0.3.19, which runs a generic
 * kernel on processors newer than it ({@link OpenBlas0319}): on an Emerald Rapids Xeon that made SGEMM 5x and the
 * online step 3x slower (81 vs 429 GFLOP/s, 3,950 vs 12,400 samples/s; issue 11). OpenBLAS reads the choice from the
 * environment variable {@code OPENBLAS_CORETYPE} once, when it loads, so the launcher asks this class before the JVM
 * that trains starts ({@link BlasCoreMain}). The choice never names a kernel whose instructions the processor lacks.
 */
public final class BlasCore {
    /** The variable that overrides the choice: {@code auto}, {@code none} (or {@code default}: OpenBLAS's own), or a core. */
    public static final String OVERRIDE = "DISTILL4J_BLAS_CORE";
    /** The system property that does the same, ahead of the variable (for {@code java -cp ... BlasCoreMain}). */
    public static final String PROPERTY = "distill4j.blasCore";
    /** The instructions each core a user may force needs. */
    static final Map<String, List<String>> NEEDS = Map.of(
            "SKYLAKEX", List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma"),
            "COOPERLAKE", List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma", "avx512_bf16"),
            "HASWELL", List.of("avx2", "fma"),
            "ZEN", List.of("avx2", "fma"),
            "SANDYBRIDGE", List.of("avx"),
            "NEHALEM", List.of("sse4_2"),
            "PRESCOTT", List.of("pni"));  // SSE3, as /proc/cpuinfo spells it
    /** Kernel generations by SGEMM width, for "a faster kernel exists": each name OpenBLAS 0.3.19 exports a table for. */
    static final Map<String, Integer> GENERATION = Map.ofEntries(Map.entry("KATMAI", 0), Map.entry("COPPERMINE", 0),
            Map.entry("NORTHWOOD", 0), Map.entry("BANIAS", 0), Map.entry("ATHLON", 0), Map.entry("PRESCOTT", 0),
            Map.entry("CORE2", 0), Map.entry("NEHALEM", 1), Map.entry("BARCELONA", 1), Map.entry("SANDYBRIDGE", 2),
            Map.entry("BULLDOZER", 2), Map.entry("PILEDRIVER", 2), Map.entry("STEAMROLLER", 2), Map.entry("EXCAVATOR", 2),
            Map.entry("HASWELL", 3), Map.entry("ZEN", 3), Map.entry("SKYLAKEX", 4), Map.entry("COOPERLAKE", 4));

    /** The variable OpenBLAS itself reads, once, when it loads. */
    public static final String CORETYPE = "OPENBLAS_CORETYPE";
    /**
     * Every name OpenBLAS 0.3.19's x86-64 DYNAMIC_ARCH build accepts in {@code OPENBLAS_CORETYPE} (its {@code corename}
     * table, compared case-insensitively); any other name it reports as "Core not found" and picks its own core.
     */
    static final Set<String> OPENBLAS_NAMES = Set.of("KATMAI", "COPPERMINE", "NORTHWOOD", "PRESCOTT", "BANIAS", "ATOM", "CORE2",
            "PENRYN", "DUNNINGTON", "NEHALEM", "ATHLON", "OPTERON", "OPTERON_SSE3", "BARCELONA", "NANO", "SANDYBRIDGE", "BOBCAT",
            "BULLDOZER", "PILEDRIVER", "HASWELL", "STEAMROLLER", "EXCAVATOR", "ZEN", "SKYLAKEX", "COOPERLAKE");

    private BlasCore() {
    }

    /**
     * A user's {@code OPENBLAS_CORETYPE} naming a kernel whose instructions this processor lacks, or empty. OpenBLAS
     * obeys such a name without checking and the JVM dies of SIGILL in the first matrix product (round 3, D4), so the
     * launcher and every computing command refuse it as they refuse such a {@code DISTILL4J_BLAS_CORE}. Empty also for a
     * processor we know nothing of (no /proc/cpuinfo): there we cannot tell.
     */
    public static Optional<String> unusableCoretype(String coretype, CpuInfo cpu) {
        if (coretype == null || coretype.isBlank() || cpu.flags().isEmpty()) return Optional.empty();
        List<String> needs = NEEDS.get(coretype.strip().toUpperCase(Locale.ROOT));
        if (needs == null) return Optional.empty();
        List<String> missing = needs.stream().filter(f -> !cpu.flags().contains(f)).toList();
        if (missing.isEmpty()) return Optional.empty();
        return Optional.of(CORETYPE + "=" + coretype + ": this processor lacks " + missing + ", which that kernel needs "
                + "(OpenBLAS would stop the JVM with an illegal instruction); unset it, or set " + OVERRIDE + "=auto");
    }

    /**
     * A user's {@code OPENBLAS_CORETYPE} that OpenBLAS does not know, or empty: it then prints "Core not found" and picks
     * its own core, so the setting does nothing (a warning, not a refusal: the run is correct).
     */
    public static Optional<String> unknownCoretype(String coretype) {
        if (coretype == null || coretype.isBlank() || OPENBLAS_NAMES.contains(coretype.strip().toUpperCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of(CORETYPE + "=" + coretype + " names no core OpenBLAS 0.3.19 knows, so OpenBLAS ignores it and picks "
                + "its own (x86-64 names: " + new TreeSet<>(OPENBLAS_NAMES) + ")");
    }

    /** What is wrong with a user's {@code OPENBLAS_CORETYPE}, for {@code info}: unusable or unknown; empty if nothing. */
    public static Optional<String> coretypeWarning(String coretype, CpuInfo cpu) {
        Optional<String> unusable = unusableCoretype(coretype, cpu);
        return unusable.isPresent() ? unusable.map(w -> w + "; train, resume and bench refuse it") : unknownCoretype(coretype);
    }

    /**
     * The core to force for {@code cpu}, or empty to let OpenBLAS pick: {@link #fastest} where OpenBLAS 0.3.19 would run
     * a generic kernel, nothing where it knows the processor (there its own choice is the same or better).
     */
    public static Optional<String> choose(CpuInfo cpu) {
        return OpenBlas0319.genericFallback(cpu).isPresent() ? fastest(cpu) : Optional.empty();
    }

    /**
     * The fastest core we trust on {@code cpu}. Intel with AVX-512: SKYLAKEX, not COOPERLAKE: 0.3.19's COOPERLAKE is
     * SKYLAKEX plus bf16 kernels ND4J never calls (same SGEMM, measured equal), and it needs one instruction set more.
     * AVX2 Intel: HASWELL. AVX2 AMD: ZEN, also on Zen 4 and 5 with AVX-512: whether SKYLAKEX beats ZEN there is unmeasured.
     */
    static Optional<String> fastest(CpuInfo cpu) {
        if (cpu.intel() && cpu.has(NEEDS.get("SKYLAKEX").toArray(String[]::new))) return Optional.of("SKYLAKEX");
        if (!cpu.has("avx2", "fma")) return Optional.empty();
        if (cpu.intel()) return Optional.of("HASWELL");
        return cpu.amd() ? Optional.of("ZEN") : Optional.empty();
    }

    /** The user's override: the system property, else the environment variable; null if neither is set. */
    public static String override() {
        String property = System.getProperty(PROPERTY);
        return property != null ? property : System.getenv(OVERRIDE);
    }

    /**
     * The core to force given the user's {@code override} ({@code auto} or null: {@link #choose}; {@code none} or
     * {@code default}: OpenBLAS's own choice; otherwise a core name, refused if unknown or if the processor lacks its
     * instructions, with a one-line message).
     */
    public static Optional<String> resolve(String override, CpuInfo cpu) {
        if (automatic(override)) return choose(cpu);
        if (override.equalsIgnoreCase("none") || override.equalsIgnoreCase("default")) return Optional.empty();
        String core = override.strip().toUpperCase(Locale.ROOT);
        List<String> needs = NEEDS.get(core);
        if (needs == null) {
            throw new IllegalArgumentException(source() + "=" + override + ": expected auto, none or one of "
                    + new TreeSet<>(NEEDS.keySet()));
        }
        List<String> missing = needs.stream().filter(f -> !cpu.flags().contains(f)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(source() + "=" + override + ": this processor lacks " + missing
                    + ", which that kernel needs; use auto or a smaller core");
        }
        return Optional.of(core);
    }

    /**
     * What to warn about the kernel that runs ({@code running}, as {@link LoadedBlasCore#name()} reads it; null if
     * unknown), or empty: a kernel slower than {@link #fastest} when the user left the choice to us, or an override that
     * could not take effect because OpenBLAS had loaded before it was read.
     */
    public static Optional<String> warning(String running, CpuInfo cpu, String override) {
        if (!automatic(override)) {
            Optional<String> asked;
            try {
                asked = resolve(override, cpu);
            } catch (IllegalArgumentException e) {
                return Optional.of(e.getMessage());  // commands refuse it before they get here; a library user hears it here
            }
            if (asked.isEmpty() || running == null || asked.get().equals(running)) return Optional.empty();
            return Optional.of(source() + "=" + override + " but OpenBLAS runs " + running + ": OpenBLAS reads its core once, "
                    + "when it loads; start Java with OPENBLAS_CORETYPE=" + asked.get() + " (scripts/distill4j does)");
        }
        Optional<String> best = fastest(cpu);
        if (running == null || best.isEmpty() || !GENERATION.containsKey(running)
                || GENERATION.get(running) >= GENERATION.get(best.get())) {
            return Optional.empty();
        }
        boolean generic = GENERATION.get(running) <= 1 && best.get().equals("SKYLAKEX");
        String measured = generic ? " (the online step ran 3x faster with SKYLAKEX than with the generic kernel on an Emerald "
                + "Rapids Xeon)" : "";
        return Optional.of("OpenBLAS runs its " + running + " kernel on a processor that can run " + best.get() + measured
                + ": start Java with OPENBLAS_CORETYPE=" + best.get() + " (scripts/distill4j does unless it is set), or set "
                + OVERRIDE + "=" + running + " to keep this one quietly");
    }

    /**
     * The running core, where it came from and what {@code auto} would force, for {@code info}: e.g. "SKYLAKEX, OpenBLAS's
     * own choice; auto forces nothing on this processor".
     */
    public static String describe(String running, String coretypeEnv, CpuInfo cpu) {
        boolean set = coretypeEnv != null && !coretypeEnv.equals("(unset)") && !coretypeEnv.isBlank();
        // a name OpenBLAS does not know forces nothing: say what runs, not what was asked
        String source = !set ? "OpenBLAS's own choice"
                : unknownCoretype(coretypeEnv).isPresent() ? "OpenBLAS's own choice (OPENBLAS_CORETYPE=" + coretypeEnv
                        + " names no core it knows)"
                : "forced (OPENBLAS_CORETYPE=" + coretypeEnv + ")";
        String auto = choose(cpu).map(c -> "auto forces " + c + " on this processor")
                .orElse("auto forces nothing on this processor");
        return (running == null ? "unknown (not a DYNAMIC_ARCH OpenBLAS)" : running) + ", " + source + "; " + auto;
    }

    /** The name the user gave the override under, for messages. */
    private static String source() {
        return System.getProperty(PROPERTY) != null ? "-D" + PROPERTY : OVERRIDE;
    }

    private static boolean automatic(String override) {
        return override == null || override.isBlank() || override.strip().equalsIgnoreCase("auto");
    }
}
