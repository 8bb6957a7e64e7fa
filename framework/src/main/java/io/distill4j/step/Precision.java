package io.distill4j.step;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The precisions of the fused step's products ({@code training.precision}). {@code fp32}: OpenBLAS's sgemm, the
 * default. {@code bf16}: oneDNN's matmul with bf16 operands and fp32 accumulation and results, on the CPU's bf16
 * units (AMX on Sapphire Rapids and later Xeons, AVX512-BF16 on Cooper Lake and AMD Zen 4); parameters, gradients
 * and optimizer state stay fp32 ({@link Bf16Gemm}).
 */
public final class Precision {
    public static final String FP32 = "fp32";
    public static final String BF16 = "bf16";
    /** CPU flags (Linux's names) of which one must be present for bf16: oneDNN emulates bf16 elsewhere, slower than fp32. */
    static final Set<String> BF16_FLAGS = Set.of("avx512_bf16", "amx_bf16");
    private static final Pattern FLAGS = Pattern.compile("(?m)^flags\\s*:(.*)$");

    private Precision() {
    }

    public static List<String> all() {
        return List.of(FP32, BF16);
    }

    /**
     * {@code precision} as provenance records it: null for fp32 (the default, recorded by its absence), else {@code bf16}
     * with the oneDNN version and the implementation it picks here (e.g. {@code bf16 (oneDNN 2.5.2 brg:avx512_core_amx_bf16)}).
     */
    public static String describe(String precision) {
        return BF16.equals(precision) ? BF16 + " (" + Bf16Gemm.describe() + ")" : FP32.equals(precision) ? null : precision;
    }

    /** Why this machine cannot run bf16 products, or empty if it can. */
    public static Optional<String> bf16Problem() {
        if (!"amd64".equals(System.getProperty("os.arch")) && !"x86_64".equals(System.getProperty("os.arch"))
                || !System.getProperty("os.name", "").startsWith("Linux")) {
            return Optional.of("bf16 needs x86-64 Linux (this is " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
        }
        String cpuinfo;
        try {
            cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            return Optional.of("bf16: cannot read /proc/cpuinfo to check the CPU (" + e.getMessage() + ")");
        }
        return bf16Problem(cpuinfo);
    }

    /** Why a CPU with this {@code /proc/cpuinfo} cannot run bf16 products, or empty if it can. */
    static Optional<String> bf16Problem(String cpuinfo) {
        Matcher m = FLAGS.matcher(cpuinfo);
        if (!m.find()) return Optional.of("bf16: /proc/cpuinfo lists no CPU flags");
        Set<String> flags = Set.of(m.group(1).trim().split("\\s+"));
        for (String f : BF16_FLAGS) if (flags.contains(f)) return Optional.empty();
        Matcher model = Pattern.compile("(?m)^model name\\s*:\\s*(.*)$").matcher(cpuinfo);
        String name = model.find() ? model.group(1).trim() : "this CPU";
        return Optional.of("this CPU (" + name + ") has no bf16 units (neither avx512_bf16 nor amx_bf16 in /proc/cpuinfo): "
                + "use fp32; bf16 needs e.g. a Cooper Lake or Sapphire Rapids Xeon or an AMD Zen 4");
    }
}
