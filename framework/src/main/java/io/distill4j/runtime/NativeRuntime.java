package io.distill4j.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the numbers were computed with. Recorded in provenance because a different native binary or thread
 * count changes results at rounding level (DL4J-NOTES "Determinism").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NativeRuntime(String backend, String binary, int ompThreads, long blasThreads, String blasVendor,
                            int cpuCores, String ompNumThreadsEnv, String blasCore, String cpu) {
    /** {@link #blasCore()} when nothing was forced. */
    public static final String OPENBLAS_OWN_CHOICE = "OpenBLAS's own choice";
    private static final Pattern BINARY = Pattern.compile("(linux|macosx|windows)-[a-z0-9_]+(-[a-z0-9]+)*?(?=[./\\\\])");

    /** Describes the loaded backend; loads it if nothing has yet. */
    public static NativeRuntime describe() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        Nd4jEnvironment env = Nd4jEnvironment.getEnvironment();
        return new NativeRuntime(backend, nativeBinary(), NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(),
                env.getBlasThreads(), env.getBlasVendor(), Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"), loadedBlasCore(), CpuInfo.current().describe());
    }

    /**
     * The OpenBLAS kernel in use: the core forced with {@code OPENBLAS_CORETYPE} (as {@code scripts/distill4j} does, see
     * {@link BlasCore}), or {@link #OPENBLAS_OWN_CHOICE}. OpenBLAS's own name for its choice is not reachable from Java
     * (JavaCPP 1.5.7's OpenBLAS preset does not map {@code openblas_get_corename}); with the processor and native binary
     * recorded beside it, the kernel is determined all the same.
     */
    static String loadedBlasCore() {
        String forced = System.getenv("OPENBLAS_CORETYPE");
        return forced == null || forced.isBlank() ? OPENBLAS_OWN_CHOICE : forced.strip().toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * How this runtime's kernels differ from {@code before}'s (native binary, OpenBLAS core, processor), or empty if they
     * are the same or {@code before} did not record them. A resumed run continues correctly on other kernels, but its
     * numbers then differ at rounding level from a run that was never stopped.
     */
    public java.util.Optional<String> kernelChangeSince(NativeRuntime before) {
        if (before == null) return java.util.Optional.empty();
        List<String> changes = new java.util.ArrayList<>();
        if (!java.util.Objects.equals(binary, before.binary)) changes.add("native binary " + before.binary + " -> " + binary);
        if (before.blasCore != null && !before.blasCore.equals(blasCore)) changes.add("OpenBLAS core " + before.blasCore + " -> " + blasCore);
        if (before.cpu != null && !before.cpu.equals(cpu)) changes.add("processor " + before.cpu + " -> " + cpu);
        return changes.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join("; ", changes));
    }

    /**
     * The platform tag of the loaded native ND4J library (e.g. {@code linux-x86_64-avx2}), read from the path
     * JavaCPP loaded it from, which carries the classifier of the jar it came out of.
     */
    static String nativeBinary() {
        for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
            String path = e.getValue();
            if (path != null && (e.getKey().contains("nd4j") || path.contains("nd4j"))) {
                Matcher m = BINARY.matcher(path.substring(path.indexOf("nd4j")));
                if (m.find()) return m.group();
            }
        }
        return Loader.getPlatform();
    }
}
